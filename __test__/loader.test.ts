// The native loader (binding.cjs around the generated loader.cjs): when no binary loads, one clear
// error that names the platform, arch, libc, the package looked for and the fixes, with every
// underlying load error in `cause`. Each case runs in a child process, so nothing here loads twice.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTriple } from '@napi-rs/cli';

const root = resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  napi: { binaryName: string; targets: string[] };
};

/** What napi-rs calls this machine: linux-x64-gnu, darwin-arm64, win32-x64-msvc, ... */
function hostAbi(): string {
  if (process.platform === 'linux') {
    let musl: boolean;
    try {
      musl = readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
    } catch {
      const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
      musl = !report.header?.glibcVersionRuntime;
    }
    return `linux-${process.arch}-${musl ? 'musl' : 'gnu'}`;
  }
  if (process.platform === 'win32') return `win32-${process.arch}-msvc`;
  return `${process.platform}-${process.arch}`;
}

interface Reported {
  loaded?: boolean;
  name?: string;
  message?: string;
  code?: string;
  platform?: string;
  arch?: string;
  libc?: string;
  packageName?: string;
  causeName?: string;
  causeErrors?: string[];
}

/** Requires `specifier` in a child process and reports what it threw, as JSON. */
function loadInChild(specifier: string, env: Record<string, string> = {}): Reported {
  const report = `(e) => ({ name: e.name, message: e.message, code: e.code, platform: e.platform, arch: e.arch,
    libc: e.libc, packageName: e.packageName, causeName: e.cause && e.cause.name,
    causeErrors: e.cause && Array.isArray(e.cause.errors) ? e.cause.errors.map((c) => String(c && c.message)) : undefined })`;
  const code = `let r; try { require(${JSON.stringify(specifier)}); r = { loaded: true }; } catch (e) { r = (${report})(e); } console.log(JSON.stringify(r));`;
  const child = spawnSync(process.execPath, ['-e', code], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
    cwd: tmpdir(),
  });
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Reported;
}

const abi = hostAbi();
const packageName = `${pkg.name}-${abi}`;
const fileName = `${pkg.napi.binaryName}.${abi}.node`;

function expectClearError(r: Reported) {
  expect(r.loaded).toBeUndefined();
  expect(r.code).toBe('ERR_FAST_MEANSHIFT_NATIVE_BINDING');
  const message = r.message!;
  // platform, arch, libc
  expect(message).toContain(`platform ${process.platform}, arch ${process.arch}, libc `);
  if (process.platform === 'linux') expect(message).toMatch(/libc (glibc|musl)/);
  expect(r.platform).toBe(process.platform);
  expect(r.arch).toBe(process.arch);
  expect(r.libc).toBeTruthy();
  // the package it looked for
  expect(r.packageName).toBe(packageName);
  expect(message).toContain(`the package ${packageName}`);
  // the fixes
  expect(message).toContain('Reinstall without omitting optional dependencies');
  expect(message).toContain('npm install');
  expect(message).toContain('--omit=optional');
  expect(message).toContain('build the binary from source');
  expect(message).toContain('Rust');
  expect(message).toContain('npm run build');
  // every underlying error, in cause
  expect(r.causeName).toBe('AggregateError');
  expect(r.causeErrors!.length).toBeGreaterThanOrEqual(1);
  for (const e of r.causeErrors!) expect(message).toContain(e.split('\n')[0]);
}

describe('native loader', () => {
  let copy: string;

  beforeAll(() => {
    // The package as installed, but without its binary: no .node next to it, no platform package.
    copy = mkdtempSync(join(tmpdir(), 'fast-meanshift-loader-'));
    const dir = join(copy, 'node_modules', pkg.name);
    mkdirSync(dir, { recursive: true });
    for (const f of ['package.json', 'loader.cjs', 'binding.cjs', 'dist']) cpSync(join(root, f), join(dir, f), { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('loads the built binary', () => {
    expect(loadInChild(join(root, 'binding.cjs'))).toEqual({ loaded: true });
  });

  it('without a binary, require() throws one clear error with every load error in cause', () => {
    const r = loadInChild(join(copy, 'node_modules', pkg.name, 'dist', 'index.cjs'));
    expectClearError(r);
    expect(r.message).toContain(`the file ${fileName}`);
    // both native candidates were tried: the file next to the loader and the platform package
    expect(r.causeErrors!.some((e) => e.includes(fileName))).toBe(true);
    expect(r.causeErrors!.some((e) => e.includes(`'${packageName}'`))).toBe(true);
  });

  it('without a binary, an ES module import fails with the same error', () => {
    // A static import, as a consumer writes it. (Node 20 reports an error thrown by a CommonJS module
    // that an ES module imports as uncaught even when the import() is caught, nodejs/node#51603, so
    // the error is read from the crashed process's stderr.)
    const entry = pathToFileURL(join(copy, 'node_modules', pkg.name, 'dist', 'index.js')).href;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `import { MeanShift } from ${JSON.stringify(entry)}; new MeanShift();`], {
      encoding: 'utf8',
      cwd: tmpdir(),
    });
    expect(child.status).not.toBe(0);
    const stderr = child.stderr;
    expect(stderr).toContain(`no native binary could be loaded for platform ${process.platform}, arch ${process.arch}, libc `);
    expect(stderr).toContain(`It looked for the package ${packageName}`);
    expect(stderr).toContain('Reinstall without omitting optional dependencies');
    expect(stderr).toContain('npm run build');
    expect(stderr).toContain("code: 'ERR_FAST_MEANSHIFT_NATIVE_BINDING'");
    expect(stderr).toContain('[cause]: AggregateError');
    expect(stderr).toContain(`Cannot find module '${packageName}'`);
  });

  it('with NAPI_RS_NATIVE_LIBRARY_PATH at a bogus file, says so and keeps that error', () => {
    const bogus = join(copy, 'no-such-binary.node');
    const r = loadInChild(join(root, 'binding.cjs'), { NAPI_RS_NATIVE_LIBRARY_PATH: bogus });
    expectClearError(r);
    expect(r.message).toContain(`NAPI_RS_NATIVE_LIBRARY_PATH is set, so only that file was tried: ${bogus}`);
    expect(r.causeErrors!.some((e) => e.includes(bogus))).toBe(true);
  });

  it("knows the same platforms as package.json's napi.targets", () => {
    const source = readFileSync(join(root, 'binding.cjs'), 'utf8');
    const start = source.indexOf('const PUBLISHED');
    const list = source.slice(start, source.indexOf('];', start));
    const published = [...list.matchAll(/'([\w-]+)'/g)].map((m) => m[1]);
    expect(published.sort()).toEqual(pkg.napi.targets.map((t) => parseTriple(t).platformArchABI).sort());
  });
});
