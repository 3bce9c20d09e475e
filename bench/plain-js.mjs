// @ts-check
// Plain-JavaScript mean shift with scikit-learn's semantics: the baselines the benchmark compares
// fast-meanshift with. Written the way a careful JS developer would write it, with typed arrays:
//
//   - `meanShiftBrute`: every neighbour query scans all points (any dimension);
//   - `meanShiftKdbush`: neighbour queries through kdbush's `within` radius search (2-D only), the
//     spatial index a JS developer reaches for.
//
// Semantics (docs/spec, scikit-learn 1.9): flat kernel, neighbours at distance <= bandwidth, stop
// when the shift is <= 1e-3 * bandwidth or after maxIter further iterations, intensity = size of
// the last neighbour set, one entry per exact final position (the later seed wins), sort by
// (intensity, position tuple) descending, greedy suppression within the bandwidth, labels by the
// nearest centre (lowest index on ties). Bin seeds round half to even like NumPy.
import KDBush from 'kdbush';

/** @typedef {{ bandwidth?: number | null, binSeeding?: boolean, minBinFreq?: number, maxIter?: number }} Options */
/** @typedef {{ clusterCenters: Float64Array, nClusters: number, labels: Int32Array, nIter: number, bandwidth: number, nSeeds: number }} Result */

/** NumPy's `np.round` (round half to even). */
export function rint(v) {
  const r = Math.round(v); // half goes up
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * `sklearn.cluster.get_bin_seeds`. Returns the data itself when binning keeps every point.
 * @param {Float64Array} data @param {number} n @param {number} d @param {number} binSize @param {number} minBinFreq
 * @returns {{ seeds: Float64Array, nSeeds: number }}
 */
export function binSeeds(data, n, d, binSize, minBinFreq = 1) {
  if (binSize === 0) return { seeds: data, nSeeds: n };
  /** @type {Map<string, { bin: number[], count: number }>} */
  const bins = new Map();
  const bin = new Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) bin[k] = rint(data[i * d + k] / binSize);
    const key = bin.join(','); // String(-0) is "0": -0 and +0 share a bin, as in Python
    const entry = bins.get(key);
    if (entry) entry.count++;
    else bins.set(key, { bin: bin.slice(), count: 1 });
  }
  const kept = [...bins.values()].filter((b) => b.count >= minBinFreq);
  if (kept.length === n) {
    process.emitWarning(`Binning data failed with provided bin_size=${binSize.toFixed(6)}, using data points as seeds.`);
    return { seeds: data, nSeeds: n };
  }
  const seeds = new Float64Array(kept.length * d);
  kept.forEach((b, s) => {
    for (let k = 0; k < d; k++) seeds[s * d + k] = b.bin[k] * binSize;
  });
  return { seeds, nSeeds: kept.length };
}

/** k-th smallest value (1-based) of `a[0..len)`, in place (quickselect). */
function kthSmallest(a, len, k) {
  let lo = 0;
  let hi = len - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}

/**
 * `sklearn.cluster.estimate_bandwidth(X, quantile)` on all samples, brute force: the mean over rows
 * of the distance to the k-th nearest row (the row itself first), k = max(1, floor(n * quantile)).
 * @param {Float64Array} data @param {number} n @param {number} d
 */
export function estimateBandwidthBrute(data, n, d, quantile = 0.3) {
  const k = Math.max(1, Math.floor(n * quantile));
  const dist = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const io = i * d;
    for (let j = 0; j < n; j++) {
      const jo = j * d;
      let s = 0;
      for (let c = 0; c < d; c++) {
        const t = data[io + c] - data[jo + c];
        s += t * t;
      }
      dist[j] = s;
    }
    total += Math.sqrt(kthSmallest(dist, n, k));
  }
  return total / n;
}

/**
 * The neighbour sum of a position: adds every point within the bandwidth into `sum`, returns the count.
 * @callback NeighbourSum
 * @param {Float64Array} pos @param {Float64Array} sum @returns {number}
 */

