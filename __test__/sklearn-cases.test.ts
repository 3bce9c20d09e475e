// scikit-learn's own MeanShift tests and documented cases, ported with their exact values.
import { describe, expect, it } from 'vitest';
import { MeanShift, estimateBandwidth, getBinSeeds, makeBlobs, meanShift } from '../src/index.js';
import { captureWarnings, expectRowsClose } from './helpers.js';

const smallX = [
  [1, 1],
  [2, 1],
  [1, 0],
  [4, 7],
  [3, 5],
  [3, 6],
];

// sklearn/cluster/tests/test_mean_shift.py: centers = [[1,1],[-1,-1],[1,-1]] + 10,
// make_blobs(n_samples=300, n_features=2, centers=centers, cluster_std=0.4, shuffle=True, random_state=11)
const { X: blobsX } = makeBlobs({
  nSamples: 300,
  nFeatures: 2,
  centers: [
    [11, 11],
    [9, 9],
    [11, 9],
  ],
  clusterStd: 0.4,
  shuffle: true,
  randomState: 11,
});

const distinct = (labels: Int32Array) => [...new Set(labels)].sort((a, b) => a - b);

describe('scikit-learn documented cases', () => {
  it('estimate_bandwidth(X, quantile=0.5) on the small X', () => {
    expect(estimateBandwidth(smallX, { quantile: 0.5 })).toBe(1.6191294403531442);
  });

  it('MeanShift(bandwidth=2) on the small X: centres, labels, predict, n_iter', () => {
    const ms = new MeanShift({ bandwidth: 2 }).fit(smallX);
    expectRowsClose(
      ms.clusterCenters,
      [
        [10 / 3, 6],
        [4 / 3, 2 / 3],
      ],
      1e-15,
    );
    expect(Array.from(ms.labels)).toEqual([1, 1, 1, 0, 0, 0]);
    expect(Array.from(ms.predict([[0, 0], [5, 5]]))).toEqual([1, 0]);
    expect(ms.nIter).toBe(2);
  });

  it('breaks an intensity tie by the position tuple (reordered X)', () => {
    const reordered = [smallX[3]!, smallX[4]!, smallX[5]!, smallX[0]!, smallX[1]!, smallX[2]!];
    expect(Array.from(new MeanShift({ bandwidth: 2 }).fit(reordered).labels)).toEqual([0, 0, 0, 1, 1, 1]);
  });

  it('test_mean_shift: bandwidth 1.2 gives 3 clusters; clusterAll false gives 4 labels, the smallest -1', () => {
    for (const bandwidth of [1.2, null]) {
      const ms = new MeanShift({ bandwidth }).fit(blobsX);
      expect(distinct(ms.labels)).toHaveLength(3);
      expect(distinct(ms.labels)[0]).toBe(0);
      const orphans = new MeanShift({ bandwidth, clusterAll: false }).fit(blobsX);
      const labels = distinct(orphans.labels);
      expect(labels).toHaveLength(4);
      expect(labels[0]).toBe(-1);
      // The function form agrees.
      const fn = meanShift(blobsX, { bandwidth, clusterAll: false });
      expect(distinct(fn.labels)).toEqual(labels);
    }
  });

  it('test_estimate_bandwidth: nSamples 200 lands in [0.9, 1.5]; nSamples 1 gives 0', () => {
    const bandwidth = estimateBandwidth(blobsX, { nSamples: 200 });
    expect(bandwidth).toBeGreaterThanOrEqual(0.9);
    expect(bandwidth).toBeLessThanOrEqual(1.5);
    expect(estimateBandwidth(blobsX, { nSamples: 1 })).toBe(0);
  });

  it('test_max_iter: nIter <= maxIter for 1 and 100', () => {
    for (const maxIter of [1, 100]) {
      expect(new MeanShift({ bandwidth: 1.2, maxIter }).fit(blobsX).nIter).toBeLessThanOrEqual(maxIter);
    }
  });

  it('test_meanshift_predict: fitPredict equals predict at bandwidth 1.2', () => {
    const ms = new MeanShift({ bandwidth: 1.2 });
    const labels = ms.fitPredict(blobsX);
    expect(Array.from(ms.predict(blobsX))).toEqual(Array.from(labels));
  });

  it('test_meanshift_all_orphans: far seeds raise the "No point was within bandwidth" error', () => {
    const ms = new MeanShift({ bandwidth: 0.1, seeds: [[-9, -9], [-10, -10]] });
    expect(() => ms.fit(blobsX)).toThrowError(
      'No point was within bandwidth=0.100000 of any seed. Try a different seeding strategy or increase the bandwidth.',
    );
  });

  it('test_bin_seeds: min_bin_freq 1 and 2, and a bin size that fails', () => {
    const X = [
      [1, 1],
      [1.4, 1.4],
      [1.8, 1.2],
      [2, 1],
      [2.1, 1.1],
      [0, 0],
    ];
    const key = (rows: number[][]) => new Set(rows.map((r) => r.join(',')));
    expect(key(getBinSeeds(X, 1, 1))).toEqual(new Set(['1,1', '2,1', '0,0']));
    expect(key(getBinSeeds(X, 1, 2))).toEqual(new Set(['1,1', '2,1']));
    const { result, warnings } = captureWarnings(() => getBinSeeds(X, 0.01, 1));
    expect(result).toEqual(X);
    expect(warnings).toEqual(['Binning data failed with provided bin_size=0.010000, using data points as seeds.']);
  });

  it('test_bin_seeds: blobs [[0,0],[1,1]] give bin seeds [[0,0],[1,1]] in that order', () => {
    const { X } = makeBlobs({
      nSamples: 100,
      centers: [
        [0, 0],
        [1, 1],
      ],
      clusterStd: 0.1,
      randomState: 0,
    });
    expect(getBinSeeds(X, 1).map((r) => r.map((v) => v + 0))).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('test_mean_shift_zero_bandwidth: [1,1,1,2,2,2,3,3] has bandwidth 0 and three groups', () => {
    const X = [1, 1, 1, 2, 2, 2, 3, 3].map((v) => [v]);
    expect(estimateBandwidth(X)).toBe(0);
    expect(getBinSeeds(X, 0)).toEqual(X);
    for (const binSeeding of [true, false]) {
      const ms = new MeanShift({ binSeeding }).fit(X);
      // Intensities 3, 3, 2: the tie between the first two groups goes to the larger tuple.
      expect(Array.from(ms.labels)).toEqual([1, 1, 1, 0, 0, 0, 2, 2]);
      expect(ms.bandwidthUsed).toBe(0);
    }
  });

  it('test_convergence_of_1d_constant_data: 10 identical points converge', () => {
    const ms = new MeanShift().fit(Array.from({ length: 10 }, () => [1]));
    expect(ms.nIter).toBeLessThan(300);
    expect(ms.clusterCenters).toEqual([[1]]);
  });

  it('test_parallel: parallel and serial fits give identical centres and labels', () => {
    const { X } = makeBlobs({
      nSamples: 450,
      nFeatures: 2,
      centers: [
        [1, 1],
        [-1, -1],
        [1, -1],
      ],
      clusterStd: 0.3,
      randomState: 11,
    });
    const serial = new MeanShift({ binSeeding: true, nJobs: 1 }).fit(X);
    const parallel = new MeanShift({ binSeeding: true, nJobs: 2 }).fit(X);
    expect(parallel.clusterCenters).toEqual(serial.clusterCenters);
    expect(Array.from(parallel.labels)).toEqual(Array.from(serial.labels));
    expect(parallel.nIter).toBe(serial.nIter);
  });
});
