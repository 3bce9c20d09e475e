#!/usr/bin/env node
// npm run test:consumer: installs fast-meanshift the way a user gets it, from tarballs alone.
//
// 1. `npm pack` the main package and this platform's binary package (scripts/consumer-pack.mjs), and
//    check the README's package size table against their sizes (within 5 %);
// 2. install both tarballs into a fresh temporary project;
// 3. run a CommonJS script, an ES module script, a script that mixes `require` and `import` (one
//    implementation: the same classes), and a strict `tsc --noEmit` over a TypeScript consumer (ESM,
//    naming every export of the package, and CommonJS).
//
// Needs the built addon and dist/ (`npm run build`). KEEP_CONSUMER=1 keeps the temporary folder.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsumerTestError,
  binaryName,
  binaryPackage,
  fail,
  installProject,
  packTarballs,
  pkg,
  root,
  run,
} from './consumer-pack.mjs';

const fixtures = join(root, 'scripts', 'consumer');
const require = createRequire(import.meta.url);
const MAX_PACKED_BYTES = 100_000;
const SIZE_TOLERANCE = 0.05;
const started = Date.now();

/** `48.3 kB` → 48300, `1.59 MB` → 1590000 (npm's units: powers of 1000). */
function parseSize(text) {
  const match = /^([\d.]+) (kB|MB)$/.exec(text.trim());
  if (!match) fail(`README.md's package size table: cannot read the size "${text}"`);
  return Number(match[1]) * (match[2] === 'kB' ? 1e3 : 1e6);
}

/**
 * README.md's package size table must agree with what `npm pack` measured, within 5 %: the row of the
 * main package always, the binary package's row when this machine packs that platform's package.
 */
function checkSizeTable(tarballs) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Package size'));
  const rows = [...section.matchAll(/^\| `([\w-]+)` [^|]*\| ([^|]+) \| ([^|]+) \|$/gm)];
  const tableNames = rows.map((r) => r[1]);
  const checked = [];
  for (const [name, tarball] of [[pkg.name, tarballs.main], [binaryPackage, tarballs.platform]]) {
    const row = rows.find((r) => r[1] === name);
    if (!row) {
      if (name === pkg.name) fail(`README.md's package size table has no row for ${name}`);
      console.log(`package size table: no row for ${name} (the table has ${tableNames.join(', ')}), not compared`);
      continue;
    }
    for (const [what, measured, written] of [['packed', tarball.size, row[2]], ['unpacked', tarball.unpackedSize, row[3]]]) {
      const expected = parseSize(written);
      if (Math.abs(measured - expected) > SIZE_TOLERANCE * measured) {
        fail(
          `README.md's package size table says ${written.trim()} ${what} for ${name}, but npm pack measured ` +
            `${formatSize(measured)} (more than ${SIZE_TOLERANCE * 100} % apart): update the table`,
        );
      }
      checked.push(`${name} ${what} ${written.trim()}`);
    }
  }
  console.log(`package size table: agrees with npm pack within ${SIZE_TOLERANCE * 100} % (${checked.join(', ')})`);
}

/** As the README's table writes sizes: kB below 1 MB, else MB. */
function formatSize(bytes) {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`;
}

function consumerTest() {
  // 1. The two tarballs.
  work = mkdtempSync(join(tmpdir(), 'fast-meanshift-consumer-'));
  const tarballs = packTarballs(work);
  const { main, platform } = tarballs;
  const shipped = main.files.map((f) => f.path);
  const unexpected = shipped.filter((f) => /\.node$|\.map$|^src\/|^__test__\/|^crates\/|^target\/|^npm\/|^scripts\//.test(f));
  if (unexpected.length > 0) fail(`the main package ships files it should not: ${unexpected.join(', ')}`);
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'loader.cjs', 'binding.cjs', 'binding-common.cjs', 'LICENSE', 'README.md']) {
    if (!shipped.includes(f)) fail(`the main package does not ship ${f}`);
  }
  if (main.size >= MAX_PACKED_BYTES) fail(`the main package is ${main.size} bytes packed (limit ${MAX_PACKED_BYTES})`);
  if (!platform.files.some((f) => f.path === binaryName)) fail(`${binaryPackage} does not ship ${binaryName}`);
  checkSizeTable(tarballs);

  // 2. A fresh project that installs them.
  const consumer = installProject(join(work, 'consumer'), tarballs);
  for (const f of ['consumer.cjs', 'consumer.mjs', 'mixed.mjs', 'consumer.mts', 'consumer.cts']) cpSync(join(fixtures, f), join(consumer, f));

  // 3a. CommonJS and ES module scripts, and both in one process.
  process.stdout.write(run(process.execPath, ['consumer.cjs', binaryPackage], consumer));
  process.stdout.write(run(process.execPath, ['consumer.mjs'], consumer));
  process.stdout.write(run(process.execPath, ['mixed.mjs'], consumer));

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

  console.log(
    `consumer test: ok in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${main.filename} ${formatSize(main.size)} packed (${formatSize(main.unpackedSize)} unpacked, ${main.entryCount} files), ` +
      `${platform.filename} ${formatSize(platform.size)} packed (${formatSize(platform.unpackedSize)} unpacked)`,
  );
}

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