/** Brute-force neighbour sum over all points. */
function bruteNeighbourSum(data, n, d, bw2) {
  if (d === 2) {
    return (pos, sum) => {
      const p0 = pos[0];
      const p1 = pos[1];
      let s0 = 0;
      let s1 = 0;
      let count = 0;
      for (let i = 0; i < 2 * n; i += 2) {
        const x = data[i];
        const y = data[i + 1];
        const a = x - p0;
        const b = y - p1;
        if (a * a + b * b <= bw2) {
          s0 += x;
          s1 += y;
          count++;
        }
      }
      sum[0] = s0;
      sum[1] = s1;
      return count;
    };
  }
  return (pos, sum) => {
    sum.fill(0);
    let count = 0;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = data[o + k] - pos[k];
        s += t * t;
      }
      if (s <= bw2) {
        for (let k = 0; k < d; k++) sum[k] += data[o + k];
        count++;
      }
    }
    return count;
  };
}

/** kdbush neighbour sum (2-D): `index.within(x, y, r)` then sum the returned points. */
function kdbushNeighbourSum(index, data, bw) {
  return (pos, sum) => {
    const ids = index.within(pos[0], pos[1], bw);
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      s0 += data[2 * id];
      s1 += data[2 * id + 1];
    }
    sum[0] = s0;
    sum[1] = s1;
    return ids.length;
  };
}

/** Greedy suppression over sorted centres, brute force. Returns 1 for the survivors. */
function suppressBrute(all, m, d, bw) {
  const bw2 = bw * bw;
  const unique = new Uint8Array(m).fill(1);
  for (let i = 0; i < m; i++) {
    if (!unique[i]) continue;
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = all[i * d + k] - all[j * d + k];
        s += t * t;
      }
      if (s <= bw2) unique[j] = 0;
    }
  }
  return unique;
}

/**
 * Climbs every seed, merges, sorts, suppresses and labels.
 * @param {Float64Array} data @param {number} n @param {number} d
 * @param {(bw2: number, bw: number) => NeighbourSum} makeNeighbourSum
 * @param {Options} options
 * @param {(centres: Float64Array, m: number, d: number, bw: number) => Uint8Array} [suppress]
 * @returns {Result}
 */
function meanShiftWith(data, n, d, makeNeighbourSum, options, suppress) {
  const maxIter = options.maxIter ?? 300;
  const bw = options.bandwidth ?? estimateBandwidthBrute(data, n, d, 0.3);
  const bw2 = bw * bw;
  const stop = 1e-3 * bw;
  const { seeds, nSeeds } = options.binSeeding ? binSeeds(data, n, d, bw, options.minBinFreq ?? 1) : { seeds: data, nSeeds: n };
  const neighbourSum = makeNeighbourSum(bw2, bw);

  /** @type {Map<string, { pos: Float64Array, intensity: number }>} */
  const byPosition = new Map();
  const pos = new Float64Array(d);
  const sum = new Float64Array(d);
  let nIter = 0;
  for (let s = 0; s < nSeeds; s++) {
    for (let k = 0; k < d; k++) pos[k] = seeds[s * d + k];
    let completed = 0;
    let intensity = 0;
    for (;;) {
      intensity = neighbourSum(pos, sum);
      if (intensity === 0) break;
      let shift2 = 0;
      for (let k = 0; k < d; k++) {
        const mean = sum[k] / intensity;
        const t = mean - pos[k];
        shift2 += t * t;
        pos[k] = mean;
      }
      if (Math.sqrt(shift2) <= stop || completed === maxIter) break;
      completed++;
    }
    if (completed > nIter) nIter = completed;
    if (intensity > 0) {
      const key = pos.join(',');
      const entry = byPosition.get(key);
      if (entry) entry.intensity = intensity; // the later seed sets the intensity
      else byPosition.set(key, { pos: pos.slice(), intensity });
    }
  }
  if (byPosition.size === 0) {
    throw new Error(
      `No point was within bandwidth=${bw.toFixed(6)} of any seed. Try a different seeding strategy or increase the bandwidth.`,
    );
  }

  // Sort by (intensity, position tuple) descending.
  const sorted = [...byPosition.values()].sort((a, b) => {
    if (a.intensity !== b.intensity) return b.intensity - a.intensity;
    for (let k = 0; k < d; k++) if (a.pos[k] !== b.pos[k]) return b.pos[k] - a.pos[k];
    return 0;
  });
  const m = sorted.length;
  const all = new Float64Array(m * d);
  sorted.forEach((e, i) => all.set(e.pos, i * d));

  const { centers, nClusters, labels } = centresAndLabels(data, n, d, all, m, bw, suppress ?? suppressBrute);
  return { clusterCenters: centers, nClusters, labels, nIter, bandwidth: bw, nSeeds };
}

