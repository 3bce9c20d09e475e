// A TypeScript (ES module) consumer, type-checked with a strict `tsc --noEmit`; it names every export
// of fast-meanshift (scripts/consumer-test.mjs checks that none is missing).
import {
  AbortError,
  MeanShift,
  assignLabels,
  climbSeeds,
  climbSeedsAsync,
  climbsFromBuffer,
  climbsToBuffer,
  matrixFromBuffer,
  matrixToBuffer,
  mergeModes,
  seedsFor,
  type AssignLabelsOptions,
  type Climbs,
  type ClimbSeedsOptions,
  type FitSeeds,
  type MergeModesOptions,
  type Modes,
  NotFittedError,
  estimateBandwidth,
  estimateBandwidthAsync,
  getBinSeeds,
  makeBlobs,
  meanShift,
  meanShiftAsync,
  type AsyncOptions,
  type ClusterAssignment,
  type ColumnMatrix,
  type DenseMatrix,
  type ErrorCode,
  type ErrorFields,
  type EstimateBandwidthOptions,
  type FitOptions,
  type Kernel,
  type MakeBlobsOptions,
  type Matrix,
  type MeanShiftJSON,
  type MeanShiftOptions,
  type MeanShiftResult,
  type PredictOptions,
  type Progress,
  type SampleWeight,
} from 'fast-meanshift';
// The same package as `require` sees it: its types must be the same declarations (dist/index.d.ts
// re-exports dist/index.d.cts, as dist/index.js re-exports dist/index.cjs).
import type * as required from 'fast-meanshift' with { 'resolution-mode': 'require' };

const blobOptions: MakeBlobsOptions = { nSamples: 300, centers: [[5, 5], [1, 1]], clusterStd: 0.3, randomState: 0 };
const { X, y }: { X: number[][]; y: Int32Array } = makeBlobs(blobOptions);
const rows: Matrix = X;
const float32Rows: Matrix = X.map((row) => Float32Array.from(row));
const dense: DenseMatrix = { data: new Float64Array(X.flat()), shape: [X.length, 2] };
// One typed array per feature, as Apache Arrow, DuckDB and Polars hand data out.
const columnar: ColumnMatrix = { columns: [Float64Array.from(X, (r) => r[0]!), Float32Array.from(X, (r) => r[1]!)] };
const columnarAsMatrix: Matrix = columnar;

const bandwidthOptions: EstimateBandwidthOptions = { quantile: 0.2, nSamples: null, randomState: 0, nJobs: -1 };
const bandwidth: number = estimateBandwidth(rows, bandwidthOptions);
const options: MeanShiftOptions = { bandwidth, binSeeding: true, minBinFreq: 1, clusterAll: true, maxIter: 300, nJobs: null };

const model: MeanShift = new MeanShift(options).fit(dense);
const centers: number[][] = model.clusterCenters;
const labels: Int32Array = model.labels;
const nIter: number = model.nIter;
const params: Required<MeanShiftOptions> = model.getParams();
const json: MeanShiftJSON = model.toJSON();
const restored: MeanShift = MeanShift.fromJSON(json);
const predicted: Int32Array = restored.predict(float32Rows);
const result: MeanShiftResult = meanShift(rows, options);
const seeds: number[][] = getBinSeeds(columnarAsMatrix, bandwidth, 1);
const columnarLabels: Int32Array = new MeanShift({ bandwidth, seeds: columnar }).fit(columnar).predict(columnar);
const assignment: ClusterAssignment = 'attractor';
const predictOptions: PredictOptions = { clusterAssignment: assignment };
const attractorLabels: Int32Array = new MeanShift({ bandwidth, clusterAssignment: assignment }).fit(rows).predict(rows, predictOptions);
const kernel: Kernel = 'gaussian';
const weights: SampleWeight = Float32Array.from(X, (_, i) => 1 + (i % 3));
const fitOptions: FitOptions = { sampleWeight: weights };
const weighted: MeanShiftResult = meanShift(rows, { bandwidth, kernel, kernelCutoff: 2, sampleWeight: weights });
const weightedModel: MeanShift = new MeanShift({ bandwidth, kernel: 'epanechnikov' }).fit(dense, fitOptions);

