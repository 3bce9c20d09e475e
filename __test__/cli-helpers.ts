// Helpers for the CLI tests: run the built command (the fast-meanshift-cli package's bin), write .npy files, read SVG and PNG output.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The fast-meanshift-cli package (packages/cli/), whose bin is dist/cli.js. */
export const CLI_PACKAGE = fileURLToPath(new URL('../packages/cli/', import.meta.url));
export const CLI = fileURLToPath(new URL('../packages/cli/dist/cli.js', import.meta.url));

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error('packages/cli/dist/cli.js is missing: run `npm run build:ts` (npm test builds it first).');
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node packages/cli/dist/cli.js ...args` (stdout/stderr are pipes, so never a TTY). */
export function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): RunResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, FAST_MEANSHIFT_DEBUG: '', ...env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A NumPy .npy file as np.save writes it (header padded to 64 bytes) unless `headerPad` says otherwise. */
export function npyBytes(
  descr: string,
  shape: number[],
  data: Uint8Array,
  options: { fortran?: boolean; version?: 1 | 2 | 3; align?: number } = {},
): Uint8Array {
  const version = options.version ?? 1;
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${options.fortran ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const prefix = version === 1 ? 10 : 12;
  const align = options.align ?? 64;
  const total = Math.ceil((prefix + header.length + 1) / align) * align;
  header = header.padEnd(total - prefix - 1, ' ') + '\n';
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.set(data, prefix + header.length);
  return out;
}

/** The bytes of a float64 matrix, little- or big-endian. */
export function float64Bytes(values: number[], littleEndian = true): Uint8Array {
  const bytes = new Uint8Array(values.length * 8);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => view.setFloat64(i * 8, v, littleEndian));
  return bytes;
}

interface Node {
  [key: string]: unknown;
}

export interface ParsedSvg {
  width: number;
  height: number;
  title: string;
  xLabel: string;
  yLabel: string;
  /** The point groups: label, fill colour and the number of marks. */
  clusters: { label: number; fill: string; marks: number; count: number }[];
  centers: number;
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parses the plot with a real XML parser (fails on malformed XML) and extracts what the tests check. */
export function parseSvg(text: string): ParsedSvg {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    parseAttributeValue: false,
    isArray: (name) => ['g', 'circle', 'text', 'line', 'rect'].includes(name),
  });
  const doc = parser.parse(text, true) as { svg: Node };
  const svg = doc.svg;
  const groups = asArray(svg.g as Node[]);
  const texts = asArray(svg.text as Node[]);
  const textOf = (cls: string): string => String(texts.find((t) => t.class === cls)?.['#text'] ?? '');
  const points = groups.find((g) => g.class === 'points');
  const clusters = asArray(points?.g as Node[]).map((g) => ({
    label: Number(g['data-cluster']),
    fill: String(g.fill),
    marks: asArray(g.circle as Node[]).length,
    count: Number(g['data-count']),
  }));
  const centers = asArray(groups.find((g) => g.class === 'centers')?.circle as Node[]).length;
  return {
    width: Number(svg.width),
    height: Number(svg.height),
    title: textOf('title'),
    xLabel: textOf('x-label'),
    yLabel: textOf('y-label'),
    clusters,
    centers,
  };
}

/** Checks the PNG signature and reads the size from the IHDR chunk. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!signature.every((b, i) => bytes[i] === b)) throw new Error('not a PNG (bad signature)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR') throw new Error('not a PNG (no IHDR first)');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
