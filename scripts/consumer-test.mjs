#!/usr/bin/env node
// npm run test:consumer: installs fast-meanshift the way a user gets it, from tarballs alone.
//
// 1. `npm pack` the main package, this platform's binary package and the command's package
//    fast-meanshift-cli (scripts/consumer-pack.mjs), and check the README's package size table against
//    their sizes (within 5 %);
// 2. install the library alone (the main and the binary tarball) into a fresh temporary project: it
//    must install those two packages and nothing else, in at most 2.5 MB of node_modules (printed);
// 3. run a CommonJS script, an ES module script, a script that mixes `require` and `import` (one
//    implementation: the same classes), and a strict `tsc --noEmit` over a TypeScript consumer (ESM,
//    naming every export of the package, and CommonJS);
// 4. install fast-meanshift-cli's tarball with the library's into another project and run its bin,
//    `fast-meanshift demo`, there.
//
// Needs the built addon, dist/ and packages/cli/dist/ (`npm run build`). KEEP_CONSUMER=1 keeps the
// temporary folder.
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConsumerTestError,
  abi,
  binaryName,
  binaryPackage,
  cliPkg,
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
// A library-only install: fast-meanshift and one binary package, nothing else (1.9 MB on Linux x64).
const MAX_LIBRARY_INSTALL_BYTES = 2_500_000;
const LIMIT_TEXT = `${MAX_LIBRARY_INSTALL_BYTES / 1e6} MB`;
const SIZE_TOLERANCE = 0.05;
// The README's installed sizes are those of this platform (the binaries differ in size).
const README_INSTALL_ABI = 'linux-x64-gnu';
const started = Date.now();

/** `48.3 kB` → 48300, `1.59 MB` → 1590000 (npm's units: powers of 1000). */
function parseSize(text) {
  const match = /^([\d.]+) (kB|MB)$/.exec(text.trim());
  if (!match) fail(`README.md's package size table: cannot read the size "${text}"`);
  return Number(match[1]) * (match[2] === 'kB' ? 1e3 : 1e6);
}

/**
 * README.md's package size table must agree with what `npm pack` measured, within 5 %: the rows of the
 * main package and of fast-meanshift-cli always, the binary package's row when this machine packs that
 * platform's package.
 */
function checkSizeTable(tarballs) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Package size'));
  // | `name` | what it is for | packed | unpacked |
  const rows = [...section.matchAll(/^\| `([\w-]+)` \| [^|]* \| ([^|]+) \| ([^|]+) \|$/gm)];
  const tableNames = rows.map((r) => r[1]);
  const checked = [];
  const wrong = [];
  for (const [name, tarball] of [[pkg.name, tarballs.main], [cliPkg.name, tarballs.cli], [binaryPackage, tarballs.platform]]) {
    const row = rows.find((r) => r[1] === name);
    if (!row) {
      if (name !== binaryPackage) fail(`README.md's package size table has no row for ${name}`);
      console.log(`package size table: no row for ${name} (the table has ${tableNames.join(', ')}), not compared`);
      continue;
    }
    for (const [what, measured, written] of [['packed', tarball.size, row[2]], ['unpacked', tarball.unpackedSize, row[3]]]) {
      const expected = parseSize(written);
      if (Math.abs(measured - expected) > SIZE_TOLERANCE * measured) {
        wrong.push(`${written.trim()} ${what} for ${name}, but npm pack measured ${formatSize(measured)}`);
      }
      checked.push(`${name} ${what} ${written.trim()}`);
    }
  }
  // Every wrong row at once, so that one run gives all the figures to update.
  if (wrong.length > 0) {
    fail(`README.md's package size table says ${wrong.join('; ')} (more than ${SIZE_TOLERANCE * 100} % apart): update the table`);
  }
  console.log(`package size table: agrees with npm pack within ${SIZE_TOLERANCE * 100} % (${checked.join(', ')})`);
}

/** As the README's table writes sizes: kB below 1 MB, else MB. */
function formatSize(bytes) {
  return bytes < 1e6 ? `${(bytes / 1e3).toFixed(1)} kB` : `${(bytes / 1e6).toFixed(2)} MB`;
}

