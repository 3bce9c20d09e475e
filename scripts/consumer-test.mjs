#!/usr/bin/env node
// npm run test:consumer: installs fast-meanshift the way a user gets it, from tarballs alone.
//
// 1. `npm pack` the main package and this platform's binary package (npm/<platform>/ plus the built
//    fast-meanshift.<platform>.node, staged in a temporary folder: nothing is written into npm/);
// 2. install both tarballs into a fresh temporary project;
// 3. run a CommonJS script, an ES module script, and a strict `tsc --noEmit` over a TypeScript
//    consumer (ESM, naming every export of the package, and CommonJS).
//
// Needs the built addon and dist/ (`npm run build`). KEEP_CONSUMER=1 keeps the temporary folder.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const fixtures = join(root, 'scripts', 'consumer');
const require = createRequire(import.meta.url);
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const MAX_PACKED_BYTES = 100_000;
const started = Date.now();

class ConsumerTestError extends Error {}
function fail(message) {
  throw new ConsumerTestError(message);
}

/** napi-rs's platformArchABI for this machine (the suffix of the binary and of its package). */
function hostAbi() {
  const { platform, arch } = process;
  if (platform === 'linux') {
    let musl;
    try {
      musl = readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
    } catch {
      musl = !process.report.getReport().header.glibcVersionRuntime;
    }
    return `linux-${arch}-${musl ? 'musl' : 'gnu'}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  return `${platform}-${arch}`;
}

/** Runs a command, echoing it; fails the test with its output when it fails. */
function run(cmd, args, cwd) {
  const shown = `${cmd} ${args.join(' ')}`;
  console.log(`$ ${shown}   (in ${cwd})`);
  const result = spawnSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    // npm is npm.cmd on Windows, which needs a shell.
    shell: process.platform === 'win32' && cmd === 'npm',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
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
  const [info] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', destination], dir));
  return info;
}

function consumerTest() {
  const binaryName = `${pkg.napi.binaryName}.${abi}.node`;
  const binaryPackage = `${pkg.name}-${abi}`;
  const binary = join(root, binaryName);
  if (!existsSync(binary)) fail(`${binaryName} is missing: build it first (npm run build)`);
  if (!existsSync(join(root, 'npm', abi, 'package.json'))) fail(`npm/${abi}/ is missing: no package for this platform`);
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts']) {
    if (!existsSync(join(root, f))) fail(`${f} is missing: build it first (npm run build)`);
  }

  work = mkdtempSync(join(tmpdir(), 'fast-meanshift-consumer-'));

  // 1. The two tarballs.
  const mainTarball = pack(root, work);
  const shipped = mainTarball.files.map((f) => f.path);
  const unexpected = shipped.filter((f) => /\.node$|\.map$|^src\/|^__test__\/|^crates\/|^target\/|^npm\/|^scripts\//.test(f));
  if (unexpected.length > 0) fail(`the main package ships files it should not: ${unexpected.join(', ')}`);
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'loader.cjs', 'binding.cjs', 'LICENSE', 'README.md']) {
    if (!shipped.includes(f)) fail(`the main package does not ship ${f}`);
  }
  if (mainTarball.size >= MAX_PACKED_BYTES) fail(`the main package is ${mainTarball.size} bytes packed (limit ${MAX_PACKED_BYTES})`);

  const stage = join(work, `stage-${abi}`);
  mkdirSync(stage);
  cpSync(join(root, 'npm', abi), stage, { recursive: true });
  cpSync(binary, join(stage, binaryName));
  const platform = pack(stage, work);
  if (!platform.files.some((f) => f.path === binaryName)) fail(`${binaryPackage} does not ship ${binaryName}`);

  // 2. A fresh project that installs them. The main package's own dependencies (if any) come from
  // the npm cache when they are there.
  const consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, 'package.json'),
    JSON.stringify({ name: 'fast-meanshift-consumer', version: '1.0.0', private: true }, null, 2),
  );
  run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', join(work, mainTarball.filename), join(work, platform.filename)],
    consumer,
  );
  for (const f of ['consumer.cjs', 'consumer.mjs', 'consumer.mts', 'consumer.cts']) cpSync(join(fixtures, f), join(consumer, f));

  // 3a. CommonJS and ES module scripts.
  process.stdout.write(run(process.execPath, ['consumer.cjs', binaryPackage], consumer));
  process.stdout.write(run(process.execPath, ['consumer.mjs'], consumer));

  // 3b. The TypeScript consumer names every export of the package.
  const ts = require('typescript');
  const declarations = join(consumer, 'node_modules', pkg.name, 'dist', 'index.d.ts');
  const program = ts.createProgram([declarations], { strict: true, noEmit: true });
  const moduleSymbol = program.getTypeChecker().getSymbolAtLocation(program.getSourceFile(declarations));
  const exported = program.getTypeChecker().getExportsOfModule(moduleSymbol).map((s) => s.name);
  if (exported.length === 0) fail('found no exports in dist/index.d.ts');
  const text = readFileSync(join(fixtures, 'consumer.mts'), 'utf8');
  const missing = exported.filter((name) => !new RegExp(`\\b${name}\\b`).test(text));
  if (missing.length > 0) fail(`scripts/consumer/consumer.mts does not use the export(s) ${missing.join(', ')}: add a use`);

  // 3c. Strict tsc over both, with the repository's TypeScript and @types/node.
  const tsconfig = JSON.parse(readFileSync(join(fixtures, 'tsconfig.json'), 'utf8'));
  tsconfig.compilerOptions.typeRoots = [join(root, 'node_modules', '@types')];
  tsconfig.compilerOptions.types = ['node'];
  writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
  run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], consumer);
  console.log(`strict tsc --noEmit: ok (consumer.mts uses all ${exported.length} exports; consumer.cts checks the CommonJS types)`);

  const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
  console.log(
    `consumer test: ok in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${mainTarball.filename} ${kB(mainTarball.size)} packed (${kB(mainTarball.unpackedSize)} unpacked, ${mainTarball.entryCount} files), ` +
      `${platform.filename} ${kB(platform.size)} packed (${kB(platform.unpackedSize)} unpacked)`,
  );
}

const abi = hostAbi();
let work;
try {
  consumerTest();
} catch (error) {
  console.error(`consumer test: FAILED: ${error instanceof ConsumerTestError ? error.message : error.stack}`);
  process.exitCode = 1;
} finally {
  if (work && process.env.KEEP_CONSUMER) console.log(`kept ${work}`);
  else if (work) rmSync(work, { recursive: true, force: true });
}
