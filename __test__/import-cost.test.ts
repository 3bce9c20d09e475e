// `import 'fast-meanshift'` must stay the library alone: the CLI (the fast-meanshift-cli package) and its
// dependencies (commander, csv-parse, d3, resvg, hyparquet, flechette, lz4js, fzstd) load only when the command runs.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, CLI_PACKAGE, ROOT, requireBuiltCli } from './cli-helpers.js';

const CLI_ONLY = /node_modules\/(commander|csv-parse|d3-[a-z-]+|@resvg|hyparquet[a-z-]*|@uwdata|lz4js|fzstd)\/|packages\/cli\/|fast-meanshift-cli\//;
const tmp = mkdtempSync(join(tmpdir(), 'fast-meanshift-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function node(args: string[], env: NodeJS.ProcessEnv = {}, cwd = ROOT): string {
  const r = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('importing the library does not load the CLI', () => {
  it('ESM: every module the import resolves (a resolve hook logs them)', () => {
    requireBuiltCli();
    const log = join(tmp, 'resolved.txt');
    writeFileSync(
      join(tmp, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.LOAD_LOG, result.url + '\\n');
  return result;
}
`,
    );
    writeFileSync(join(tmp, 'register.mjs'), `import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n`);
    const out = node(
      ['--import', join(tmp, 'register.mjs'), '--input-type=module', '-e', "const m = await import('fast-meanshift'); console.log(typeof m.MeanShift);"],
      { LOAD_LOG: log },
    );
    expect(out.trim()).toBe('function');
    const resolved = readFileSync(log, 'utf8').trim().split('\n');
    expect(resolved.some((url) => url.endsWith('/dist/index.js'))).toBe(true);
    expect(resolved.filter((url) => CLI_ONLY.test(url))).toEqual([]);

    // The same hook does see the CLI's dependencies when the command runs (the check can fail).
    writeFileSync(log, '');
    node(['--import', join(tmp, 'register.mjs'), CLI, '--version'], { LOAD_LOG: log });
    const cliResolved = readFileSync(log, 'utf8');
    expect(cliResolved).toMatch(/node_modules\/commander\//);
    expect(cliResolved).toMatch(/node_modules\/csv-parse\//);
    // ... and the library, which the command imports by its package name.
    expect(cliResolved).toMatch(/\/dist\/index\.js\n/);
  });

  it('CommonJS: require.cache after require', () => {
    const out = node(['-e', "require('fast-meanshift'); console.log(JSON.stringify(Object.keys(require.cache)))"]);
    const files = JSON.parse(out) as string[];
    expect(files.some((f) => f.endsWith('/dist/index.cjs'))).toBe(true);
    expect(files.filter((f) => CLI_ONLY.test(f))).toEqual([]);
  });

  it('the library bundles name none of the CLI dependencies', () => {
    for (const bundle of ['dist/index.js', 'dist/index.cjs', 'dist/index.bundler.js']) {
      const text = readFileSync(join(ROOT, bundle), 'utf8');
      expect(text, bundle).not.toMatch(/commander|csv-parse|d3-scale|resvg|hyparquet|flechette|lz4js|fzstd|cli\.js/);
    }
  });

  it('import time: the library alone, and what the CLI dependencies would add', () => {
    const timeImport = (specifiers: string[], cwd = ROOT): number => {
      const code = `const t = performance.now(); for (const s of ${JSON.stringify(specifiers)}) await import(s); console.log(performance.now() - t);`;
      return median([0, 1, 2].map(() => Number(node(['--input-type=module', '-e', code], {}, cwd))));
    };
    const library = timeImport(['fast-meanshift']);
    // The CLI's dependencies as fast-meanshift-cli resolves them.
    const cliDeps = timeImport(
      ['commander', 'csv-parse/sync', 'd3-scale', 'd3-scale-chromatic', '@resvg/resvg-js', 'hyparquet', 'hyparquet-compressors', '@uwdata/flechette', 'lz4js', 'fzstd'],
      CLI_PACKAGE,
    );
    console.log(`import 'fast-meanshift': ${library.toFixed(1)} ms; the CLI's dependencies would add ${cliDeps.toFixed(1)} ms`);
    // Loading a native addon and ~25 kB of JS: generous bound for a loaded 2-core CI machine.
    expect(library).toBeLessThan(1000);
  });
});
