// The small CI version of the soak (scripts/soak.mjs; `npm run soak` is the full one): hundreds
// of fitAsync calls, half aborted, then RSS after GC within 10% of its start. V8's young generation
// is pinned (--max-semi-space-size=1) so that a short idle period suffices to measure.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it('RSS after GC returns to within 10% of its start after hundreds of fits and aborted fits', () => {
  const script = fileURLToPath(new URL('../scripts/soak.mjs', import.meta.url));
  const args = ['--fits', '300', '--aborts', '300', '--warmup', '300', '--rounds', '1', '--settle', '1000', '--json'];
  const child = spawnSync(process.execPath, ['--expose-gc', '--max-semi-space-size=1', script, ...args], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  expect(child.stderr).toBe('');
  const report = JSON.parse(child.stdout) as Record<string, number>;
  console.log(`soak: ${child.stdout.trim()}`);
  expect(report).toMatchObject({ calls: 600, failed: 0 });
  expect(report.completed! + report.aborted!).toBe(600);
  expect(report.aborted).toBeGreaterThan(0);
  expect(report.growthPercent).toBeLessThanOrEqual(10);
  expect(child.status).toBe(0);
}, 120_000);
