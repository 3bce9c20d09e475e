// The tutorial (workload W1) against scikit-learn 1.9.1's own result on the same 10,000 points.
import { expect, it } from 'vitest';
import { MeanShift, estimateBandwidth } from '../src/index.js';
import { expectRowsClose, fixture, tutorialBlobs } from './helpers.js';

interface TutorialCase {
  bandwidth: number;
  clusterCenters: number[][];
  labels: number[];
  nIter: number;
}

it('the tutorial gives scikit-learn\'s bandwidth, centres, labels and nIter', () => {
  const [expected] = fixture<{ cases: TutorialCase[] }>('tutorial').cases;
  const X = tutorialBlobs(10_000);
  const bandwidth = estimateBandwidth(X, { quantile: 0.2, nSamples: 500 });
  expect(bandwidth).toBe(expected!.bandwidth);
  const ms = new MeanShift({ bandwidth }).fit(X);
  expectRowsClose(ms.clusterCenters, expected!.clusterCenters, 1e-6 * bandwidth, 'centres');
  expect(Array.from(ms.labels)).toEqual(expected!.labels);
  expect(ms.nIter).toBe(expected!.nIter);
});
