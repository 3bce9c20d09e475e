#!/usr/bin/env node
// prepublishOnly: refuses to publish fast-meanshift unless it is ready to install without Rust:
// `optionalDependencies` name every platform package of package.json `napi.targets` at exactly this
// version (`napi prepublish` writes them, see .github/workflows/release.yml), the TypeScript build is
// there, and the committed napi-rs loader expects this version of the platform packages.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseTriple } from '@napi-rs/cli';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const problems = [];

const optional = pkg.optionalDependencies ?? {};
for (const triple of pkg.napi.targets) {
  const name = `${pkg.name}-${parseTriple(triple).platformArchABI}`;
  if (optional[name] !== pkg.version) {
    problems.push(`optionalDependencies["${name}"] is ${JSON.stringify(optional[name])}, not "${pkg.version}"`);
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

if (problems.length > 0) {
  console.error(
    `Not publishing ${pkg.name}@${pkg.version}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
      'Publish through the Release workflow (a v* tag from `npm version`, see CONTRIBUTING.md).',
  );
  process.exit(1);
}
console.log(`${pkg.name}@${pkg.version} is ready to publish (${pkg.napi.targets.length} platform packages).`);
