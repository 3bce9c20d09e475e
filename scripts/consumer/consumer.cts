// A TypeScript CommonJS consumer (`import = require`), type-checked against the package's .d.cts types.
import fm = require('fast-meanshift');

const blobs: ReturnType<typeof fm.makeBlobs> = fm.makeBlobs({ nSamples: 50, randomState: 1 });
const options: fm.MeanShiftOptions = { bandwidth: fm.estimateBandwidth(blobs.X, { quantile: 0.3 }) };
const model: fm.MeanShift = new fm.MeanShift(options).fit(blobs.X);
const result: fm.MeanShiftResult = fm.meanShift(blobs.X, options);
const json: fm.MeanShiftJSON = model.toJSON();
const dense: fm.DenseMatrix = { data: new Float32Array(4), shape: [2, 2] };
const matrix: fm.Matrix = dense;
const bandwidthOptions: fm.EstimateBandwidthOptions = { nSamples: 10 };
const blobOptions: fm.MakeBlobsOptions = { nFeatures: 3 };
const seeds: number[][] = fm.getBinSeeds(matrix, 1);
const error: Error = new fm.NotFittedError('MeanShift');

export = { model, result, json, bandwidthOptions, blobOptions, seeds, error };
