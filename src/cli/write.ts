import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { CliError, describeFsError } from './errors.js';

/** Checks an output path's extension against what the option can write, before any work is done. */
export function checkOutput(option: string, file: string, allowed: readonly string[]): string {
  const ext = extname(file).toLowerCase();
  if (!allowed.includes(ext)) {
    throw new CliError(`${option} ${file}: unsupported file type '${ext || '(no extension)'}'; use ${allowed.join(' or ')}`);
  }
  return ext;
}

export function writeOutput(file: string, content: string | Uint8Array): void {
  try {
    writeFileSync(file, content);
  } catch (error) {
    throw describeFsError(error, 'write', file);
  }
}

/** A CSV field: quoted when it holds a delimiter, quote or newline. */
function field(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Labels as CSV (a `label` header, one per line, input order) or a JSON array. */
export function formatLabels(labels: Int32Array, ext: string): string {
  if (ext === '.json') return `${JSON.stringify(Array.from(labels))}\n`;
  const lines = new Array<string>(labels.length + 1);
  lines[0] = 'label';
  for (let i = 0; i < labels.length; i++) lines[i + 1] = String(labels[i]);
  return `${lines.join('\n')}\n`;
}

/**
 * Centres as CSV (one per line, header = the input's column names or `x0,x1,…`)
 * or JSON (an array of rows). Numbers are written in full (shortest round trip).
 */
export function formatCenters(centers: number[][], columns: readonly string[], ext: string): string {
  if (ext === '.json') return `${JSON.stringify(centers)}\n`;
  const lines = [columns.map(field).join(','), ...centers.map((row) => row.map(String).join(','))];
  return `${lines.join('\n')}\n`;
}
