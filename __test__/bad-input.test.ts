// Issues #7 and #12: every function of api.md, fed bad input, throws (or rejects with) a TypeError, RangeError
// or NotFittedError whose message names the parameter (or the row and column) and what was expected.
// The older table in api.test.ts covers the commonest cases; this one covers every entry point.
import { describe, expect, it } from 'vitest';
import {
  MeanShift,
  NotFittedError,
  assignLabels,
  climbSeeds,
  climbsFromBuffer,
  climbsToBuffer,
  estimateBandwidth,
  estimateBandwidthAsync,
  getBinSeeds,
  makeBlobs,
  matrixFromBuffer,
  matrixToBuffer,
  meanShift,
  meanShiftAsync,
  mergeModes,
  seedsFor,
} from '../src/index.js';

const X = [
  [0, 0],
  [0.5, 0.25],
  [5, 5],
  [5.5, 5.25],
];
const fitted = () => new MeanShift({ bandwidth: 2 }).fit(X);
const json = () => JSON.parse(JSON.stringify(fitted()));
const fit = (x: unknown, options: object = { bandwidth: 1 }) => () => new MeanShift(options).fit(x as number[][]);
const fitAsync = (x: unknown, options: object = { bandwidth: 1 }, asyncOptions?: object) => () =>
  new MeanShift(options).fitAsync(x as number[][], asyncOptions as never);
const dense = (data: unknown, shape: unknown) => ({ data, shape });
const climbs = () => climbSeeds(X, X, { bandwidth: 2 });
const matrixBytes = () => matrixToBuffer(X);
/** `bytes` with the byte at `offset` set to `value`. */
const patched = (bytes: Buffer, offset: number, value: number) => {
  const copy = Buffer.from(bytes);
  copy.writeUInt8(value, offset);
  return copy;
};

