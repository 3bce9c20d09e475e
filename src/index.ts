/**
 * fast-meanshift: scikit-learn's MeanShift for Node.js, on a parallel Rust core.
 *
 * Names follow scikit-learn in camelCase (`bin_seeding` → `binSeeding`,
 * `cluster_centers_` → `clusterCenters`).
 */
export { MeanShift, meanShift, meanShiftAsync } from './meanshift.js';
export type { MeanShiftResult, MeanShiftJSON, PredictOptions, FitOptions } from './meanshift.js';
export { estimateBandwidth, estimateBandwidthAsync, getBinSeeds, makeBlobs } from './functions.js';
export type { EstimateBandwidthOptions, MakeBlobsOptions } from './functions.js';
export { AbortError, NotFittedError } from './errors.js';
export type { ErrorCode, ErrorFields } from './errors.js';
export type { AsyncOptions, Progress } from './async.js';
export type { Matrix, DenseMatrix, ColumnMatrix } from './matrix.js';
export type { MeanShiftOptions, ClusterAssignment, Kernel, SampleWeight } from './options.js';
export { seedsFor, climbSeeds, climbSeedsAsync, mergeModes, assignLabels } from './shards.js';
export type { FitSeeds, Climbs, ClimbSeedsOptions, MergeModesOptions, Modes, AssignLabelsOptions } from './shards.js';
export { matrixToBuffer, matrixFromBuffer, climbsToBuffer, climbsFromBuffer } from './transport.js';
