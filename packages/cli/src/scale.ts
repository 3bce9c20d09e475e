// `--standardize`: scikit-learn's StandardScaler on the chosen columns. Each column becomes
// (x - mean) / scale, with the population standard deviation (ddof 0) as the scale and columns
// indistinguishable from a constant left centred (scale 1). Computed as scikit-learn does
// (`_incremental_mean_and_var` on a fresh scaler, `_is_constant_feature`): sums in row order,
// the corrected two-pass variance.
import { columnOf, type Dataset } from './dataset.js';

export interface Scaling {
  mean: Float64Array;
  scale: Float64Array;
}

const EPS = Number.EPSILON;

/** Mean and scale of one column, as StandardScaler().fit computes them. */
export function columnScaling(x: ArrayLike<number>): { mean: number; scale: number } {
  const n = x.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += x[i]!;
  const mean = sum / n;
  let correction = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const t = x[i]! - mean;
    correction += t;
    squares += t * t;
  }
  const variance = (squares - (correction * correction) / n) / n;
  // _is_constant_feature: within the error bound of the two-pass algorithm.
  const bound = n * EPS * variance + (n * mean * EPS) ** 2;
  const constant = variance <= bound;
  return { mean, scale: constant ? 1 : Math.sqrt(variance) };
}

/** The dataset with every chosen column standardized (a new Float64 copy), and the scaling used. */
export function standardize(d: Dataset): { dataset: Dataset; scaling: Scaling } {
  const mean = new Float64Array(d.nCols);
  const scale = new Float64Array(d.nCols);
  const columns: Float64Array[] = [];
  for (let j = 0; j < d.nCols; j++) {
    const x = columnOf(d, j);
    const s = columnScaling(x);
    mean[j] = s.mean;
    scale[j] = s.scale;
    const out = x instanceof Float64Array && !d.columnar ? x : new Float64Array(d.nRows);
    for (let i = 0; i < d.nRows; i++) out[i] = (x[i]! - s.mean) / s.scale;
    columns.push(out);
  }
  return { dataset: { ...d, data: null, columnar: columns }, scaling: { mean, scale } };
}

/** Centres back in the input's units: c * scale + mean (StandardScaler.inverse_transform). */
export function unscale(centers: number[][], scaling: Scaling): number[][] {
  return centers.map((c) => c.map((v, j) => v * scaling.scale[j]! + scaling.mean[j]!));
}