/**
 * The centres of the modes `all` (`m` rows, in merge order) after greedy suppression (a centre still
 * unique suppresses every other centre within the bandwidth), and each point's nearest centre (lowest
 * index on ties).
 */
function centresAndLabels(data, n, d, all, m, bw, suppress) {
  const unique = suppress(all, m, d, bw);
  let nClusters = 0;
  for (let i = 0; i < m; i++) nClusters += unique[i];
  const centers = new Float64Array(nClusters * d);
  for (let i = 0, c = 0; i < m; i++) if (unique[i]) centers.set(all.subarray(i * d, i * d + d), d * c++);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    let label = 0;
    for (let c = 0; c < nClusters; c++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = data[i * d + k] - centers[c * d + k];
        s += t * t;
      }
      if (s < best) {
        best = s;
        label = c;
      }
    }
    labels[i] = label;
  }
  return { centers, nClusters, labels };
}

/**
 * Mean shift, brute force: every neighbour query scans all `n` rows.
 * @param {Float64Array} data row-major, `n × d` @param {number} n @param {number} d @param {Options} options
 */
export function meanShiftBrute(data, n, d, options) {
  return meanShiftWith(data, n, d, (bw2) => bruteNeighbourSum(data, n, d, bw2), options);
}

/**
 * Mean shift over a kdbush index (2-D only): `within` radius queries for the climbs and the
 * suppression; the bandwidth estimate (when none is given) is brute force, kdbush has no k-NN query.
 * @param {Float64Array} data row-major, `n × 2` @param {number} n @param {number} d @param {Options} options
 */
export function meanShiftKdbush(data, n, d, options) {
  if (d !== 2) throw new Error('kdbush indexes 2-D points only');
  return meanShiftWith(
    data,
    n,
    d,
    (_bw2, bw) => {
      const index = new KDBush(n);
      for (let i = 0; i < n; i++) index.add(data[2 * i], data[2 * i + 1]);
      index.finish();
      return kdbushNeighbourSum(index, data, bw);
    },
    options,
    (all, m, _d, bw) => {
      const index = new KDBush(m);
      for (let j = 0; j < m; j++) index.add(all[2 * j], all[2 * j + 1]);
      index.finish();
      const unique = new Uint8Array(m).fill(1);
      for (let i = 0; i < m; i++) {
        if (!unique[i]) continue;
        for (const j of index.within(all[2 * i], all[2 * i + 1], bw)) if (j !== i) unique[j] = 0;
      }
      return unique;
    },
  );
}

/**
 * Mean shift, brute force, written tight: the climbs of {@link meanShiftBrute} (the same neighbour
 * loop), with the climbs' ends kept in typed arrays and merged by sorting seed numbers, so nothing
 * is allocated per seed or per step (`meanShiftBrute` keys a Map by a string per seed). The peer of
 * the "small fits" benchmark (bench/small.mjs); its results equal `meanShiftBrute`'s, and `queries`
 * says how many neighbour queries (scans of all `n` rows) the climbs made.
 * @param {Float64Array} data row-major, `n × d` @param {number} n @param {number} d @param {Options} options
 * @returns {Result & { queries: number }}
 */
