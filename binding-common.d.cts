// Types of binding-common.cjs (shared by binding.cjs and src/bundled-binding.ts).
export interface LoadProblem {
  what: string;
  error: unknown;
}
export interface NativeTarget {
  platform: string;
  arch: string;
  abi: string;
  packageName: string;
  fileName: string;
  musl: boolean | null;
  glibc: string | null;
  problems: LoadProblem[];
}
export interface LoadErrorOptions {
  errors: unknown[];
  loaderError?: unknown;
  target: NativeTarget;
  looked: string;
  fixes: string[];
  override?: string | undefined;
  found?: string | null;
  problems?: LoadProblem[];
}
export declare const NAME: string;
export declare const PUBLISHED: string[];
export declare const BUNDLING_SECTION: string;
export declare const DENO_FLAGS: string;
export declare function attempt<T, F>(problems: LoadProblem[], what: string, fn: () => T, fallback: F): T | F;
export declare function describeError(error: unknown): string;
export declare function firstLine(error: unknown): string;
export declare function nativeTarget(readFileSync: (path: string, encoding: 'utf8') => string, describe?: boolean): NativeTarget;
export declare function describeLibc(target: NativeTarget): string;
export declare function isPermissionError(error: unknown): boolean;
export declare function permissionError(denied: unknown, errors: unknown[]): Error;
export declare function underlyingErrors(error: unknown): unknown[];
export declare function isAddon(binding: unknown): boolean;
export declare function checkBinding<T>(binding: T, from: string): T;
export declare function loadError(options: LoadErrorOptions): Error;
export declare function describingFailed(error: unknown, describing: unknown): Error;