let notFitted: NotFittedError | undefined;
try {
  new MeanShift().predict(rows);
} catch (error) {
  if (error instanceof NotFittedError) notFitted = error;
}
const message: string | undefined = notFitted?.message;

// Errors carry a code and the parameter (or row and column) a server maps to an HTTP 400.
let badField: ErrorFields | undefined;
try {
  new MeanShift({ bandwidth: -1 }).fit(rows);
} catch (error) {
  badField = error as ErrorFields;
}
const code: ErrorCode | undefined = badField?.code;
const parameter: string | undefined = badField?.parameter;

// The async API: off the event loop, with progress and abort.
export async function fitOffTheEventLoop(signal: AbortSignal): Promise<Progress[]> {
  const seen: Progress[] = [];
  const asyncOptions: AsyncOptions = { signal, onProgress: (progress: Progress) => void seen.push(progress) };
  try {
    const asyncBandwidth: number = await estimateBandwidthAsync(dense, { quantile: 0.2, signal });
    const fitted: MeanShift = await new MeanShift({ bandwidth: asyncBandwidth }).fitAsync(dense, asyncOptions);
    const asyncResult: MeanShiftResult = await meanShiftAsync(rows, { ...options, ...asyncOptions });
    seen.push({ done: fitted.nIter, total: asyncResult.nIter });
  } catch (error) {
    if (!(error instanceof AbortError)) throw error;
    const code: string = error.code;
    seen.push({ done: code.length, total: 0 });
  }
  return seen;
}

// `import` and `require` have one MeanShift class (it has private fields: another declaration of it
// would not be assignable) and one AbortError.
const requiredModel: required.MeanShift = new MeanShift();
const importedModel: MeanShift = requiredModel;
const sameClass: typeof required.MeanShift = MeanShift;
export const same = { importedModel, sameClass, errors: [new AbortError(), NotFittedError] as [required.AbortError, typeof required.NotFittedError] };

// A fit split into shards (as on many machines): seeds → climbs of runs of seeds → centres → labels.
const fitSeeds: FitSeeds = seedsFor(rows, { bandwidth });
const [nSeeds, nFeatures] = fitSeeds.seeds.shape;
const half = Math.floor(nSeeds / 2);
const climbOptions: ClimbSeedsOptions = { bandwidth: fitSeeds.bandwidth, totalSeeds: nSeeds };
const firstHalf: Climbs = climbSeeds(rows, { data: fitSeeds.seeds.data.subarray(0, half * nFeatures), shape: [half, nFeatures] }, climbOptions);
export async function secondHalf(): Promise<Climbs> {
  const rest = { data: fitSeeds.seeds.data.subarray(half * nFeatures), shape: [nSeeds - half, nFeatures] as [number, number] };
  return climbsFromBuffer(climbsToBuffer(await climbSeedsAsync(rows, rest, { ...climbOptions, firstSeed: half })));
}
const mergeOptions: MergeModesOptions = { bandwidth: fitSeeds.bandwidth };
const modes: Modes = mergeModes([firstHalf], mergeOptions);
const labelOptions: AssignLabelsOptions = { bandwidth: fitSeeds.bandwidth, clusterAll: true };
const shardLabels: Int32Array = assignLabels(rows, matrixFromBuffer(matrixToBuffer(modes.clusterCenters)), labelOptions);

// @ts-expect-error: unknown options are a type error (and a TypeError at run time)
new MeanShift({ bandwith: 1 });

export const summary = { y, shardLabels, columnarLabels, attractorLabels, weighted, weightedModel, centers, labels, nIter, params, predicted, result, seeds, message, code, parameter, fitted: json.fitted };