export function meanShiftBruteTight(data, n, d, options) {
  const maxIter = options.maxIter ?? 300;
  const bw = options.bandwidth ?? estimateBandwidthBrute(data, n, d, 0.3);
  const bw2 = bw * bw;
  const stop = 1e-3 * bw;
  const { seeds, nSeeds } = options.binSeeding ? binSeeds(data, n, d, bw, options.minBinFreq ?? 1) : { seeds: data, nSeeds: n };
  const neighbourSum = bruteNeighbourSum(data, n, d, bw2);

  const ends = new Float64Array(nSeeds * d);
  const intensities = new Int32Array(nSeeds);
  const pos = new Float64Array(d);
  const sum = new Float64Array(d);
  let nIter = 0;
  let queries = 0;
  for (let s = 0; s < nSeeds; s++) {
    for (let k = 0; k < d; k++) pos[k] = seeds[s * d + k];
    let completed = 0;
    let intensity = 0;
    for (;;) {
      intensity = neighbourSum(pos, sum);
      queries++;
      if (intensity === 0) break;
      let shift2 = 0;
      for (let k = 0; k < d; k++) {
        const mean = sum[k] / intensity;
        const t = mean - pos[k];
        shift2 += t * t;
        pos[k] = mean;
      }
      if (Math.sqrt(shift2) <= stop || completed === maxIter) break;
      completed++;
    }
    if (completed > nIter) nIter = completed;
    for (let k = 0; k < d; k++) ends[s * d + k] = pos[k];
    intensities[s] = intensity;
  }

  // One entry per exact end (the later seed's intensity), sorted by (intensity, position) descending:
  // seeds sorted by position descending, then by seed number descending, so the first of each run
  // of equal positions is its latest seed.
  const byPosition = (a, b) => {
    for (let k = 0; k < d; k++) {
      const x = ends[a * d + k];
      const y = ends[b * d + k];
      if (x !== y) return y - x;
    }
    return 0;
  };
  const order = new Int32Array(nSeeds);
  let climbed = 0;
  for (let s = 0; s < nSeeds; s++) if (intensities[s] > 0) order[climbed++] = s;
  const seedsByPosition = order.subarray(0, climbed).sort((a, b) => byPosition(a, b) || b - a);
  const modes = new Int32Array(climbed);
  let m = 0;
  for (let i = 0; i < climbed; i++) {
    const s = seedsByPosition[i];
    if (m === 0 || byPosition(modes[m - 1], s) !== 0) modes[m++] = s;
  }
  if (m === 0) {
    throw new Error(
      `No point was within bandwidth=${bw.toFixed(6)} of any seed. Try a different seeding strategy or increase the bandwidth.`,
    );
  }
  const sorted = modes.subarray(0, m).sort((a, b) => intensities[b] - intensities[a] || byPosition(a, b));
  const all = new Float64Array(m * d);
  for (let i = 0; i < m; i++) all.set(ends.subarray(sorted[i] * d, sorted[i] * d + d), i * d);

  const { centers, nClusters, labels } = centresAndLabels(data, n, d, all, m, bw, suppressBrute);
  return { clusterCenters: centers, nClusters, labels, nIter, bandwidth: bw, nSeeds, queries };
}

/**
 * Brute-force Gaussian pull (issue 16): adds `Σ K(d) x` over the points within `cutoff × bandwidth`
 * into `sum` and returns `Σ K(d)`, `K(d) = exp(-d² / 2h²)`. The same loop as the flat brute force.
 */
function bruteGaussianSum(data, n, d, bw2, cutoff) {
  const reach2 = cutoff * cutoff * bw2;
  const scale = 1 / (2 * bw2);
  if (d === 2) {
    return (pos, sum) => {
      const p0 = pos[0];
      const p1 = pos[1];
      let s0 = 0;
      let s1 = 0;
      let total = 0;
      for (let i = 0; i < 2 * n; i += 2) {
        const x = data[i];
        const y = data[i + 1];
        const a = x - p0;
        const b = y - p1;
        const d2 = a * a + b * b;
        if (d2 <= reach2) {
          const k = Math.exp(-d2 * scale);
          s0 += k * x;
          s1 += k * y;
          total += k;
        }
      }
      sum[0] = s0;
      sum[1] = s1;
      return total;
    };
  }
  return (pos, sum) => {
    sum.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const o = i * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = data[o + k] - pos[k];
        s += t * t;
      }
      if (s <= reach2) {
        const w = Math.exp(-s * scale);
        for (let k = 0; k < d; k++) sum[k] += w * data[o + k];
        total += w;
      }
    }
    return total;
  };
}

/**
 * Gaussian-kernel mean shift, brute force (`kernel: 'gaussian'`, `kernelCutoff` 3 by default):
 * every step scans all `n` rows; the stop rule, merging and labels are the flat brute force's.
 * @param {Float64Array} data row-major, `n × d` @param {number} n @param {number} d
 * @param {Options & { kernelCutoff?: number }} options
 */
export function meanShiftGaussianBrute(data, n, d, options) {
  const cutoff = options.kernelCutoff ?? 3;
  return meanShiftWith(data, n, d, (bw2) => bruteGaussianSum(data, n, d, bw2, cutoff), options);
}
