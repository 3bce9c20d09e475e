// A reader for NumPy's .npy format (numpy.lib.format, versions 1.0, 2.0 and 3.0):
//   "\x93NUMPY", major, minor, header length (uint16 LE for 1.x, uint32 LE for 2.x/3.x),
//   a Python dict literal {'descr': '<f8', 'fortran_order': False, 'shape': (n, d), }
//   padded with spaces and a newline, then the raw values.
// Only what a feature matrix can be is accepted: numbers (float16/32/64, signed and
// unsigned integers, bool) in C order, 1-D (one feature) or 2-D.
import { CliError } from './errors.js';
import type { RowDataset } from './dataset.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
  dataOffset: number;
}

/** A NumPy dtype string we can read: byte order, kind, item size. */
interface Dtype {
  littleEndian: boolean;
  kind: 'f' | 'i' | 'u' | 'b';
  size: number;
}

const SUPPORTED = 'float16/32/64, int8/16/32/64, uint8/16/32/64 or bool';

function parseHeader(bytes: Uint8Array, file: string): NpyHeader {
  const bad = (what: string): never => {
    throw new CliError(`${file}: not a valid .npy file (${what})`);
  };
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) {
    bad('it does not start with \\x93NUMPY; save it with numpy.save');
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) bad('truncated header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new CliError(`${file}: .npy format version ${major}.${bytes[7]} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  if (headerStart + headerLength > bytes.length) bad('truncated header');
  // Version 3.0 allows UTF-8 in the header (field names of structured dtypes); 1.0/2.0 are latin-1.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLength),
  );

  const descrMatch = /['"]descr['"]\s*:\s*(['"])(.*?)\1/.exec(text);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!fortranMatch || !shapeMatch) bad(`unreadable header ${text.trim()}`);
  // A structured dtype's descr is a list, not a string.
  if (!descrMatch) {
    const list = /['"]descr['"]\s*:\s*(\[.*?\])\s*,\s*['"]/.exec(text);
    throw new CliError(
      `${file}: unsupported .npy dtype ${list ? list[1] : '(not a plain type)'}: a structured array cannot be clustered; ` +
        `save a plain numeric matrix (e.g. numpy.column_stack of the fields)`,
    );
  }
  const shape = shapeMatch![1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, '')); // Python 2 longs: (10L, 2L)
      if (!Number.isSafeInteger(n) || n < 0) bad(`bad shape (${shapeMatch![1]})`);
      return n;
    });
  return {
    descr: descrMatch[2]!,
    fortranOrder: fortranMatch![1] === 'True',
    shape,
    dataOffset: headerStart + headerLength,
  };
}

function parseDtype(descr: string, file: string): Dtype {
  const m = /^([<>|=]?)([fiub])(\d+)$/.exec(descr);
  const size = m ? Number(m[3]) : 0;
  const kind = m?.[2] as Dtype['kind'] | undefined;
  const ok =
    m &&
    ((kind === 'f' && (size === 2 || size === 4 || size === 8)) ||
      ((kind === 'i' || kind === 'u') && (size === 1 || size === 2 || size === 4 || size === 8)) ||
      (kind === 'b' && size === 1));
  if (!ok) {
    throw new CliError(
      `${file}: unsupported .npy dtype '${descr}'${dtypeHint(descr)}; supported: ${SUPPORTED} ` +
        `(convert with X.astype(numpy.float64))`,
    );
  }
  // '=' is native order, which NumPy never writes in a file; '|' means "not applicable" (1 byte).
  return { littleEndian: m![1] !== '>', kind: kind!, size };
}

function dtypeHint(descr: string): string {
  const kind = descr.replace(/^[<>|=]/, '')[0];
  switch (kind) {
    case 'c':
      return ' (complex numbers)';
    case 'O':
      return ' (Python objects)';
    case 'U':
    case 'S':
      return ' (strings)';
    case 'M':
    case 'm':
      return ' (dates/times)';
    case 'f':
      return ' (extended precision float)';
    default:
      return '';
  }
}

/** float16 bits → number. */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/**
 * Reads a .npy file's bytes into a row-major matrix: float32 stays `Float32Array`
 * (the library reads it exactly), everything else becomes `Float64Array`.
 */
export function parseNpy(bytes: Uint8Array, file: string): RowDataset {
  const header = parseHeader(bytes, file);
  const dtype = parseDtype(header.descr, file);
  if (header.fortranOrder) {
    throw new CliError(
      `${file}: Fortran-order (column-major) .npy files are not supported; ` +
        `save a C-order copy with numpy.save(path, numpy.ascontiguousarray(X))`,
    );
  }
  const { shape } = header;
  let nRows: number;
  let nCols: number;
  if (shape.length === 2) [nRows, nCols] = shape as [number, number];
  else if (shape.length === 1) [nRows, nCols] = [shape[0]!, 1];
  else {
    throw new CliError(
      `${file}: expected a 1-D or 2-D array (samples × features), got shape (${shape.join(', ')}${shape.length === 1 ? ',' : ''})`,
    );
  }
  const count = nRows * nCols;
  const needed = count * dtype.size;
  const available = bytes.length - header.dataOffset;
  if (available < needed) {
    throw new CliError(
      `${file}: truncated .npy file: shape (${shape.join(', ')}) of '${header.descr}' needs ${needed} bytes of data, found ${available}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset + header.dataOffset, needed);
  const le = dtype.littleEndian;
  const { kind, size } = dtype;
  const out = kind === 'f' && size === 4 ? new Float32Array(count) : new Float64Array(count);
  // DataView reads any alignment and byte order; a typed-array view would need both to match.
  for (let i = 0; i < count; i++) {
    const at = i * size;
    let v: number;
    if (kind === 'f') v = size === 8 ? view.getFloat64(at, le) : size === 4 ? view.getFloat32(at, le) : halfToNumber(view.getUint16(at, le));
    else if (kind === 'i') {
      v = size === 1 ? view.getInt8(at) : size === 2 ? view.getInt16(at, le) : size === 4 ? view.getInt32(at, le) : Number(view.getBigInt64(at, le));
    } else if (kind === 'u') {
      v = size === 1 ? view.getUint8(at) : size === 2 ? view.getUint16(at, le) : size === 4 ? view.getUint32(at, le) : Number(view.getBigUint64(at, le));
    } else v = view.getUint8(at) ? 1 : 0;
    out[i] = v;
  }
  return { data: out, columnar: null, nRows, nCols, columns: null };
}
