// The scikit-learn mean shift tutorial, line for line, with fast-meanshift.
//
//   centers = [[5, 5], [3, 3], [1, 1]]
//   X, _ = make_blobs(n_samples=10000, centers=centers, cluster_std=0.3, random_state=0)
//   bandwidth = estimate_bandwidth(X, quantile=0.2, n_samples=500)
//   ms = MeanShift(bandwidth=bandwidth)
//   ms.fit(X)
//   labels = ms.labels_; cluster_centers = ms.cluster_centers_
//   n_clusters_ = len(np.unique(labels))
//   print("Estimated number of clusters = %d" % n_clusters_)
import { performance } from 'node:perf_hooks';
import { MeanShift, estimateBandwidth, makeBlobs } from 'fast-meanshift';

const centers = [
  [5, 5],
  [3, 3],
  [1, 1],
];
const { X } = makeBlobs({ nSamples: 10_000, centers, clusterStd: 0.3, randomState: 0 });

const bandwidth = estimateBandwidth(X, { quantile: 0.2, nSamples: 500 });
const ms = new MeanShift({ bandwidth });

const start = performance.now();
ms.fit(X);
const fitMs = performance.now() - start;

const labels = ms.labels;
const clusterCenters = ms.clusterCenters;
const nClusters = new Set(labels).size;

console.log(`Estimated number of clusters = ${nClusters}`);
console.log(`bandwidth = ${bandwidth}`);
console.log(`fit time = ${fitMs.toFixed(1)} ms for ${X.length} points (every point a seed)`);
console.log('cluster centres:');
for (const c of clusterCenters) console.log(`  [${c.map((v) => v.toFixed(4)).join(', ')}]`);
console.log(`predict([[0, 0], [5, 5]]) = [${Array.from(ms.predict([[0, 0], [5, 5]])).join(', ')}]`);
