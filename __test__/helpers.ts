import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { makeBlobs } from '../src/index.js';

/** Rows from the tutorial's blobs (workload W1: centres (5, 5), (3, 3), (1, 1), standard deviation 0.3). */
export function tutorialBlobs(nSamples: number, randomState = 0): number[][] {
  const centers = [
    [5, 5],
    [3, 3],
    [1, 1],
  ];
  return makeBlobs({ nSamples, centers, clusterStd: 0.3, randomState }).X;
}

/** Reads a committed scikit-learn fixture (see scripts/fixtures/generate.py). */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as T;
}

/** Same shape, and every value within `tolerance` (absolute). */
export function expectRowsClose(actual: number[][], expected: number[][], tolerance: number, label = ''): void {
  expect(actual.length, `${label} row count`).toBe(expected.length);
  actual.forEach((row, i) => {
    expect(row.length, `${label} row ${i} width`).toBe(expected[i]!.length);
    row.forEach((v, j) => {
      const diff = Math.abs(v - expected[i]![j]!);
      expect(diff, `${label} [${i}][${j}]: ${v} vs ${expected[i]![j]}`).toBeLessThanOrEqual(tolerance);
    });
  });
}

/** Collects the process warnings emitted while `work` runs. */
export function captureWarnings<T>(work: () => T): { result: T; warnings: string[] } {
  const warnings: string[] = [];
  const original = process.emitWarning;
  process.emitWarning = ((warning: string | Error) => {
    warnings.push(typeof warning === 'string' ? warning : warning.message);
  }) as typeof process.emitWarning;
  try {
    return { result: work(), warnings };
  } finally {
    process.emitWarning = original;
  }
}
