// Matrices and climbs as bytes, for a job queue or a socket: a 24-byte header, then the typed
// arrays' bytes as they are in memory (little-endian, as on every platform the addon is built
// for). No JSON, no copies on the way out beyond the one into the buffer.
//
// Header (little-endian):
//   0  4 bytes  magic 'FMSB' (fast-meanshift buffer)
//   4  u8       format version (2; version 1 buffers, whose intensities are u32 counts, are read too)
//   5  u8       kind: 1 matrix of float64, 2 matrix of float32, 3 climbs
//   6  u16      0
//   8  u32      rows (seeds for climbs)
//  12  u32      columns (features)
//  16  u32      climbs: firstSeed; else 0
//  20  u32      0
//  24  matrix: rows × columns values (8 or 4 bytes each);
//      climbs: positions (rows × columns float64), intensities (rows float64: weights and kernels make
//      them fractional; u32 in version 1), nIter (rows u32).
import { endianness } from 'node:os';
import { describe, withFields } from './errors.js';
import { type DenseMatrix, type Matrix, toFlat } from './matrix.js';
import type { Climbs } from './shards.js';

const MAGIC = 0x42534d46; // 'FMSB' read as a little-endian u32
const VERSION = 2;
/** Versions this one reads: 1 differs only in u32 intensities. */
const READABLE = [1, 2];
const HEADER = 24;
const KIND = { float64: 1, float32: 2, climbs: 3 } as const;
const U32_MAX = 2 ** 32 - 1;

/** A TypeError or RangeError with code `'ERR_INVALID_BUFFER'` and `parameter: 'buffer'`. */
function invalid(message: string, Class: typeof TypeError | typeof RangeError = RangeError) {
  return withFields(new Class(message), { code: 'ERR_INVALID_BUFFER', parameter: 'buffer' });
}

function requireLittleEndian(): void {
  if (endianness() !== 'LE') throw invalid('fast-meanshift buffers are little-endian; this machine is big-endian.', TypeError);
}

