// The native loader (binding.cjs around the generated loader.cjs): when no binary loads, one clear
// error that names the platform, arch, libc, the package looked for, what actually failed and the
// fixes, with every underlying load error in `cause`. Each case runs in a child process, so nothing
// here loads twice.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
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

const REPORT = `(e) => ({ name: e.name, message: e.message, code: e.code, platform: e.platform, arch: e.arch,
    libc: e.libc, packageName: e.packageName, causeName: e.cause && e.cause.name,
    causeErrors: e.cause && Array.isArray(e.cause.errors) ? e.cause.errors.map((c) => String(c && c.message)) : undefined })`;

/**
 * Requires `specifier` in a child process and reports what it threw, as JSON. `preload` is a script
 * run first (`node -r`), to make a step of the loading fail as it fails elsewhere.
 */
function loadInChild(specifier: string, env: Record<string, string> = {}, preload?: string): Reported {
  const code = `let r; try { require(${JSON.stringify(specifier)}); r = { loaded: true }; } catch (e) { r = (${REPORT})(e); } console.log(JSON.stringify(r));`;
  const child = spawnSync(process.execPath, [...(preload ? ['-r', preload] : []), '-e', code], {
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
    for (const f of ['package.json', 'loader.cjs', 'binding.cjs', 'binding-common.cjs', 'dist']) cpSync(join(root, f), join(dir, f), { recursive: true });
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
    expect(stderr).toContain(`no native binary was found for platform ${process.platform}, arch ${process.arch}, libc `);
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
    const source = readFileSync(join(root, 'binding-common.cjs'), 'utf8');
    const start = source.indexOf('const PUBLISHED');
    const list = source.slice(start, source.indexOf('];', start));
    const published = [...list.matchAll(/'([\w-]+)'/g)].map((m) => m[1]);
    expect(published.sort()).toEqual(pkg.napi.targets.map((t) => parseTriple(t).platformArchABI).sort());
  });

  it('recognises the addon by a function that the generated loader declares', () => {
    const source = readFileSync(join(root, 'binding-common.cjs'), 'utf8');
    const name = /const ADDON_FUNCTION = '(\w+)'/.exec(source)![1]!;
    expect(readFileSync(join(root, 'loader.d.cts'), 'utf8')).toContain(`export declare function ${name}(`);
  });
});

