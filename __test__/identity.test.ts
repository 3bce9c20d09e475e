// One implementation for `require` and `import` (no dual-package hazard): dist/index.js re-exports
// dist/index.cjs, so an error or an instance made through either is an instance of the other's class.
// The same script runs against the packed, installed package in `npm run test:consumer`.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');

describe('require and import share one implementation', () => {
  it('the ES module entry re-exports the CommonJS build, and its types the CommonJS types', () => {
    const entry = readFileSync(join(root, 'dist', 'index.js'), 'utf8').replace(/^\/\/.*\n/gm, '');
    expect(entry).toMatch(/^export \{ (\w+, )*\w+ \} from '\.\/index\.cjs';\n$/);
    expect(entry).toContain(' AbortError, ');
    expect(readFileSync(join(root, 'dist', 'index.d.ts'), 'utf8').trim()).toBe("export * from './index.cjs';");
  });

  it('in one process: the same exports and classes; NotFittedError, MeanShift and aborts through either copy', () => {
    // scripts/consumer/mixed.mjs is inside this package, so 'fast-meanshift' resolves to it (self-reference).
    const child = spawnSync(process.execPath, [join(root, 'scripts', 'consumer', 'mixed.mjs')], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe(
      'mixed require/import: ok (one implementation: the same classes; aborts through either are AbortErrors for both)',
    );
  });
});
