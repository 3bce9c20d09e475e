// @ts-check
// Benchmark data: float64 row-major `.bin` files in bench/.cache/, read by every implementation
// (Node children map them into a Float64Array, the scikit-learn runner uses np.fromfile).
//
//   node bench/data.mjs blobs <nSamples> <out.bin> [makeBlobs options JSON]
//     generates blobs with the library's makeBlobs (bit-identical to scikit-learn's make_blobs);
//     without options, W1/W2's: centres (5,5), (3,3), (1,1), std 0.3, random_state 0.
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** The blobs of W1, W2, W5 and the scaling series. */
export const BLOBS = {
  centers: [
    [5, 5],
    [3, 3],
    [1, 1],
  ],
  clusterStd: 0.3,
  randomState: 0,
};

/** Reads a float64 row-major file as a Float64Array (no copy when the buffer is aligned). */
export function readMatrix(path, nRows, nCols) {
  const buf = readFileSync(path);
  if (buf.byteLength !== nRows * nCols * 8) {
    throw new Error(`${path}: ${buf.byteLength} bytes, expected ${nRows} × ${nCols} float64`);
  }
  if (buf.byteOffset % 8 === 0) return new Float64Array(buf.buffer, buf.byteOffset, nRows * nCols);
  return new Float64Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Writes `data` atomically (a half-written cache file is never picked up). */
export function writeMatrix(path, data) {
  writeFileSync(`${path}.tmp`, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  renameSync(`${path}.tmp`, path);
}

/** `options.float32`: the values rounded to float32 (`make_blobs(...)[0].astype(np.float32)`), still stored as float64. */
async function generateBlobs(nSamples, out, options = BLOBS) {
  const { makeBlobs } = await import('../dist/index.js');
  const { float32, ...blobs } = /** @type {{ float32?: boolean }} */ (options);
  const { X } = makeBlobs({ nSamples, ...blobs });
  const d = X[0]?.length ?? 0;
  const data = new Float64Array(nSamples * d);
  for (let i = 0; i < nSamples; i++) {
    const row = /** @type {number[]} */ (X[i]);
    data.set(float32 ? row.map(Math.fround) : row, i * d);
  }
  writeMatrix(out, data);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [what, n, out, options] = process.argv.slice(2);
  if (what !== 'blobs' || !n || !out) {
    console.error('usage: node bench/data.mjs blobs <nSamples> <out.bin> [makeBlobs options JSON]');
    process.exit(2);
  }
  await generateBlobs(Number(n), out, options ? JSON.parse(options) : BLOBS);
}