function header(kind: number, rows: number, cols: number, firstSeed: number, payload: number): Buffer {
  // Matrices are the same in both versions: written as version 1, so that older readers read them.
  if (rows > U32_MAX || cols > U32_MAX) throw invalid(`a matrix of ${rows} × ${cols} does not fit the buffer format (at most 2^32 - 1 each).`);
  const buffer = Buffer.allocUnsafe(HEADER + payload);
  buffer.writeUInt32LE(MAGIC, 0);
  buffer.writeUInt8(kind === KIND.climbs ? VERSION : 1, 4);
  buffer.writeUInt8(kind, 5);
  buffer.writeUInt16LE(0, 6);
  buffer.writeUInt32LE(rows, 8);
  buffer.writeUInt32LE(cols, 12);
  buffer.writeUInt32LE(firstSeed, 16);
  buffer.writeUInt32LE(0, 20);
  return buffer;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** Any {@link Matrix} as bytes (float32 data stays float32). */
export function matrixToBuffer(X: Matrix): Buffer {
  requireLittleEndian();
  const x = toFlat(X);
  const kind = x.data instanceof Float32Array ? KIND.float32 : KIND.float64;
  const buffer = header(kind, x.nRows, x.nCols, 0, x.data.byteLength);
  buffer.set(bytesOf(x.data), HEADER);
  return buffer;
}

/** The climbs of a run of seeds as bytes. */
export function climbsToBuffer(climbs: Climbs): Buffer {
  requireLittleEndian();
  const { positions, intensities, nIter, nFeatures, firstSeed } = climbs;
  const n = intensities.length;
  // The climbs, not a buffer, are the bad input here: the fields mergeModes would report for them.
  if (positions.length !== n * nFeatures || nIter.length !== n) {
    const message = `climbs with ${n} intensities need ${n * nFeatures} positions and ${n} nIter. Got ${positions.length} and ${nIter.length} instead.`;
    throw withFields(new RangeError(message), { code: 'ERR_INVALID_SHAPE', parameter: 'climbs' });
  }
  if (!Number.isInteger(firstSeed) || firstSeed < 0 || firstSeed > U32_MAX) {
    const message = `climbs.firstSeed must be an integer in [0, 2^32 - 1]. Got ${describe(firstSeed)} instead.`;
    throw withFields(new RangeError(message), { code: 'ERR_OUT_OF_RANGE', parameter: 'firstSeed' });
  }
  const buffer = header(KIND.climbs, n, nFeatures, firstSeed, positions.byteLength + 12 * n);
  buffer.set(bytesOf(positions), HEADER);
  buffer.set(bytesOf(intensities), HEADER + positions.byteLength);
  buffer.set(bytesOf(nIter), HEADER + positions.byteLength + 8 * n);
  return buffer;
}

/** The header of `buffer`, checked to be of `kinds` and of the length it announces. */
function read(
  buffer: unknown,
  kinds: readonly number[],
  what: string,
  size: (rows: number, cols: number, kind: number, version: number) => number,
) {
  requireLittleEndian();
  if (!(buffer instanceof Uint8Array)) throw invalid(`${what}: expected a Buffer or Uint8Array. Got ${describe(buffer)} instead.`, TypeError);
  const bytes = Buffer.from(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  if (bytes.length < HEADER || bytes.readUInt32LE(0) !== MAGIC) {
    throw invalid(`${what}: not a fast-meanshift buffer (no 'FMSB' header; ${bytes.length} bytes).`);
  }
  const version = bytes.readUInt8(4);
  if (!READABLE.includes(version)) {
    throw invalid(`${what}: buffer format version ${version} is not supported (this version reads ${READABLE.join(' and ')}).`);
  }
  const kind = bytes.readUInt8(5);
  if (!kinds.includes(kind)) {
    const names: Record<number, string> = { 1: 'a float64 matrix', 2: 'a float32 matrix', 3: 'climbs' };
    throw invalid(`${what}: the buffer holds ${names[kind] ?? `kind ${kind}`}.`);
  }
  const rows = bytes.readUInt32LE(8);
  const cols = bytes.readUInt32LE(12);
  const expected = HEADER + size(rows, cols, kind, version);
  if (bytes.length !== expected) {
    throw invalid(`${what}: a buffer of ${rows} × ${cols} needs ${expected} bytes. Got ${bytes.length} instead (truncated or padded).`);
  }
  return { bytes, kind, rows, cols, version, firstSeed: bytes.readUInt32LE(16) };
}

/** A copy of `length` values at `offset` of `bytes` (copied: a Buffer's offset may not be aligned). */
function copy<T extends Float64Array | Float32Array | Uint32Array>(
  Type: { new (buffer: ArrayBuffer): T; BYTES_PER_ELEMENT: number },
  bytes: Buffer,
  offset: number,
  length: number,
): T {
  const start = bytes.byteOffset + offset;
  return new Type(bytes.buffer.slice(start, start + length * Type.BYTES_PER_ELEMENT) as ArrayBuffer);
}

/** The matrix of a {@link matrixToBuffer} buffer, as `{ data, shape }`. */
export function matrixFromBuffer(buffer: Uint8Array): DenseMatrix {
  const { bytes, kind, rows, cols } = read(buffer, [KIND.float64, KIND.float32], 'matrixFromBuffer', (r, c, k) =>
    r * c * (k === KIND.float32 ? 4 : 8),
  );
  const data = kind === KIND.float32 ? copy(Float32Array, bytes, HEADER, rows * cols) : copy(Float64Array, bytes, HEADER, rows * cols);
  return { data, shape: [rows, cols] };
}

/** The climbs of a {@link climbsToBuffer} buffer. */
export function climbsFromBuffer(buffer: Uint8Array): Climbs {
  const intensityBytes = (version: number) => (version === 1 ? 4 : 8);
  const { bytes, rows, cols, firstSeed, version } = read(
    buffer,
    [KIND.climbs],
    'climbsFromBuffer',
    (r, c, _kind, v) => r * c * 8 + r * (intensityBytes(v) + 4),
  );
  const positions = copy(Float64Array, bytes, HEADER, rows * cols);
  const at = HEADER + positions.byteLength;
  const intensities = version === 1 ? Float64Array.from(copy(Uint32Array, bytes, at, rows)) : copy(Float64Array, bytes, at, rows);
  const nIter = copy(Uint32Array, bytes, at + intensityBytes(version) * rows, rows);
  return { positions, intensities, nIter, nFeatures: cols, firstSeed };
}