// Each step of building that error can fail too (Deno's permissions, a bundle without __dirname or
// require, a file that cannot be read, a require hook): the error must then name what failed, never
// hide it behind "reinstall", and never be replaced by the secondary failure.
describe('native loader: the error names what actually failed', () => {
  let work: string;
  let bare: string; // the package without a binary
  let installed: string; // the package with its platform package, as npm installs them

  /** The files that `npm pack` ships (package.json `files`), copied to `dir`. */
  function copyPackage(dir: string) {
    mkdirSync(dir, { recursive: true });
    for (const f of ['package.json', 'loader.cjs', 'binding.cjs', 'binding-common.cjs', 'dist']) {
      cpSync(join(root, f), join(dir, f), { recursive: true });
    }
  }

  /** A script for `node -r`: writes `source` to a file and returns its path. */
  function preload(name: string, source: string): string {
    const file = join(work, `${name}.cjs`);
    writeFileSync(file, source);
    return file;
  }

  beforeAll(() => {
    // The real path: messages name files as Node resolved them (macOS's tmpdir is a symbolic link).
    work = realpathSync(mkdtempSync(join(tmpdir(), 'fast-meanshift-loader-causes-')));
    bare = join(work, 'bare', 'node_modules', pkg.name);
    copyPackage(bare);
    installed = join(work, 'installed', 'node_modules');
    copyPackage(join(installed, pkg.name));
    const platformDir = join(installed, packageName);
    mkdirSync(platformDir, { recursive: true });
    cpSync(join(root, 'npm', abi, 'package.json'), join(platformDir, 'package.json'));
    cpSync(join(root, fileName), join(platformDir, fileName));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("Deno denies environment access: the error names Deno's flags, not a missing binary", () => {
    // Deno 2 throws NotCapable on the first read of an environment variable it was not allowed to read
    // (tested under Deno itself by scripts/runtimes-test.mjs).
    const denyEnv = preload(
      'deny-env',
      `class NotCapable extends Error { name = 'NotCapable'; }
const env = process.env;
Object.defineProperty(process, 'env', { value: new Proxy(env, { get(target, key) {
  if (typeof key === 'string' && key.startsWith('NAPI_RS_')) {
    throw new NotCapable('Requires env access to "' + key + '", run again with the --allow-env flag');
  }
  return target[key];
} }) });
`,
    );
    const r = loadInChild(join(installed, pkg.name, 'dist', 'index.cjs'), {}, denyEnv);
    expect(r.code).toBe('ERR_FAST_MEANSHIFT_DENO_PERMISSIONS');
    expect(r.message!).toMatch(/^fast-meanshift: Deno denied an access that loading the native addon needs: Requires env access to "NAPI_RS_\w+"/);
    expect(r.message).toContain('--allow-env --allow-ffi --allow-read');
    expect(r.message).not.toContain('Reinstall');
    expect(r.causeErrors!.every((m) => m.startsWith('Requires env access'))).toBe(true);
  });

  it('Deno denies loading the binary (ffi): the flags again', () => {
    // With --allow-env but not --allow-ffi, Deno's require of the .node file fails; the napi-rs loader
    // keeps only that error's message.
    const denyFfi = preload(
      'deny-ffi',
      `const Module = require('node:module');
const load = Module._extensions['.node'];
Module._extensions['.node'] = (module, filename) => {
  throw new Error('Requires ffi access to "' + filename + '", run again with the --allow-ffi flag');
};
`,
    );
    const r = loadInChild(join(installed, pkg.name, 'dist', 'index.cjs'), {}, denyFfi);
    expect(r.code).toBe('ERR_FAST_MEANSHIFT_DENO_PERMISSIONS');
    expect(r.message).toContain(`Requires ffi access to "${join(installed, packageName, fileName)}"`);
    expect(r.message).toContain('--allow-env --allow-ffi --allow-read');
  });

  it.runIf(process.platform === 'linux')('reading /usr/bin/ldd and the process report fail: libc is "unknown" and says why', () => {
    const failReads = preload(
      'fail-reads',
      `const fs = require('node:fs');
const read = fs.readFileSync;
fs.readFileSync = function (path, ...rest) {
  if (path === '/usr/bin/ldd') throw Object.assign(new Error("EACCES: permission denied, open '/usr/bin/ldd'"), { code: 'EACCES' });
  return read.call(this, path, ...rest);
};
process.report.getReport = () => { throw new Error('the process report is not available here'); };
`,
    );
    const r = loadInChild(join(bare, 'dist', 'index.cjs'), {}, failReads);
    expect(r.code).toBe('ERR_FAST_MEANSHIFT_NATIVE_BINDING');
    expect(r.libc).toBe(
      "unknown (neither glibc nor musl detected; reading /usr/bin/ldd failed: Error: EACCES: permission denied, open '/usr/bin/ldd'; " +
        'process.report.getReport() failed: Error: the process report is not available here)',
    );
    expect(r.message).toContain(`libc ${r.libc}`);
    // napi-rs's loader does not catch a failing report: that is the error it threw, and it is named.
    expect(r.message!.split('\n')[0]).toMatch(/loading the native addon failed for .*: Error: the process report is not available here$/);
  });

  it("require('<platform package>/package.json') fails (a require hook): the binary loads anyway", () => {
    // As under tsx, for a .cts file in a "type": "module" project on Node 20: require() of a JSON file
    // fails inside Node, after the platform package itself loaded.
    const failJson = preload(
      'fail-json',
      `const Module = require('node:module');
const require0 = Module.prototype.require;
Module.prototype.require = function (id) {
  if (id === ${JSON.stringify(`${packageName}/package.json`)}) throw new TypeError("Cannot read properties of undefined (reading 'exports')");
  return require0.apply(this, arguments);
};
`,
    );
    const entry = join(installed, pkg.name, 'dist', 'index.cjs');
    expect(loadInChild(entry, {}, failJson)).toEqual({ loaded: true });

    // When the version check is enforced, the package.json is needed: the error names its require.
    const r = loadInChild(entry, { NAPI_RS_ENFORCE_VERSION_CHECK: '1' }, failJson);
    expect(r.code).toBe('ERR_FAST_MEANSHIFT_NATIVE_BINDING');
    expect(r.message!.split('\n')[0]).toContain(
      `was found but did not load: ${packageName} loaded, but require('${packageName}/package.json') (napi-rs's loader ` +
        "reads it to check the version, as NAPI_RS_ENFORCE_VERSION_CHECK=1 asks) failed: TypeError: Cannot read properties of undefined (reading 'exports')",
    );
    expect(r.message).toContain('Unset NAPI_RS_ENFORCE_VERSION_CHECK');
    expect(r.message).not.toContain('Reinstall');
  });

  it('tsx, a .cts file in a "type": "module" project: loads', () => {
    const project = join(work, 'installed');
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'tsx-project', private: true, type: 'module' }));
    writeFileSync(
      join(project, 'main.cts'),
      "const { MeanShift } = require('fast-meanshift');\nconsole.log(new MeanShift({ bandwidth: 1 }).fit([[0, 0], [0, 1], [9, 9]]).clusterCenters.length);\n",
    );
    const tsx = join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs');
    const child = spawnSync(process.execPath, [tsx, 'main.cts'], { cwd: project, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('2');
  });

  /** Imports the ES module `file` in a child process and reports what it threw, as JSON. */
  function importInChild(file: string): Reported {
    const code = `import(${JSON.stringify(pathToFileURL(file).href)}).then(() => ({ loaded: true }), ${REPORT}).then((r) => console.log(JSON.stringify(r)));`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', cwd: tmpdir() });
    expect(child.status, child.stderr).toBe(0);
    return JSON.parse(child.stdout.trim().split('\n').pop()!) as Reported;
  }

  function expectBundleError(r: Reported) {
    // The loader's error builder ran without __dirname (and without require): no ReferenceError of
    // its own, but an error that says it is in an ES module bundle and points to the recipes.
    expect(r.code).toBe('ERR_FAST_MEANSHIFT_NATIVE_BINDING');
    expect(r.name).toBe('Error');
    expect(r.message).toContain('__dirname is not defined, so this code was bundled into an ES module');
    expect(r.message).toContain('https://www.npmjs.com/package/fast-meanshift#bundling-a-server');
    expect(r.message).not.toContain('Reinstall');
  }

  it("an ES module bundle of the Node entry (esbuild): __dirname and require are missing, and the error says so", async () => {
    const { build } = await import('esbuild');
    const outfile = join(work, 'esbuild-esm', 'server.mjs');
    await build({ entryPoints: [join(bare, 'dist', 'index.cjs')], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
    const r = importInChild(outfile);
    expectBundleError(r);
    // what failed first: napi-rs's loader's require('fs') in a bundle without require
    expect(r.message!.split('\n')[0]).toMatch(/loading the native addon failed for .*: Error: Dynamic require of "fs" is not supported$/);
  });

  it("an ES module bundle of the Node entry (Rollup, the commonjs plugin): the same", async () => {
    const { rollup } = await import('rollup');
    // (its types are CommonJS declarations of an ES module default export)
    const commonjs = (await import('@rollup/plugin-commonjs')).default as unknown as () => import('rollup').Plugin;
    const bundle = await rollup({ input: join(bare, 'dist', 'index.cjs'), plugins: [commonjs()], onwarn: () => {} });
    const file = join(work, 'rollup-es', 'server.mjs');
    await bundle.write({ file, format: 'es' });
    await bundle.close();
    const r = importInChild(file);
    expectBundleError(r);
    expect(r.message!.split('\n')[0]).toMatch(/loading the native addon failed for .*: Error: require is not defined$/);
  });

  it('a binary that is there but does not load: says so, with its error', () => {
    const broken = join(work, 'broken', 'node_modules', pkg.name);
    copyPackage(broken);
    writeFileSync(join(broken, fileName), 'not a shared library');
    const r = loadInChild(join(broken, 'dist', 'index.cjs'));
    expect(r.code).toBe('ERR_FAST_MEANSHIFT_NATIVE_BINDING');
    const headline = r.message!.split('\n')[0]!;
    expect(headline).toContain(`the native binary for platform ${process.platform}, arch ${process.arch}, libc `);
    expect(headline).toContain(`was found but did not load: `);
    expect(headline).toContain(join(broken, fileName));
  });
});
