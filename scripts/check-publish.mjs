#!/usr/bin/env node
// prepublishOnly: refuses to publish a package of this repository unless it is ready to install.
//
// `node scripts/check-publish.mjs` (fast-meanshift's prepublishOnly): installs without Rust and brings
// nothing else: `optionalDependencies` name every platform package of package.json `napi.targets` at
// exactly this version (`napi prepublish` writes them, see .github/workflows/release.yml), it has no
// other dependencies and no bin, the TypeScript build is there, and the committed napi-rs loader
// expects this version of the platform packages.
//
// `node ../../scripts/check-publish.mjs packages/cli` (fast-meanshift-cli's prepublishOnly, run from
// packages/cli/; any workspace package alike): its version is the library's (versions in lock-step),
// it depends on this repository's packages at exactly that version, its engines are the library's,
// and its bin files are built and start with a shebang.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTriple } from '@napi-rs/cli';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));
const pkg = readJson(join(root, 'package.json'));
const problems = [];

function checkLibrary() {
  const optional = pkg.optionalDependencies ?? {};
  for (const triple of pkg.napi.targets) {
    const name = `${pkg.name}-${parseTriple(triple).platformArchABI}`;
    if (optional[name] !== pkg.version) {
      problems.push(`optionalDependencies["${name}"] is ${JSON.stringify(optional[name])}, not "${pkg.version}"`);
    }
  }
  for (const field of ['dependencies', 'peerDependencies', 'bin']) {
    if (pkg[field] && Object.keys(pkg[field]).length > 0) {
      problems.push(`package.json has ${field} (${Object.keys(pkg[field]).join(', ')}): the library installs nothing but its binary package; the command is fast-meanshift-cli`);
    }
  }
  for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/index.bundler.js', 'dist/index.d.ts', 'dist/index.d.cts', 'loader.cjs', 'binding.cjs', 'binding-common.cjs']) {
    if (!existsSync(join(root, file))) problems.push(`${file} is missing`);
  }
  const loader = readFileSync(join(root, 'loader.cjs'), 'utf8');
  const expected = new Set([...loader.matchAll(/bindingPackageVersion !== '([^']+)'/g)].map((m) => m[1]));
  if (expected.size !== 1 || !expected.has(pkg.version)) {
    problems.push(`loader.cjs expects platform packages at version ${[...expected].join(', ')}, not ${pkg.version} (npm run build:native)`);
  }
  return pkg;
}

function checkWorkspacePackage(dir) {
  const manifest = readJson(join(dir, 'package.json'));
  // This repository's packages: the library and every workspace package.
  const ours = new Set([pkg.name]);
  for (const entry of readdirSync(join(root, 'packages'))) {
    const file = join(root, 'packages', entry, 'package.json');
    if (existsSync(file)) ours.add(readJson(file).name);
  }
  if (manifest.version !== pkg.version) problems.push(`version is ${manifest.version}, not ${pkg.version} (${pkg.name}'s; npm version keeps them in lock-step)`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [name, spec] of Object.entries(manifest[field] ?? {})) {
      if (ours.has(name) && spec.replace(/^[\^~]/, '') !== pkg.version) {
        problems.push(`${field}["${name}"] is ${JSON.stringify(spec)}, not ${pkg.version} (this repository's packages are released together)`);
      }
    }
  }
  if (manifest.engines?.node !== pkg.engines.node) {
    problems.push(`engines.node is ${JSON.stringify(manifest.engines?.node)}, not ${pkg.name}'s ${JSON.stringify(pkg.engines.node)}`);
  }
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  for (const bin of bins) {
    if (!existsSync(join(dir, bin))) problems.push(`${bin} (bin) is missing: npm run build`);
    else if (!readFileSync(join(dir, bin), 'utf8').startsWith('#!/usr/bin/env node\n')) problems.push(`${bin} (bin) does not start with #!/usr/bin/env node`);
  }
  return manifest;
}

const which = process.argv[2];
const checked = which ? checkWorkspacePackage(resolve(root, which)) : checkLibrary();

if (problems.length > 0) {
  console.error(
    `Not publishing ${checked.name}@${checked.version}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
      'Publish through the Release workflow (a v* tag from `npm version`, see CONTRIBUTING.md).',
  );
  process.exit(1);
}
console.log(
  which
    ? `${checked.name}@${checked.version} is ready to publish (after ${pkg.name}@${pkg.version}).`
    : `${pkg.name}@${pkg.version} is ready to publish (${pkg.napi.targets.length} platform packages).`,
);
