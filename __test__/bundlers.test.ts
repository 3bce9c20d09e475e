// The README's "Bundling a server", recipe by recipe: each bundler builds a small HTTP service that
// imports fast-meanshift (scripts/consumer/server.mjs) in a project that installed the packed tarballs,
// then the bundle runs from a deployment folder laid out as the recipe says (the bundle and the binary
// beside it, or the bundle and the binary's package in node_modules; never the project or this
// repository) and answers a fit. The configurations are the files in scripts/consumer/bundlers/, which
// the README quotes (checked below). Bundlers resolve the package's `module` condition to
// dist/index.bundler.js, which loads the binary at run time, so none needs a setting for fast-meanshift.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryName, binaryPackage, installProject, packTarballs } from '../scripts/consumer-pack.mjs';

const root = resolve(__dirname, '..');
const fixtures = join(root, 'scripts', 'consumer');
const bin = (name: string) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);

let work: string;
let app: string;

/** Runs a build step in the app project; fails the test with its output when it fails. */
function build(cmd: string, args: string[]): string {
  // (a .cmd shim on Windows runs only in a shell)
  const child = spawnSync(cmd, args, { cwd: app, encoding: 'utf8', timeout: 120_000, shell: cmd.endsWith('.cmd') });
  expect(child.status, `${cmd} ${args.join(' ')}\n${child.stdout}\n${child.stderr}`).toBe(0);
  return `${child.stdout}${child.stderr}`;
}

/**
 * A deployment folder: the files of the app's `dist/` (the bundle) and, as the recipe says, the binary
 * beside them ('beside') or the binary's package in node_modules ('package').
 */
function deploy(name: string, binary: 'beside' | 'package' | 'none'): string {
  const target = join(work, `deploy-${name}`);
  cpSync(join(app, 'dist'), target, { recursive: true });
  const installed = join(app, 'node_modules', binaryPackage);
  if (binary === 'beside') cpSync(join(installed, binaryName), join(target, binaryName));
  if (binary === 'package') cpSync(installed, join(target, 'node_modules', binaryPackage), { recursive: true });
  rmSync(join(app, 'dist'), { recursive: true, force: true });
  return target;
}

/** Points around (1, 1) and (5, 5), deterministic. */
const points = Array.from({ length: 200 }, (_, i) => {
  const [cx, cy] = i % 2 === 0 ? [1, 1] : [5, 5];
  return [cx + 0.3 * Math.sin(i * 1.7), cy + 0.3 * Math.cos(i * 2.3)];
});

interface Fit {
  clusterCenters: number[][];
  labels: number[];
}

/** Starts `node <bundle>` in `folder`, posts the points, and returns the answer; stops the server. */
async function serve(folder: string, bundle: string): Promise<Fit> {
  const server = spawn(process.execPath, [bundle], { cwd: folder, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  server.stderr.on('data', (d: Buffer) => (stderr += d));
  try {
    const port = await new Promise<number>((resolvePort, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        stdout += d;
        const match = /listening on (\d+)/.exec(stdout);
        if (match) resolvePort(Number(match[1]));
      });
      server.on('exit', (code) => reject(new Error(`${bundle} exited with ${code} before listening:\n${stderr}`)));
      setTimeout(() => reject(new Error(`${bundle} did not listen within 20 s:\n${stderr}`)), 20_000);
    });
    const response = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: JSON.stringify({ points, bandwidth: 1.5 }) });
    const body = (await response.json()) as Fit & { error?: string };
    expect(response.status, body.error).toBe(200);
    return body;
  } finally {
    server.kill();
  }
}

function expectTwoClusters(fit: Fit) {
  const centers = [...fit.clusterCenters].sort((a, b) => a[0]! - b[0]!);
  expect(centers).toHaveLength(2);
  expect(centers[0]![0]).toBeCloseTo(1, 0);
  expect(centers[1]![0]).toBeCloseTo(5, 0);
  expect(fit.labels).toHaveLength(points.length);
  expect(fit.labels[0]).not.toBe(fit.labels[1]);
}

/** Runs `node <bundle>` in `folder`, expecting it to fail while loading; returns stderr. */
function failingRun(folder: string, bundle: string): string {
  const child = spawnSync(process.execPath, [bundle], { cwd: folder, encoding: 'utf8', timeout: 20_000 });
  expect(child.status, child.stdout).not.toBe(0);
  return child.stderr;
}

