// fast-meanshift as a user gets it: `npm pack` of the main package, of this platform's binary
// package and (when asked) of the command's package fast-meanshift-cli (packages/cli/), and a fresh
// project that installs the tarballs. Used by scripts/consumer-test.mjs, scripts/runtimes-test.mjs
// and the bundler tests (__test__/bundlers.test.ts).
//
// Needs the built addon, dist/ and packages/cli/dist/ (`npm run build`). Nothing is written into the
// repository: the binary package is staged (npm/<platform>/ plus the built .node file) in the
// temporary folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** The command's package (packages/cli/): its folder and package.json. */
export const cliDir = join(root, 'packages', 'cli');
export const cliPkg = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'));

export class ConsumerTestError extends Error {}
export function fail(message) {
  throw new ConsumerTestError(message);
}

/** napi-rs's platformArchABI for this machine (the suffix of the binary and of its package), as the loader finds it. */
export function hostAbi() {
  return createRequire(import.meta.url)('../binding-common.cjs').nativeTarget(readFileSync).abi;
}

export const abi = hostAbi();
export const binaryName = `${pkg.napi.binaryName}.${abi}.node`;
export const binaryPackage = `${pkg.name}-${abi}`;

/** Runs a command, echoing it unless `quiet`; fails with its output when it fails. Returns stdout. */
export function run(cmd, args, cwd, { quiet = false, env = {} } = {}) {
  const shown = `${cmd} ${args.join(' ')}`;
  if (!quiet) console.log(`$ ${shown}   (in ${cwd})`);
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    // npm is npm.cmd on Windows, which needs a shell.
    shell: process.platform === 'win32' && cmd === 'npm',
    env: {
      ...process.env,
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      ...env,
    },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) fail(`${shown}: ${result.error.message}`);
  if (result.status !== 0) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    fail(`${shown} exited with ${result.status}`);
  }
  return result.stdout;
}

function pack(dir, destination) {
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', destination], dir, { quiet: true }));
  return info;
}

/**
 * Packs the main and the binary package's tarballs into `work` (a new temporary folder when not
 * given), and with `{ cli: true }` fast-meanshift-cli's too. Returns `{ work, main, platform }` (and
 * `cli`), each tarball as `npm pack --json` describes it plus its `path`.
 */
export function packTarballs(work = mkdtempSync(join(tmpdir(), 'fast-meanshift-pack-')), { cli = false } = {}) {
  const binary = join(root, binaryName);
  if (!existsSync(binary)) fail(`${binaryName} is missing: build it first (npm run build)`);
  if (!existsSync(join(root, 'npm', abi, 'package.json'))) fail(`npm/${abi}/ is missing: no package for this platform`);
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.bundler.js', 'dist/index.d.ts', 'dist/index.d.cts']) {
    if (!existsSync(join(root, f))) fail(`${f} is missing: build it first (npm run build)`);
  }
  mkdirSync(work, { recursive: true });
  const main = pack(root, work);
  const stage = join(work, `stage-${abi}`);
  mkdirSync(stage);
  cpSync(join(root, 'npm', abi), stage, { recursive: true });
  cpSync(binary, join(stage, binaryName));
  const platform = pack(stage, work);
  const tarballs = { work, main: { ...main, path: join(work, main.filename) }, platform: { ...platform, path: join(work, platform.filename) } };
  if (cli) {
    for (const f of Object.values(cliPkg.bin)) {
      if (!existsSync(join(cliDir, f))) fail(`packages/cli/${f} is missing: build it first (npm run build)`);
    }
    const packed = pack(cliDir, work);
    tarballs.cli = { ...packed, path: join(work, packed.filename) };
  }
  return tarballs;
}

/**
 * A fresh project in `dir` with `packageJson`'s fields, and the tarballs installed: the main and the
 * binary package's, and fast-meanshift-cli's when `tarballs` has it (its dependency fast-meanshift is
 * the main tarball; its other dependencies come from the npm cache when they are there).
 */
export function installProject(dir, tarballs, packageJson = {}) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: 'fast-meanshift-consumer', version: '1.0.0', private: true, ...packageJson }, null, 2),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', ...[tarballs.main, tarballs.platform, tarballs.cli].filter(Boolean).map((t) => t.path)],
    dir,
    { quiet: true },
  );
  return dir;
}