type ErrorType = typeof TypeError | typeof RangeError | typeof NotFittedError | typeof Error;
/** What a program reads off an error instead of parsing its message. */
interface Fields {
  code: string;
  parameter?: string;
  row?: number;
  column?: number;
}
const cases: [string, () => unknown, ErrorType, string, Fields][] = [
  // MeanShift constructor and setParams
  ['ctor: options not an object', () => new MeanShift(5 as never), TypeError, 'The options of MeanShift must be an object. Got 5 instead.', { code: 'ERR_INVALID_ARG_TYPE' }],
  ['ctor: options null', () => new MeanShift(null as never), TypeError, 'The options of MeanShift must be an object. Got null instead.', { code: 'ERR_INVALID_ARG_TYPE' }],
  ['ctor: options an array', () => new MeanShift([] as never), TypeError, 'The options of MeanShift must be an object. Got an array of length 0 instead.', { code: 'ERR_INVALID_ARG_TYPE' }],
  ['ctor: unknown option', () => new MeanShift({ max_iter: 5 } as never), TypeError, "Unknown option 'max_iter' for MeanShift. Valid options are: bandwidth, seeds", { code: 'ERR_UNKNOWN_OPTION', parameter: 'max_iter' }],
  ['setParams: unknown option', () => new MeanShift().setParams({ clusterall: true } as never), TypeError, "Unknown option 'clusterall' for MeanShift.setParams.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'clusterall' }],
  ['setParams: not an object', () => new MeanShift().setParams('x' as never), TypeError, "The options of MeanShift.setParams must be an object. Got 'x' instead.", { code: 'ERR_INVALID_ARG_TYPE' }],
  // fit: X
  ['fit: X undefined', fit(undefined), TypeError, 'X must be a matrix: number[][], an array of Float64Array/Float32Array rows, { data, shape } or { columns }. Got undefined instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['fit: X a number', fit(3), TypeError, 'X must be a matrix', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['fit: rows of zero length', fit([[], []]), RangeError, 'Found array with 0 feature(s) (shape=(2, 0)) while a minimum of 1 is required by MeanShift.', { code: 'ERR_EMPTY_INPUT', parameter: 'X' }],
  ['fit: zero features in { data, shape }', fit(dense(new Float64Array(0), [3, 0])), RangeError, 'Found array with 0 feature(s) (shape=(3, 0))', { code: 'ERR_EMPTY_INPUT', parameter: 'X' }],
  ['fit: ragged typed rows', fit([new Float64Array(2), new Float64Array(3)]), RangeError, 'X row 1 has 3 values, but row 0 has 2: every row must have the same number of features.', { code: 'ERR_INVALID_SHAPE', parameter: 'X', row: 1 }],
  ['fit: ragged later row', fit([[1, 2], [3, 4], [5]]), RangeError, 'X row 2 has 1 values, but row 0 has 2', { code: 'ERR_INVALID_SHAPE', parameter: 'X', row: 2 }],
  ['fit: row 0 not an array', fit([5, [1, 2]]), TypeError, 'X row 0 must be an array of numbers or a Float64Array/Float32Array. Got 5 instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X', row: 0 }],
  ['fit: undefined value', fit([[1, 2], [3, undefined]]), TypeError, 'X[1][1] must be a number. Got undefined instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X', row: 1, column: 1 }],
  ['fit: bigint value', fit([[1n, 2]]), TypeError, 'X[0][0] must be a number. Got 1n (a bigint) instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X', row: 0, column: 0 }],
  ['fit: -Infinity', fit([[0, 0], [1, -Infinity]]), RangeError, 'Input X contains infinity (row 1, column 1).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 1, column: 1 }],
  ['fit: NaN in Float64Array row', fit([new Float64Array([1, 2]), new Float64Array([NaN, 2])]), RangeError, 'Input X contains NaN (row 1, column 0).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 1, column: 0 }],
  ['fit: Infinity in { data, shape }', fit(dense(new Float64Array([0, 1, 2, 3, Infinity, 5]), [3, 2])), RangeError, 'Input X contains infinity (row 2, column 0).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 2, column: 0 }],
  ['fit: shape overflowing 2**53', fit(dense(new Float64Array(4), [2 ** 31, 2 ** 31])), RangeError, 'X.data has 4 values, but its shape [2147483648, 2147483648] needs 4611686018427387904.', { code: 'ERR_INVALID_SHAPE', parameter: 'X' }],
  ['fit: shape disagreeing with data', fit(dense(new Float32Array(6), [2, 2])), RangeError, 'X.data has 6 values, but its shape [2, 2] needs 4.', { code: 'ERR_INVALID_SHAPE', parameter: 'X' }],
  ['fit: negative shape', fit(dense(new Float64Array(0), [-1, 2])), RangeError, 'X.shape[0] must be a non-negative integer. Got -1 instead.', { code: 'ERR_INVALID_SHAPE', parameter: 'X' }],
  ['fit: shape of one number', fit(dense(new Float64Array(4), [4])), TypeError, 'X.shape must be [nSamples, nFeatures]. Got an array of length 1 instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['fit: string shape entry', fit(dense(new Float64Array(4), [2, '2'])), TypeError, "X.shape[1] must be a number. Got '2' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['fit: Int32Array data', fit(dense(new Int32Array(4), [2, 2])), TypeError, 'X.data must be a Float64Array or Float32Array. Got an Int32Array instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['fit: flat Float32Array', fit(new Float32Array(4)), TypeError, 'X is a flat Float32Array: pass { data: X, shape: [nSamples, nFeatures] } so its shape is known.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  // fit: options
  ['fit: bandwidth -1', fit(X, { bandwidth: -1 }), RangeError, "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or null. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['fit: NaN at row 1, column 1', fit([[0, 0], [1, NaN]]), RangeError, 'Input X contains NaN (row 1, column 1).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 1, column: 1 }],
  ['fit: bandwidth Infinity', fit(X, { bandwidth: Infinity }), RangeError, "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or null. Got Infinity instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['fit: bandwidth NaN', fit(X, { bandwidth: NaN }), RangeError, "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or null. Got NaN instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['fit: maxIter negative', fit(X, { bandwidth: 1, maxIter: -1 }), RangeError, "The 'maxIter' parameter of MeanShift must be an int in the range [0, 4294967295]. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'maxIter' }],
  ['fit: maxIter 2**32', fit(X, { bandwidth: 1, maxIter: 2 ** 32 }), RangeError, "The 'maxIter' parameter of MeanShift must be an int in the range [0, 4294967295]. Got 4294967296 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'maxIter' }],
  ['fit: minBinFreq fractional', fit(X, { bandwidth: 1, minBinFreq: 1.5 }), RangeError, "The 'minBinFreq' parameter of MeanShift must be an int in the range [1, inf). Got 1.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'minBinFreq' }],
  ['fit: clusterAll a string', fit(X, { bandwidth: 1, clusterAll: 'false' }), TypeError, "The 'clusterAll' parameter of MeanShift must be a boolean. Got 'false' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'clusterAll' }],
  ['fit: nJobs fractional', fit(X, { bandwidth: 1, nJobs: 1.5 }), RangeError, "The 'nJobs' parameter of MeanShift must be a non-zero int or null (null and -1 use all cores). Got 1.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'nJobs' }],
  ['fit: seeds empty', fit(X, { bandwidth: 1, seeds: [] }), RangeError, "The 'seeds' parameter of MeanShift must be a matrix with at least one row or null. Got 0 rows instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'seeds' }],
  ['fit: seeds narrower than X', fit(X, { bandwidth: 1, seeds: [[1]] }), RangeError, 'seeds has 1 features, but MeanShift is expecting 2 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'seeds' }],
  ['fit: seeds with NaN', fit(X, { bandwidth: 1, seeds: [[0, 0], [NaN, 1]] }), RangeError, 'Input seeds contains NaN (row 1, column 0).', { code: 'ERR_NON_FINITE', parameter: 'seeds', row: 1, column: 0 }],
  ['fit: seeds not a matrix', fit(X, { bandwidth: 1, seeds: 'x' }), TypeError, "seeds must be a matrix: number[][], an array of Float64Array/Float32Array rows, { data, shape } or { columns }. Got 'x' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'seeds' }],
  ['fit: seeds ragged', fit(X, { bandwidth: 1, seeds: [[0, 0], [1]] }), RangeError, 'seeds row 1 has 1 values, but row 0 has 2', { code: 'ERR_INVALID_SHAPE', parameter: 'seeds', row: 1 }],
  ['fit: clusterAssignment unknown', fit(X, { bandwidth: 1, clusterAssignment: 'nearest' }), RangeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got 'nearest' instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterAssignment' }],
  ['fit: clusterAssignment in snake_case', fit(X, { bandwidth: 1, clusterAssignment: 'nearest_centroid' }), RangeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got 'nearest_centroid' instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterAssignment' }],
  ['fit: clusterAssignment not a string', fit(X, { bandwidth: 1, clusterAssignment: 1 }), TypeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got 1 instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'clusterAssignment' }],
  // predict / fitPredict
  ['predict before fit', () => new MeanShift({ bandwidth: 1 }).predict(X), NotFittedError, "This MeanShift instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.", { code: 'ERR_NOT_FITTED' }],
  ['predict: narrower X', () => fitted().predict([[1]]), RangeError, 'X has 1 features, but MeanShift is expecting 2 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'X' }],
  ['predict: empty X', () => fitted().predict([]), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required by MeanShift.', { code: 'ERR_EMPTY_INPUT', parameter: 'X' }],
  ['predict: infinity', () => fitted().predict([[0, 0], [Infinity, 0]]), RangeError, 'Input X contains infinity (row 1, column 0).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 1, column: 0 }],
  ['predict: not a matrix', () => fitted().predict({} as never), TypeError, 'X must be a matrix', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['predict: nJobs set to a string after fit', () => fitted().setParams({ nJobs: 'all' as never }).predict(X), TypeError, "The 'nJobs' parameter of MeanShift must be a non-zero int or null (null and -1 use all cores). Got 'all' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'nJobs' }],
  ['predict: nJobs set to 0 after fit', () => fitted().setParams({ nJobs: 0 }).predict(X), RangeError, "The 'nJobs' parameter of MeanShift must be a non-zero int or null (null and -1 use all cores). Got 0 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'nJobs' }],
  ['predict: clusterAssignment unknown', () => fitted().predict(X, { clusterAssignment: 'attractors' as never }), RangeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got 'attractors' instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterAssignment' }],
  ['predict: clusterAssignment null', () => fitted().predict(X, { clusterAssignment: null as never }), TypeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got null instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'clusterAssignment' }],
  ['predict: unknown option', () => fitted().predict(X, { assignment: 'attractor' } as never), TypeError, "Unknown option 'assignment' for MeanShift.predict. Valid options are: clusterAssignment.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'assignment' }],
  ['predict: attractor from a nearest-centroid model', () => fitted().predict(X, { clusterAssignment: 'attractor' }), NotFittedError, "This MeanShift instance was fitted with clusterAssignment 'nearestCentroid', which keeps no training data.", { code: 'ERR_NOT_FITTED' }],
  ['fitPredict: ragged rows', () => new MeanShift({ bandwidth: 1 }).fitPredict([[1, 2], [3]]), RangeError, 'X row 1 has 1 values, but row 0 has 2', { code: 'ERR_INVALID_SHAPE', parameter: 'X', row: 1 }],
  ['fitPredict: bad option', () => new MeanShift({ bandwidth: -2 }).fitPredict(X), RangeError, "The 'bandwidth' parameter of MeanShift must be a float in the range (0.0, inf) or null. Got -2 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  // fromJSON
  ['fromJSON: null', () => MeanShift.fromJSON(null), TypeError, "MeanShift.fromJSON expects an object made by MeanShift.toJSON (format 'fast-meanshift/MeanShift').", { code: 'ERR_INVALID_MODEL_JSON' }],
  ['fromJSON: other version', () => MeanShift.fromJSON({ ...json(), version: 2 }), RangeError, 'MeanShift.fromJSON supports version 1. Got 2 instead.', { code: 'ERR_INVALID_MODEL_JSON' }],
  ['fromJSON: unknown param', () => MeanShift.fromJSON({ ...json(), params: { foo: 1 } }), TypeError, "Unknown option 'foo' for MeanShift.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'foo' }],
  ['fromJSON: centres of the wrong width', () => MeanShift.fromJSON({ ...json(), fitted: { ...json().fitted, clusterCenters: [[1, 2, 3]] } }), TypeError, "MeanShift.fromJSON: 'fitted.clusterCenters' is missing or invalid.", { code: 'ERR_INVALID_MODEL_JSON', parameter: 'fitted.clusterCenters' }],
  ['fromJSON: fractional nIter', () => MeanShift.fromJSON({ ...json(), fitted: { ...json().fitted, nIter: 1.5 } }), TypeError, "MeanShift.fromJSON: 'fitted.nIter' is missing or invalid.", { code: 'ERR_INVALID_MODEL_JSON', parameter: 'fitted.nIter' }],
  // fitAsync, meanShift, meanShiftAsync
  ['fitAsync: NaN', fitAsync([[NaN, 1]]), RangeError, 'Input X contains NaN (row 0, column 0).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 0, column: 0 }],
  ['fitAsync: shape overflow', fitAsync(dense(new Float64Array(4), [2 ** 31, 2 ** 31])), RangeError, 'needs 4611686018427387904', { code: 'ERR_INVALID_SHAPE', parameter: 'X' }],
  ['fitAsync: unknown async option', fitAsync(X, { bandwidth: 1 }, { onprogress: () => {} }), TypeError, "Unknown option 'onprogress' for MeanShift.fitAsync. Valid options are: signal, onProgress, sampleWeight.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'onprogress' }],
  ['fitAsync: signal not an AbortSignal', fitAsync(X, { bandwidth: 1 }, { signal: {} }), TypeError, "The 'signal' option of MeanShift.fitAsync must be an AbortSignal.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'signal' }],
  ['fitAsync: onProgress not a function', fitAsync(X, { bandwidth: 1 }, { onProgress: 1 }), TypeError, "The 'onProgress' option of MeanShift.fitAsync must be a function. Got 1 instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'onProgress' }],
  ['fitAsync: bad option', fitAsync(X, { bandwidth: 1, maxIter: 0.5 }), RangeError, "The 'maxIter' parameter of MeanShift must be an int in the range [0, 4294967295]. Got 0.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'maxIter' }],
  ['meanShift: unknown option', () => meanShift(X, { quantile: 0.3 } as never), TypeError, "Unknown option 'quantile' for MeanShift.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'quantile' }],
  ['meanShift: plain array as data', () => meanShift(dense([0, 1], [1, 2]) as never, { bandwidth: 1 }), TypeError, 'X.data must be a Float64Array or Float32Array. Got an array of length 2 instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'X' }],
  ['meanShiftAsync: unknown option', () => meanShiftAsync(X, { bandwith: 1 } as never), TypeError, "Unknown option 'bandwith' for meanShiftAsync.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'bandwith' }],
  ['meanShift: clusterAssignment unknown', () => meanShift(X, { bandwidth: 1, clusterAssignment: 'Attractor' as never }), RangeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got 'Attractor' instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterAssignment' }],
  ['meanShiftAsync: clusterAssignment unknown', () => meanShiftAsync(X, { bandwidth: 1, clusterAssignment: '' as never }), RangeError, "The 'clusterAssignment' parameter of MeanShift must be a str among {'nearestCentroid', 'attractor'}. Got '' instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterAssignment' }],
  ['fromJSON: attractor data of the wrong width', () => MeanShift.fromJSON({ ...json(), fitted: { ...json().fitted, attractor: { X: [[1]], nSeeds: 4, maxIter: 300, clusterAll: true } } }), TypeError, "MeanShift.fromJSON: 'fitted.attractor.X' is missing or invalid.", { code: 'ERR_INVALID_MODEL_JSON', parameter: 'fitted.attractor.X' }],
  ['meanShiftAsync: seeds wrong width', () => meanShiftAsync(X, { bandwidth: 1, seeds: [[1, 2, 3]] }), RangeError, 'seeds has 3 features, but MeanShift is expecting 2 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'seeds' }],
  // sampleWeight, kernel, kernelCutoff (issue 16)
  ['fit: negative weight at row 3', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: [1, 1, 1, -2] }), RangeError, 'sampleWeight[3] must be a finite number >= 0. Got -2 instead.', { code: 'ERR_INVALID_WEIGHT', parameter: 'sampleWeight', row: 3 }],
  ['fit: NaN weight', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: new Float64Array([1, NaN, 1, 1]) }), RangeError, 'Input sampleWeight contains NaN (row 1).', { code: 'ERR_NON_FINITE', parameter: 'sampleWeight', row: 1 }],
  ['fit: infinite weight (Float32Array)', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: new Float32Array([1, 1, Infinity, 1]) }), RangeError, 'Input sampleWeight contains infinity (row 2).', { code: 'ERR_NON_FINITE', parameter: 'sampleWeight', row: 2 }],
  ['fit: weights of the wrong length', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: [1, 2, 3] }), RangeError, 'sampleWeight has 3 values, but X has 4 rows: one weight per row is required.', { code: 'ERR_INVALID_SHAPE', parameter: 'sampleWeight' }],
  ['fit: weights all zero', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: [0, 0, 0, 0] }), RangeError, 'sampleWeight must not be all 0: at least one row needs a positive weight.', { code: 'ERR_INVALID_WEIGHT', parameter: 'sampleWeight' }],
  ['fit: a weight not a number', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: [1, '2', 1, 1] as never }), TypeError, "sampleWeight[1] must be a number. Got '2' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'sampleWeight', row: 1 }],
  ['fit: weights a string', () => new MeanShift({ bandwidth: 1 }).fit(X, { sampleWeight: 'w' as never }), TypeError, "The 'sampleWeight' parameter of MeanShift must be an array of finite numbers >= 0, one per row of X, not all 0 or null. Got 'w' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'sampleWeight' }],
  ['fit: unknown fit option', () => new MeanShift({ bandwidth: 1 }).fit(X, { weights: [1] } as never), TypeError, "Unknown option 'weights' for MeanShift.fit. Valid options are: sampleWeight.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'weights' }],
  ['fitAsync: negative weight', () => new MeanShift({ bandwidth: 1 }).fitAsync(X, { sampleWeight: [1, -1, 1, 1] }), RangeError, 'sampleWeight[1] must be a finite number >= 0. Got -1 instead.', { code: 'ERR_INVALID_WEIGHT', parameter: 'sampleWeight', row: 1 }],
  ['meanShift: weights all zero', () => meanShift(X, { bandwidth: 1, sampleWeight: [0, 0, 0, 0] }), RangeError, 'sampleWeight must not be all 0', { code: 'ERR_INVALID_WEIGHT', parameter: 'sampleWeight' }],
  ['meanShiftAsync: weights of the wrong length', () => meanShiftAsync(X, { bandwidth: 1, sampleWeight: [1] }), RangeError, 'sampleWeight has 1 values, but X has 4 rows', { code: 'ERR_INVALID_SHAPE', parameter: 'sampleWeight' }],
  ['estimateBandwidth: negative weight', () => estimateBandwidth(X, { sampleWeight: [1, 1, -0.5, 1] }), RangeError, 'sampleWeight[2] must be a finite number >= 0. Got -0.5 instead.', { code: 'ERR_INVALID_WEIGHT', parameter: 'sampleWeight', row: 2 }],
  ['estimateBandwidthAsync: NaN weight', () => estimateBandwidthAsync(X, { sampleWeight: [NaN, 1, 1, 1] }), RangeError, 'Input sampleWeight contains NaN (row 0).', { code: 'ERR_NON_FINITE', parameter: 'sampleWeight', row: 0 }],
  ['fit: unknown kernel', fit(X, { bandwidth: 1, kernel: 'triangle' }), RangeError, "The 'kernel' parameter of MeanShift must be a str among {'flat', 'gaussian', 'epanechnikov'}. Got 'triangle' instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'kernel' }],
  ['fit: kernel not a string', fit(X, { bandwidth: 1, kernel: 1 }), TypeError, "The 'kernel' parameter of MeanShift must be a str among {'flat', 'gaussian', 'epanechnikov'}. Got 1 instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'kernel' }],
  ['fit: kernelCutoff 0', fit(X, { bandwidth: 1, kernel: 'gaussian', kernelCutoff: 0 }), RangeError, "The 'kernelCutoff' parameter of MeanShift must be a float in the range (0.0, inf). Got 0 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'kernelCutoff' }],
  ['fit: kernelCutoff negative', fit(X, { bandwidth: 1, kernelCutoff: -1 }), RangeError, "The 'kernelCutoff' parameter of MeanShift must be a float in the range (0.0, inf). Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'kernelCutoff' }],
  ['fit: kernelCutoff a string', fit(X, { bandwidth: 1, kernelCutoff: '3' }), TypeError, "The 'kernelCutoff' parameter of MeanShift must be a float in the range (0.0, inf). Got '3' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'kernelCutoff' }],
  // estimateBandwidth(Async)
  ['estimateBandwidth: quantile NaN', () => estimateBandwidth(X, { quantile: NaN }), RangeError, "The 'quantile' parameter of estimateBandwidth must be a float in the range [0.0, 1.0]. Got NaN instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'quantile' }],
  ['estimateBandwidth: quantile a string', () => estimateBandwidth(X, { quantile: '0.3' as never }), TypeError, "The 'quantile' parameter of estimateBandwidth must be a float in the range [0.0, 1.0]. Got '0.3' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'quantile' }],
  ['estimateBandwidth: nSamples negative', () => estimateBandwidth(X, { nSamples: -5 }), RangeError, "The 'nSamples' parameter of estimateBandwidth must be an int in the range [1, inf) or null. Got -5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'nSamples' }],
  ['estimateBandwidth: randomState fractional', () => estimateBandwidth(X, { randomState: 0.5 }), RangeError, "The 'randomState' parameter of estimateBandwidth must be an int in the range [0, 4294967295]. Got 0.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'randomState' }],
  ['estimateBandwidth: nJobs 0', () => estimateBandwidth(X, { nJobs: 0 }), RangeError, "The 'nJobs' parameter of estimateBandwidth must be a non-zero int or null", { code: 'ERR_OUT_OF_RANGE', parameter: 'nJobs' }],
  ['estimateBandwidth: unknown option', () => estimateBandwidth(X, { n_samples: 5 } as never), TypeError, "Unknown option 'n_samples' for estimateBandwidth.", { code: 'ERR_UNKNOWN_OPTION', parameter: 'n_samples' }],
  ['estimateBandwidth: ragged rows', () => estimateBandwidth([[1, 2], [3]]), RangeError, 'X row 1 has 1 values, but row 0 has 2', { code: 'ERR_INVALID_SHAPE', parameter: 'X', row: 1 }],
  ['estimateBandwidthAsync: empty X', () => estimateBandwidthAsync([]), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required.', { code: 'ERR_EMPTY_INPUT', parameter: 'X' }],
  ['estimateBandwidthAsync: quantile > 1', () => estimateBandwidthAsync(X, { quantile: 1.5 }), RangeError, "The 'quantile' parameter of estimateBandwidthAsync must be a float in the range [0.0, 1.0]. Got 1.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'quantile' }],
  ['estimateBandwidthAsync: signal not an AbortSignal', () => estimateBandwidthAsync(X, { signal: 'stop' as never }), TypeError, "The 'signal' option of estimateBandwidthAsync must be an AbortSignal. Got 'stop' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'signal' }],
  // getBinSeeds
  ['getBinSeeds: binSize Infinity', () => getBinSeeds(X, Infinity), RangeError, "The 'binSize' parameter of getBinSeeds must be a float in the range [0.0, inf). Got Infinity instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'binSize' }],
  ['getBinSeeds: binSize missing', () => (getBinSeeds as (x: unknown) => unknown)(X), TypeError, "The 'binSize' parameter of getBinSeeds must be a float in the range [0.0, inf). Got undefined instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'binSize' }],
  ['getBinSeeds: minBinFreq fractional', () => getBinSeeds(X, 1, 2.5), RangeError, "The 'minBinFreq' parameter of getBinSeeds must be an int in the range [1, inf). Got 2.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'minBinFreq' }],
  ['getBinSeeds: NaN in X', () => getBinSeeds([[0, NaN]], 1), RangeError, 'Input X contains NaN (row 0, column 1).', { code: 'ERR_NON_FINITE', parameter: 'X', row: 0, column: 1 }],
  ['getBinSeeds: empty X', () => getBinSeeds([], 1), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required.', { code: 'ERR_EMPTY_INPUT', parameter: 'X' }],
  // makeBlobs
  ['makeBlobs: nSamples fractional', () => makeBlobs({ nSamples: 2.5 }), RangeError, "The 'nSamples' parameter of makeBlobs must be an int in the range [0, inf). Got 2.5 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'nSamples' }],
  ['makeBlobs: nSamples a string', () => makeBlobs({ nSamples: '10' as never }), TypeError, "The 'nSamples' parameter of makeBlobs must be an int in the range [0, inf). Got '10' instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'nSamples' }],
  // Too large for memory: an error before anything is allocated (allocation failure would abort).
  ['makeBlobs: nSamples 1e12', () => makeBlobs({ nSamples: 1e12 }), RangeError, 'nSamples is too large: 1000000000000 samples × 2 features as number[][] need about', { code: 'ERR_TOO_LARGE', parameter: 'nSamples' }],
  ['makeBlobs: nSamples 3e8', () => makeBlobs({ nSamples: 3e8, nFeatures: 1 }), RangeError, 'nSamples is too large: 300000000 samples × 1 features', { code: 'ERR_TOO_LARGE', parameter: 'nSamples' }],
  ['makeBlobs: nFeatures 1e9', () => makeBlobs({ nSamples: 10, nFeatures: 1e9 }), RangeError, 'nSamples is too large: 10 samples × 1000000000 features', { code: 'ERR_TOO_LARGE', parameter: 'nSamples' }],
  ['makeBlobs: centers 1e9', () => makeBlobs({ nSamples: 10, centers: 1e9 }), RangeError, 'centers is too large: 1000000000 centres × 2 features is more than the 268435456 values makeBlobs generates at most.', { code: 'ERR_TOO_LARGE', parameter: 'centers' }],
  ['makeBlobs: centers 2**53 - 1', () => makeBlobs({ nSamples: 10, centers: 2 ** 53 - 1 }), RangeError, 'centers is too large', { code: 'ERR_TOO_LARGE', parameter: 'centers' }],
  ['makeBlobs: nFeatures 0', () => makeBlobs({ nFeatures: 0 }), RangeError, "The 'nFeatures' parameter of makeBlobs must be an int in the range [1, inf). Got 0 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'nFeatures' }],
  ['makeBlobs: centers negative', () => makeBlobs({ centers: -3 }), RangeError, "The 'centers' parameter of makeBlobs must be an int in the range [1, inf). Got -3 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'centers' }],
  ['makeBlobs: centers empty', () => makeBlobs({ centers: [] }), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required.', { code: 'ERR_EMPTY_INPUT', parameter: 'centers' }],
  ['makeBlobs: centers ragged', () => makeBlobs({ centers: [[1, 2], [3]] }), RangeError, 'centers row 1 has 1 values, but row 0 has 2', { code: 'ERR_INVALID_SHAPE', parameter: 'centers', row: 1 }],
  ['makeBlobs: centers with NaN', () => makeBlobs({ centers: [[NaN, 1]] }), RangeError, 'Input centers contains NaN (row 0, column 0).', { code: 'ERR_NON_FINITE', parameter: 'centers', row: 0, column: 0 }],
  ['makeBlobs: clusterStd Infinity', () => makeBlobs({ clusterStd: Infinity }), RangeError, "The 'clusterStd' parameter of makeBlobs must be a float in the range [0.0, inf). Got Infinity instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterStd' }],
  ['makeBlobs: clusterStd NaN in array', () => makeBlobs({ centers: 2, clusterStd: [1, NaN] }), RangeError, "The 'clusterStd' parameter of makeBlobs must be a float in the range [0.0, inf). Got NaN instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'clusterStd' }],
  ['makeBlobs: clusterStd strings', () => makeBlobs({ clusterStd: ['1'] as never }), TypeError, "The 'clusterStd' parameter of makeBlobs must be a number or an array of numbers. Got an array of length 1 instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'clusterStd' }],
  ['makeBlobs: centerBox reversed', () => makeBlobs({ centerBox: [10, -10] }), RangeError, "The 'centerBox' parameter of makeBlobs must be two finite numbers [low, high] with low <= high. Got [10, -10] instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'centerBox' }],
  ['makeBlobs: centerBox of one number', () => makeBlobs({ centerBox: [1] as never }), TypeError, "The 'centerBox' parameter of makeBlobs must be [low, high]. Got an array of length 1 instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'centerBox' }],
  ['makeBlobs: shuffle a number', () => makeBlobs({ shuffle: 1 as never }), TypeError, "The 'shuffle' parameter of makeBlobs must be a boolean. Got 1 instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'shuffle' }],
  ['makeBlobs: randomState negative', () => makeBlobs({ randomState: -1 }), RangeError, "The 'randomState' parameter of makeBlobs must be an int in the range [0, 4294967295]. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'randomState' }],
  ['makeBlobs: options not an object', () => makeBlobs('big' as never), TypeError, "The options of makeBlobs must be an object. Got 'big' instead.", { code: 'ERR_INVALID_ARG_TYPE' }],
  // Shard primitives (issue 17)
  ['seedsFor: bandwidth -1', () => seedsFor(X, { bandwidth: -1 }), RangeError, "The 'bandwidth' parameter of seedsFor must be a float in the range (0.0, inf) or null. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['seedsFor: seeds wider than X', () => seedsFor(X, { bandwidth: 1, seeds: [[1, 2, 3]] }), RangeError, 'seeds has 3 features, but MeanShift is expecting 2 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'seeds' }],
  ['climbSeeds: bandwidth missing', () => climbSeeds(X, X, {} as never), TypeError, "The 'bandwidth' parameter of climbSeeds must be a float in the range (0.0, inf). Got undefined instead.", { code: 'ERR_INVALID_ARG_TYPE', parameter: 'bandwidth' }],
  ['climbSeeds: bandwidth 0', () => climbSeeds(X, X, { bandwidth: 0 }), RangeError, "The 'bandwidth' parameter of climbSeeds must be a float in the range (0.0, inf). Got 0 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['climbSeeds: NaN in seeds', () => climbSeeds(X, [[0, NaN]], { bandwidth: 1 }), RangeError, 'Input seeds contains NaN (row 0, column 1).', { code: 'ERR_NON_FINITE', parameter: 'seeds', row: 0, column: 1 }],
  ['climbSeeds: seeds narrower than X', () => climbSeeds(X, [[0]], { bandwidth: 1 }), RangeError, 'seeds has 1 features, but climbSeeds is expecting 2 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'seeds' }],
  ['climbSeeds: maxIter -1', () => climbSeeds(X, X, { bandwidth: 1, maxIter: -1 }), RangeError, "The 'maxIter' parameter of climbSeeds must be an int in the range [0, 4294967295]. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'maxIter' }],
  ['climbSeeds: totalSeeds below firstSeed + seeds', () => climbSeeds(X, X, { bandwidth: 1, totalSeeds: 2 }), RangeError, "The 'totalSeeds' parameter of climbSeeds must be an int in the range [0, 4294967295] or null (at least firstSeed + the number of seeds given; null: just those). Got 2 (fewer than the first seed's index + the 4 seeds given) instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'totalSeeds' }],
  ['climbSeeds: firstSeed -1', () => climbSeeds(X, X, { bandwidth: 1, firstSeed: -1 }), RangeError, "The 'firstSeed' parameter of climbSeeds must be an int in the range [0, 4294967295]. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'firstSeed' }],
  ['mergeModes: no climbs', () => mergeModes([], { bandwidth: 1 }), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required by mergeModes.', { code: 'ERR_EMPTY_INPUT', parameter: 'climbs' }],
  ['mergeModes: climbs not an array', () => mergeModes(5 as never, { bandwidth: 1 }), TypeError, 'The climbs of mergeModes must be an array of Climbs. Got 5 instead.', { code: 'ERR_INVALID_ARG_TYPE', parameter: 'climbs' }],
  ['mergeModes: bandwidth NaN', () => mergeModes([climbs()], { bandwidth: NaN }), RangeError, "The 'bandwidth' parameter of mergeModes must be a float in the range (0.0, inf). Got NaN instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['mergeModes: climbs of other widths', () => mergeModes([climbs(), { ...climbs(), nFeatures: 3, positions: new Float64Array(12) }], { bandwidth: 1 }), RangeError, 'climbs has 3 features, but mergeModes is expecting 2 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'climbs' }],
  ['mergeModes: nIter too short', () => mergeModes([{ ...climbs(), nIter: new Uint32Array(1) }], { bandwidth: 1 }), RangeError, 'climbs.nIter.data has 1 values, but its shape [4, 1] needs 4.', { code: 'ERR_INVALID_SHAPE', parameter: 'climbs.nIter' }],
  ['mergeModes: firstSeed -1', () => mergeModes([{ ...climbs(), firstSeed: -1 }], { bandwidth: 1 }), RangeError, "The 'firstSeed' parameter of mergeModes must be an int in the range [0, 4294967295]. Got -1 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'firstSeed' }],
  ['mergeModes: no climb had a neighbour', () => mergeModes([{ ...climbs(), intensities: new Float64Array(4) }], { bandwidth: 1 }), Error, 'No point was within bandwidth=1.000000 of any seed. Try a different seeding strategy or increase the bandwidth.', { code: 'ERR_NO_POINT_WITHIN_BANDWIDTH', parameter: 'bandwidth' }],
  ['assignLabels: centres wider than X', () => assignLabels(X, [[1, 2, 3]], { bandwidth: 1 }), RangeError, 'X has 2 features, but assignLabels is expecting 3 features as input.', { code: 'ERR_FEATURE_MISMATCH', parameter: 'X' }],
  ['assignLabels: bandwidth -2', () => assignLabels(X, [[1, 2]], { bandwidth: -2, clusterAll: false }), RangeError, "The 'bandwidth' parameter of assignLabels must be a float in the range (0.0, inf) or null (only read to mark orphans, and then required). Got -2 instead.", { code: 'ERR_OUT_OF_RANGE', parameter: 'bandwidth' }],
  ['assignLabels: no centres', () => assignLabels(X, [], {}), RangeError, 'Found array with 0 sample(s) (shape=(0, 0)) while a minimum of 1 is required by assignLabels.', { code: 'ERR_EMPTY_INPUT', parameter: 'centers' }],
  // Transport buffers: ERR_INVALID_BUFFER for bytes that are not such a buffer
  ['matrixFromBuffer: a string', () => matrixFromBuffer('text' as never), TypeError, "matrixFromBuffer: expected a Buffer or Uint8Array. Got 'text' instead.", { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['matrixFromBuffer: no header', () => matrixFromBuffer(Buffer.from('junk junk junk junk junk junk')), RangeError, "matrixFromBuffer: not a fast-meanshift buffer (no 'FMSB' header; 29 bytes).", { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['matrixFromBuffer: truncated', () => matrixFromBuffer(matrixBytes().subarray(0, 87)), RangeError, 'matrixFromBuffer: a buffer of 4 × 2 needs 88 bytes. Got 87 instead (truncated or padded).', { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['matrixFromBuffer: another format version', () => matrixFromBuffer(patched(matrixBytes(), 4, 3)), RangeError, 'matrixFromBuffer: buffer format version 3 is not supported (this version reads 1 and 2).', { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['matrixFromBuffer: climbs', () => matrixFromBuffer(climbsToBuffer(climbs())), RangeError, 'matrixFromBuffer: the buffer holds climbs.', { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['climbsFromBuffer: a matrix', () => climbsFromBuffer(matrixBytes()), RangeError, 'climbsFromBuffer: the buffer holds a float64 matrix.', { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['climbsFromBuffer: padded', () => climbsFromBuffer(Buffer.concat([climbsToBuffer(climbs()), Buffer.alloc(4)])), RangeError, 'climbsFromBuffer: a buffer of 4 × 2 needs 136 bytes. Got 140 instead (truncated or padded).', { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' }],
  ['climbsToBuffer: nIter too short', () => climbsToBuffer({ ...climbs(), nIter: new Uint32Array(1) }), RangeError, 'climbs with 4 intensities need 8 positions and 4 nIter. Got 8 and 1 instead.', { code: 'ERR_INVALID_SHAPE', parameter: 'climbs' }],
  ['climbsToBuffer: firstSeed -3', () => climbsToBuffer({ ...climbs(), firstSeed: -3 }), RangeError, 'climbs.firstSeed must be an integer in [0, 2^32 - 1]. Got -3 instead.', { code: 'ERR_OUT_OF_RANGE', parameter: 'firstSeed' }],
];

describe('bad input: every entry point gives a clear TypeError, RangeError or NotFittedError', () => {
  it(`has at least 90 cases (${cases.length})`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(90);
  });
  for (const [name, run, type, message, fields] of cases) {
    it(name, async () => {
      let error: unknown;
      try {
        // Async entry points may throw synchronously or reject; both count.
        await run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toContain(message);
      // Absent fields must be absent, not guessed.
      const { code, parameter, row, column } = error as Fields;
      expect({ code, parameter, row, column }).toEqual({ parameter: undefined, row: undefined, column: undefined, ...fields });
    });
  }
});