describe('bundling a server (README recipes, from the packed package)', () => {
  beforeAll(() => {
    // The real path: messages name the bundle as Node resolved it (macOS's tmpdir is a symbolic link).
    work = realpathSync(mkdtempSync(join(tmpdir(), 'fast-meanshift-bundlers-')));
    app = installProject(join(work, 'app'), packTarballs(join(work, 'tarballs')));
    cpSync(join(fixtures, 'server.mjs'), join(app, 'server.mjs'));
    for (const f of readdirSync(join(fixtures, 'bundlers'))) cpSync(join(fixtures, 'bundlers', f), join(app, f));
    // The Rollup configuration imports its plugins from the app's node_modules, as in a real app.
    for (const plugin of ['@rollup/plugin-commonjs', '@rollup/plugin-node-resolve']) {
      mkdirSync(dirname(join(app, 'node_modules', plugin)), { recursive: true });
      symlinkSync(join(root, 'node_modules', plugin), join(app, 'node_modules', plugin), 'junction');
    }
  }, 120_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('esbuild, CommonJS output: no configuration; the bundle runs in place, then beside its binary', async () => {
    const out = build(bin('esbuild'), ['server.mjs', '--bundle', '--platform=node', '--outfile=dist/server.cjs']);
    expect(out).not.toMatch(/warning/i);
    // In the project itself, the binary's package is in node_modules above the bundle.
    expectTwoClusters(await serve(app, join(app, 'dist', 'server.cjs')));
    const folder = deploy('esbuild-cjs', 'beside');
    expectTwoClusters(await serve(folder, 'server.cjs'));
  });

  it('esbuild, ES module output: no configuration; the bundle and the binary package in node_modules', async () => {
    const out = build(bin('esbuild'), ['server.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/server.mjs']);
    expect(out).not.toMatch(/warning/i);
    const folder = deploy('esbuild-esm', 'package');
    expectTwoClusters(await serve(folder, 'server.mjs'));
  });

  it('webpack 5 (target node): no configuration for fast-meanshift; the bundle beside its binary', async () => {
    // What `npx webpack` does with webpack.config.cjs (webpack-cli is a thin layer over this call).
    const script =
      `require(${JSON.stringify(join(root, 'node_modules', 'webpack'))})(require('./webpack.config.cjs'), (error, stats) => { ` +
      'if (error) throw error; console.log(stats.toString({ all: false, errors: true, warnings: true })); ' +
      'if (stats.hasErrors() || stats.hasWarnings()) process.exitCode = 1; })';
    build(process.execPath, ['-e', script]);
    const folder = deploy('webpack', 'beside');
    expectTwoClusters(await serve(folder, 'server.js'));
  });

  it('Vite SSR with ssr.noExternal: fast-meanshift bundled in; the bundle beside its binary', async () => {
    build(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn']);
    const folder = deploy('vite', 'beside');
    expectTwoClusters(await serve(folder, 'server.mjs'));
  });

  it('Rollup (node-resolve, commonjs), ES module output: the bundle and the binary package in node_modules', async () => {
    const out = build(process.execPath, [join(root, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c']);
    expect(out).not.toMatch(/\(!\)/); // Rollup's warnings start with (!)
    const folder = deploy('rollup', 'package');
    expectTwoClusters(await serve(folder, 'server.mjs'));
  });

  it('a deployment without the binary: the error says where it looked and how to fix it', () => {
    build(bin('esbuild'), ['server.mjs', '--bundle', '--platform=node', '--format=esm', '--outfile=dist/server.mjs']);
    const folder = deploy('no-binary', 'none');
    const stderr = failingRun(folder, 'server.mjs');
    expect(stderr).toContain(`fast-meanshift is bundled into ${join(folder, 'server.mjs')} and loads its binary at run time`);
    expect(stderr).toContain(`it looked for the file ${join(folder, binaryName)} and for the package ${binaryPackage}`);
    expect(stderr).toContain(`Copy the binary beside the bundle: node_modules/${binaryPackage}/${binaryName}`);
    expect(stderr).toContain(`npm install ${binaryPackage}@`);
    expect(stderr).toContain('https://www.npmjs.com/package/fast-meanshift#bundling-a-server');
  });

  it("a wrong recipe (conditions without `module`, esbuild's file loader): an error that names the cause", () => {
    // Custom conditions replace esbuild's defaults, `module` included: the bundle gets the Node entry
    // and napi-rs's loader, and --loader:.node=file turns the binary's require into its path.
    build(bin('esbuild'), ['server.mjs', '--bundle', '--platform=node', '--conditions=production', '--loader:.node=file', '--outfile=dist/server.cjs']);
    const folder = deploy('file-loader', 'none');
    const stderr = failingRun(folder, 'server.cjs');
    expect(stderr).toMatch(/requiring the \.node file \(through loader\.cjs\) returned the string "\.\/fast-meanshift\.[\w-]+\.node" instead of the addon/);
    expect(stderr).toContain("esbuild --loader:.node=file, webpack type: 'asset/resource'");
    expect(stderr).toContain('https://www.npmjs.com/package/fast-meanshift#bundling-a-server');
    expect(stderr).not.toContain('is not a function');
  });

  it("the README's section quotes these configurations", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Bundling a server'));
    for (const f of readdirSync(join(fixtures, 'bundlers'))) {
      expect(section, f).toContain(readFileSync(join(fixtures, 'bundlers', f), 'utf8').trim());
    }
    expect(section).toContain('npx esbuild server.mjs --bundle --platform=node --outfile=dist/server.cjs');
    expect(section).toContain('npx esbuild server.mjs --bundle --platform=node --format=esm --outfile=dist/server.mjs');
  });
});