/** The packages in a node_modules folder, nested ones included: `{ name, dir }`, sorted by name. */
function installedPackages(modules) {
  const found = [];
  const visit = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir)) {
      if (entry.startsWith('.')) continue; // .bin, .package-lock.json
      const names = entry.startsWith('@') ? readdirSync(join(dir, entry)).map((n) => `${entry}/${n}`) : [entry];
      for (const name of names) {
        const at = join(dir, name);
        if (!existsSync(join(at, 'package.json'))) continue;
        found.push({ name, dir: at });
        visit(join(at, 'node_modules'));
      }
    }
  };
  visit(modules);
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The bytes of the regular files under `dir` (as npm counts unpacked sizes; links not followed). */
function treeBytes(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const at = join(dir, entry.name);
    if (entry.isDirectory()) total += treeBytes(at);
    else if (entry.isFile()) total += lstatSync(at).size;
  }
  return total;
}

/**
 * README.md's installed sizes (the sentences under the package size table) must agree with the
 * measured ones within 5 % on the platform they are written for.
 */
function checkInstallSizes(library, cli) {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const flat = readme.replace(/\s+/g, ' ');
  const libraryText = /`npm install fast-meanshift` [^:]*: ([\d.]+ [kM]B) of `node_modules` on Linux x64/.exec(flat);
  const cliText = /`npm install fast-meanshift-cli` [^:]*: ([\d.]+ [kM]B) in (\d+) packages on Linux x64/.exec(flat);
  if (!libraryText) fail("README.md should give the library-only install's size: \"`npm install fast-meanshift` ...: X MB of `node_modules` on Linux x64\"");
  if (!cliText) fail("README.md should give fast-meanshift-cli's install size: \"`npm install fast-meanshift-cli` ...: X MB in N packages on Linux x64\"");
  if (!flat.includes(`fails above ${LIMIT_TEXT}`)) fail(`README.md should say that npm run test:consumer fails above ${LIMIT_TEXT}`);
  if (abi !== README_INSTALL_ABI) {
    console.log(`installed sizes: the README gives ${README_INSTALL_ABI}'s, not compared on ${abi}`);
    return;
  }
  for (const [what, measured, written] of [['fast-meanshift', library.bytes, libraryText[1]], ['fast-meanshift-cli', cli.bytes, cliText[1]]]) {
    if (Math.abs(measured - parseSize(written)) > SIZE_TOLERANCE * measured) {
      fail(`README.md says that npm install ${what} puts ${written} into node_modules, but this install measured ${formatSize(measured)}: update it`);
    }
  }
  if (Number(cliText[2]) !== cli.packages.length) {
    fail(`README.md says that npm install fast-meanshift-cli installs ${cliText[2]} packages, but it installed ${cli.packages.length}: update it`);
  }
  console.log(`installed sizes: the README's agree within ${SIZE_TOLERANCE * 100} % (${libraryText[1]}; ${cliText[1]} in ${cliText[2]} packages)`);
}

