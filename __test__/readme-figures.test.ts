// Figures that the README quotes from BENCHMARKS.md must be BENCHMARKS.md's (whose tables
// `npm run bench -- --write` writes): when a benchmark run changes them, this test names the README
// sentence to update.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(__dirname, '..');
// (whitespace folded: a re-wrapped paragraph still matches)
const readme = readFileSync(join(root, 'README.md'), 'utf8').replace(/\s+/g, ' ');
const benchmarks = readFileSync(join(root, 'BENCHMARKS.md'), 'utf8');

/** A row of BENCHMARKS.md's "## Results" table, by column header; repetition counts such as " (21)" dropped. */
function result(workload: string): Record<string, string> {
  const table = benchmarks.slice(benchmarks.indexOf('## Results')).split('\n').filter((line) => line.startsWith('|'));
  const cells = (line: string) => line.split('|').slice(1, -1).map((cell) => cell.trim());
  const header = cells(table[0]!);
  const row = table.find((line) => cells(line)[0] === `**${workload}**`);
  if (!row) throw new Error(`BENCHMARKS.md's Results table has no row for ${workload}`);
  return Object.fromEntries(cells(row).map((cell, i) => [header[i]!, cell.replace(/ \(\d+\)$/, '')]));
}

describe("the README's figures from BENCHMARKS.md", () => {
  const w1 = result('W1');
  const w3 = result('W3');

  it('reads the table', () => {
    expect(w1['N × D']).toBe('10,000 × 2');
    expect(w1['fast-meanshift, all threads']).toMatch(/^[\d.]+ ms$/);
    expect(w3['N × D']).toMatch(/^[\d,]+ × 3$/);
  });

  it("the introduction: scikit-learn's W1 time", () => {
    expect(readme).toContain(`(${w1['scikit-learn']} for the tutorial's 10,000 points: W1 in [BENCHMARKS.md](BENCHMARKS.md))`);
  });

  it('"Using it in a server": how long fit blocks, W1 on 2 cores and W3', () => {
    const w3Points = w3['N × D']!.split(' × ')[0];
    expect(readme).toContain(
      `\`fit\` blocks the thread that calls it (${w1['fast-meanshift, all threads']} for the tutorial's 10,000 points on 2 cores, ` +
        `${w3['fast-meanshift, all threads']} for the ${w3Points} pixels of W3 in [BENCHMARKS.md](BENCHMARKS.md))`,
    );
  });
});

describe("BENCHMARKS.md's distributed figures", () => {
  it('are the tables `npm run bench:distributed -- --write` saved in bench/results/distributed.md', () => {
    const saved = readFileSync(join(root, 'bench/results/distributed.md'), 'utf8').split('\n');
    const section = benchmarks.slice(benchmarks.indexOf('## Distributed fits'), benchmarks.indexOf('### On paper'));
    const rows = section.split('\n').filter((line) => line.startsWith('|') && !line.startsWith('|---'));
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const row of rows) expect(saved, row).toContain(row);
    // Each table's title, as printed.
    for (const title of section.matchAll(/^\*(.+)\*:$/gm)) expect(saved).toContain(`## ${title[1]}`);
  });
});

describe("BENCHMARKS.md's issue-16 figures", () => {
  it('are the table `node bench/weights.mjs 7 --write` saved in bench/results/weights.md', () => {
    const saved = readFileSync(join(root, 'bench/results/weights.md'), 'utf8').split('\n');
    const start = benchmarks.indexOf('## Sample weights, kernels and attractor labels');
    const section = benchmarks.slice(start, benchmarks.indexOf('\n## ', start + 1));
    const rows = section.split('\n').filter((line) => line.startsWith('|'));
    expect(rows.length).toBe(6);
    for (const row of rows) expect(saved, row).toContain(row);
  });
});
