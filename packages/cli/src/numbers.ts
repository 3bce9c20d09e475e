// Decimal numbers straight from bytes, without making a string per cell: the text formats'
// fast path. The grammar is `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
// (what `numpy.savetxt`, spreadsheets and JSON write), surrounding spaces allowed.
//
// Values are exact: up to 15 significant digits and a power of ten within 10^±22, the value is
// one correctly rounded multiplication or division of two exactly representable doubles
// (Clinger's fast path); anything longer (e.g. `%.17g`) goes to `Number()` on the cell's text.

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // 10^0 … 10^22, all exact doubles

/** A cell that is not a number (or is empty): {@link parseNumber} returns NaN and the caller reports it. */
export const INVALID = Number.NaN;

/**
 * The number in `bytes[start, end)` (spaces and tabs around it ignored), or NaN when the text is
 * empty, not a number in the grammar above, or overflows to ±Infinity.
 */
export function parseNumber(bytes: Uint8Array, start: number, end: number): number {
  while (start < end && (bytes[start] === 32 || bytes[start] === 9)) start++;
  while (end > start && (bytes[end - 1] === 32 || bytes[end - 1] === 9 || bytes[end - 1] === 13)) end--;
  let i = start;
  if (i === end) return INVALID;
  let negative = false;
  let c = bytes[i]!;
  if (c === 45 || c === 43) {
    negative = c === 45;
    if (++i === end) return INVALID;
    c = bytes[i]!;
  }
  const body = i;
  let mantissa = 0;
  let significant = 0; // significant digits seen (leading zeros excluded)
  let exponent = 0;
  let digits = 0;
  while (i < end && (c = bytes[i]!) >= 48 && c <= 57) {
    if (mantissa !== 0 || c !== 48) {
      mantissa = mantissa * 10 + (c - 48);
      significant++;
    }
    digits++;
    i++;
  }
  if (i < end && bytes[i] === 46) {
    i++;
    while (i < end && (c = bytes[i]!) >= 48 && c <= 57) {
      if (mantissa !== 0 || c !== 48) {
        mantissa = mantissa * 10 + (c - 48);
        significant++;
      }
      exponent--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return INVALID;
  if (i < end && (bytes[i] === 101 || bytes[i] === 69)) {
    i++;
    let expNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) expNegative = bytes[i++] === 45;
    if (i === end) return INVALID;
    let e = 0;
    while (i < end && (c = bytes[i]!) >= 48 && c <= 57) {
      if (e < 100_000) e = e * 10 + (c - 48);
      i++;
    }
    if (i < end) return INVALID;
    exponent += expNegative ? -e : e;
  }
  if (i !== end) return INVALID;
  let value: number;
  if (significant <= 15 && exponent >= -22 && exponent <= 22) {
    value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!;
  } else {
    value = slowNumber(bytes, body, end);
  }
  if (value === Infinity) return INVALID;
  return negative ? -value : value;
}

// The slow path reads the number from a string: the chunk is decoded once (a cheap
// one-byte-per-character string) and cells are sliced from it, instead of a Buffer and a
// string per cell.
let cachedBytes: Uint8Array | null = null;
let cachedText = '';

function slowNumber(bytes: Uint8Array, start: number, end: number): number {
  if (bytes !== cachedBytes) {
    cachedText = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    cachedBytes = bytes;
  }
  return Number(cachedText.slice(start, end));
}

/** The bytes as text (the cells are ASCII when they are numbers). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

/** A cell's text for messages: UTF-8, trimmed, at most 40 characters. */
export function cellText(bytes: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8').trim();
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