function consumerTest() {
  // 1. The three tarballs.
  work = mkdtempSync(join(tmpdir(), 'fast-meanshift-consumer-'));
  const tarballs = packTarballs(work, { cli: true });
  const { main, platform, cli } = tarballs;
  const shipped = main.files.map((f) => f.path);
  const unexpected = shipped.filter((f) => /\.node$|\.map$|^src\/|^__test__\/|^crates\/|^target\/|^npm\/|^scripts\/|^packages\/|^dist\/cli/.test(f));
  if (unexpected.length > 0) fail(`the main package ships files it should not: ${unexpected.join(', ')}`);
  for (const f of ['dist/index.js', 'dist/index.cjs', 'dist/index.d.ts', 'dist/index.d.cts', 'loader.cjs', 'binding.cjs', 'binding-common.cjs', 'LICENSE', 'README.md']) {
    if (!shipped.includes(f)) fail(`the main package does not ship ${f}`);
  }
  if (main.size >= MAX_PACKED_BYTES) fail(`the main package is ${main.size} bytes packed (limit ${MAX_PACKED_BYTES})`);
  if (!platform.files.some((f) => f.path === binaryName)) fail(`${binaryPackage} does not ship ${binaryName}`);
  const cliShipped = cli.files.map((f) => f.path);
  const cliUnexpected = cliShipped.filter((f) => /\.map$|^src\/|^tsup\.config|^tsconfig/.test(f));
  if (cliUnexpected.length > 0) fail(`${cliPkg.name} ships files it should not: ${cliUnexpected.join(', ')}`);
  for (const f of [...Object.values(cliPkg.bin), 'package.json', 'LICENSE', 'README.md']) {
    if (!cliShipped.includes(f)) fail(`${cliPkg.name} does not ship ${f}`);
  }
  checkSizeTable(tarballs);

  // 2. The library alone: a fresh project that installs the main and the binary tarball, which must
  // bring nothing else.
  const consumer = installProject(join(work, 'consumer'), { main, platform });
  const manifest = JSON.parse(readFileSync(join(consumer, 'node_modules', pkg.name, 'package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies', 'bin']) {
    if (manifest[field] && Object.keys(manifest[field]).length > 0) fail(`${pkg.name}'s package.json has ${field} (${JSON.stringify(manifest[field])}); the library has none`);
  }
  const libraryPackages = installedPackages(join(consumer, 'node_modules'));
  const expected = [pkg.name, binaryPackage].sort();
  if (libraryPackages.map((p) => p.name).join() !== expected.join()) {
    fail(`a library-only install should hold ${expected.join(' and ')} and nothing else; it holds ${libraryPackages.map((p) => p.name).join(', ')}`);
  }
  const library = { bytes: treeBytes(join(consumer, 'node_modules')), packages: libraryPackages };
  console.log(
    `library-only install: node_modules ${formatSize(library.bytes)} in ${libraryPackages.length} packages ` +
      `(${libraryPackages.map((p) => p.name).join(', ')}; limit ${LIMIT_TEXT})`,
  );
  if (library.bytes > MAX_LIBRARY_INSTALL_BYTES) {
    fail(`a library-only install puts ${formatSize(library.bytes)} into node_modules (limit ${LIMIT_TEXT})`);
  }
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

  // 4. The command: fast-meanshift-cli's tarball with the library's (its dependency, at this version),
  // and its bin run as npm links it.
  const cliProject = installProject(join(work, 'cli'), { main, platform, cli });
  const cliPackages = installedPackages(join(cliProject, 'node_modules'));
  const libraries = cliPackages.filter((p) => p.name === pkg.name);
  if (libraries.length !== 1) fail(`the CLI install holds ${libraries.length} copies of ${pkg.name} (${libraries.map((p) => p.dir).join(', ')}), not 1`);
  const bin = Object.keys(cliPkg.bin)[0];
  // By the package's name, as the README's `npx fast-meanshift-cli ...` (npm runs its one bin), ...
  const version = run('npm', ['exec', '--offline', '--', cliPkg.name, '--version'], cliProject, { quiet: true }).trim();
  if (version !== cliPkg.version) fail(`npx ${cliPkg.name} --version printed ${JSON.stringify(version)}, not ${cliPkg.version}`);
  // ... and by the bin's name, as after `npm install -g fast-meanshift-cli`.
  const demo = run('npm', ['exec', '--offline', '--', bin, 'demo', '--plot', 'demo.svg'], cliProject);
  process.stdout.write(demo);
  if (!demo.startsWith('Estimated number of clusters = 3\n')) fail(`${bin} demo did not print "Estimated number of clusters = 3" first`);
  if (!readFileSync(join(cliProject, 'demo.svg'), 'utf8').startsWith('<svg')) fail(`${bin} demo --plot demo.svg wrote no SVG`);
  const cliInstall = { bytes: treeBytes(join(cliProject, 'node_modules')), packages: cliPackages };
  console.log(
    `${cliPkg.name} install: ${bin} demo ok; node_modules ${formatSize(cliInstall.bytes)} in ${cliPackages.length} packages ` +
      `(the library's ${formatSize(library.bytes)} and the command's ${formatSize(cliInstall.bytes - library.bytes)})`,
  );
  checkInstallSizes(library, cliInstall);

  console.log(
    `consumer test: ok in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
      `${main.filename} ${formatSize(main.size)} packed (${formatSize(main.unpackedSize)} unpacked, ${main.entryCount} files), ` +
      `${cli.filename} ${formatSize(cli.size)} packed (${formatSize(cli.unpackedSize)} unpacked, ${cli.entryCount} files), ` +
      `${platform.filename} ${formatSize(platform.size)} packed (${formatSize(platform.unpackedSize)} unpacked); ` +
      `library-only node_modules ${formatSize(library.bytes)}`,
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
