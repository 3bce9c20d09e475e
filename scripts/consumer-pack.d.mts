// Types of scripts/consumer-pack.mjs, for the TypeScript tests that use it.
export interface Tarball {
  filename: string;
  path: string;
  size: number;
  unpackedSize: number;
  entryCount: number;
  files: { path: string; size: number }[];
}
export interface Tarballs {
  work: string;
  main: Tarball;
  platform: Tarball;
  /** fast-meanshift-cli's tarball, when packTarballs was given { cli: true }. */
  cli?: Tarball;
}
export declare const root: string;
export declare const pkg: { name: string; version: string; napi: { binaryName: string; targets: string[] } };
export declare const cliDir: string;
export declare const cliPkg: { name: string; version: string; bin: Record<string, string>; dependencies: Record<string, string> };
export declare class ConsumerTestError extends Error {}
export declare function fail(message: string): never;
export declare function hostAbi(): string;
export declare const abi: string;
export declare const binaryName: string;
export declare const binaryPackage: string;
export declare function run(cmd: string, args: string[], cwd: string, options?: { quiet?: boolean; env?: Record<string, string> }): string;
export declare function packTarballs(work?: string, options?: { cli?: boolean }): Tarballs;
export declare function installProject(dir: string, tarballs: Omit<Tarballs, 'work'>, packageJson?: Record<string, unknown>): string;
