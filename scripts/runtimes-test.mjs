#!/usr/bin/env node
// npm run test:runtimes: fast-meanshift under Bun and Deno, installed from the packed tarballs as a
// user gets it (scripts/consumer-pack.mjs), with the command's package fast-meanshift-cli:
// - the README's quick start (its code block, as a .ts file, which both run as is);
// - fitAsync with an AbortSignal (scripts/consumer/async.mjs) and require/import in one process
//   (scripts/consumer/mixed.mjs);
// - the CLI demo (the installed fast-meanshift-cli's bin), writing its SVG plot;
// - Deno: with the README's flags (--allow-env --allow-ffi --allow-read) all of the above; without
//   them, or with only some, the error that names those flags.
// Bun and Deno come from npm (packages `bun` and `deno`, pinned below), installed once into
// node_modules/.cache/; BUN=<path> or DENO=<path> use other binaries. Needs `npm run build` first.
// KEEP_RUNTIMES=1 keeps the temporary project.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConsumerTestError, cliPkg, fail, installProject, packTarballs, root, run } from './consumer-pack.mjs';

const BUN_VERSION = '1.4.5';
const DENO_VERSION = '2.9.6';
const DENO_FLAGS = ['--allow-env', '--allow-ffi', '--allow-read'];
const fixtures = join(root, 'scripts', 'consumer');
const started = Date.now();
const results = { passed: 0, failed: 0 };

/**
 * Bun and Deno from npm, installed once per pair of versions. Their postinstall scripts put the binary of
 * this platform in place; should npm not run them, the binaries are taken from the platform packages
 * (@oven/bun-<platform>, @deno/<platform>) that npm installs as optional dependencies.
 */
function installRuntimes() {
  const dir = join(root, 'node_modules', '.cache', `runtimes-bun-${BUN_VERSION}-deno-${DENO_VERSION}`);
  const modules = join(dir, 'node_modules');
  const exe = process.platform === 'win32' ? '.exe' : '';
  const works = (file) => existsSync(file) && spawnSync(file, ['--version'], { encoding: 'utf8' }).status === 0;
  /** The first of the package's own binary and its platform packages' binaries that runs. */
  const find = (main, scope, inPackage) => {
    const candidates = [main];
    if (existsSync(join(modules, scope))) {
      for (const name of readdirSync(join(modules, scope))) candidates.push(join(modules, scope, name, inPackage));
    }
    return candidates.find(works) ?? null;
  };
  const locate = () => ({
    bun: process.env.BUN || find(join(modules, 'bun', 'bin', 'bun.exe'), '@oven', join('bin', `bun${exe}`)),
    deno: process.env.DENO || find(join(modules, 'deno', `deno${exe}`), '@deno', `deno${exe}`),
  });
  let found = locate();
  if (!found.bun || !found.deno) {
    mkdirSync(dir, { recursive: true });
    run('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--prefix', dir, `bun@${BUN_VERSION}`, `deno@${DENO_VERSION}`], dir);
    found = locate();
  }
  if (!found.bun) fail(`no runnable Bun ${BUN_VERSION} after npm install bun@${BUN_VERSION} in ${dir}`);
  if (!found.deno) fail(`no runnable Deno ${DENO_VERSION} after npm install deno@${DENO_VERSION} in ${dir}`);
  return found;
}

/** One check: runs `cmd args` in `cwd`, then `expectation(result)`, which throws to fail it. */
function check(name, cmd, args, cwd, expectation) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  try {
    if (result.error) throw result.error;
    expectation(result);
    results.passed += 1;
    console.log(`ok: ${name}`);
  } catch (error) {
    results.failed += 1;
    console.log(`FAILED: ${name}: ${error.message}\n--- stdout:\n${result.stdout}\n--- stderr:\n${result.stderr}`);
  }
}

/** Exits 0 and prints `expected`. */
const prints = (expected) => (r) => {
  if (r.status !== 0) throw new Error(`exit code ${r.status}`);
  if (!r.stdout.includes(expected)) throw new Error(`stdout lacks ${JSON.stringify(expected)}`);
};

/** Fails, with fast-meanshift's error that names Deno's flags (and the access Deno denied). */
const namesDenoFlags = (denied) => (r) => {
  if (r.status === 0) throw new Error('exit code 0');
  const expected = [
    `fast-meanshift: Deno denied an access that loading the native addon needs: Requires ${denied} access`,
    `Run Deno with ${DENO_FLAGS.join(' ')}`,
  ];
  for (const text of expected) if (!r.stderr.includes(text)) throw new Error(`stderr lacks ${JSON.stringify(text)}`);
};

/** The README's quick start: the first ```ts block after "## Quick start". */
function quickStart() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Quick start')));
  if (!match) fail('README.md: no ```ts block after "## Quick start"');
  return match[1];
}

function runtimesTest() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const tested = `under Bun ${BUN_VERSION} and Deno ${DENO_VERSION} (Deno with exactly those flags)`;
  if (!readme.includes(tested)) fail(`README.md should say what this script tests: "${tested}"`);
  if (!readme.includes(`deno run ${DENO_FLAGS.join(' ')} main.ts`)) fail(`README.md should give Deno's flags: ${DENO_FLAGS.join(' ')}`);

  const { bun, deno } = installRuntimes();
  const version = (exe) => run(exe, ['--version'], root, { quiet: true }).split('\n')[0].trim();
  console.log(`bun ${version(bun)}; ${version(deno)}`);

  work = mkdtempSync(join(tmpdir(), 'fast-meanshift-runtimes-'));
  // Deno reads a project's package.json and uses its node_modules, as npm installed them.
  const app = installProject(join(work, 'app'), packTarballs(join(work, 'tarballs'), { cli: true }), { type: 'module' });
  writeFileSync(join(app, 'quickstart.ts'), quickStart());
  for (const f of ['async.mjs', 'mixed.mjs']) cpSync(join(fixtures, f), join(app, f));
  const cli = join('node_modules', cliPkg.name, cliPkg.bin['fast-meanshift']);
  const plotted = (file) => (r) => {
    prints('Estimated number of clusters = 3')(r);
    if (!readFileSync(join(app, file), 'utf8').startsWith('<svg')) throw new Error(`${file} is not an SVG`);
  };

  const quickStartOutput = 'Estimated number of clusters = 3';
  const asyncOutput = 'fitAsync with an AbortSignal: ok';
  const mixedOutput = 'mixed require/import: ok';

  check('Bun: the README quick start', bun, ['quickstart.ts'], app, prints(quickStartOutput));
  check('Bun: fitAsync with an AbortSignal', bun, ['async.mjs'], app, prints(asyncOutput));
  check('Bun: require and import in one process', bun, ['mixed.mjs'], app, prints(mixedOutput));
  check('Bun: the CLI demo', bun, [cli, 'demo', '--plot', 'bun-demo.svg'], app, plotted('bun-demo.svg'));

  const allowed = [...DENO_FLAGS];
  check(`Deno ${allowed.join(' ')}: the README quick start`, deno, ['run', ...allowed, 'quickstart.ts'], app, prints(quickStartOutput));
  check(`Deno ${allowed.join(' ')}: fitAsync with an AbortSignal`, deno, ['run', ...allowed, 'async.mjs'], app, prints(asyncOutput));
  check(`Deno ${allowed.join(' ')}: require and import in one process`, deno, ['run', ...allowed, 'mixed.mjs'], app, prints(mixedOutput));
  check(
    `Deno ${allowed.join(' ')} --allow-write: the CLI demo`,
    deno,
    ['run', ...allowed, '--allow-write', cli, 'demo', '--plot', 'deno-demo.svg'],
    app,
    plotted('deno-demo.svg'),
  );
  check('Deno without flags: the error names the flags', deno, ['run', 'quickstart.ts'], app, namesDenoFlags('env'));
  check('Deno --allow-env only: the error names the flags', deno, ['run', '--allow-env', 'quickstart.ts'], app, namesDenoFlags('sys'));
  check('Deno --allow-env --allow-read: the error names the flags', deno, ['run', '--allow-env', '--allow-read', 'quickstart.ts'], app, namesDenoFlags('ffi'));
}

let work;
try {
  runtimesTest();
} catch (error) {
  results.failed += 1;
  console.error(`runtimes test: FAILED: ${error instanceof ConsumerTestError ? error.message : error.stack}`);
} finally {
  if (work && process.env.KEEP_RUNTIMES) console.log(`kept ${work}`);
  else if (work) rmSync(work, { recursive: true, force: true });
}
console.log(`runtimes test (Bun, Deno) in ${((Date.now() - started) / 1000).toFixed(1)} s:`);
console.log(`${results.passed} passed, ${results.failed} failed`);
if (results.failed > 0) process.exitCode = 1;
