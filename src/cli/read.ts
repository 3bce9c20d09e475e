import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parseCsv } from './csv.js';
import type { Dataset } from './dataset.js';
import { CliError, describeFsError } from './errors.js';
import { parseJson } from './json.js';
import { parseNpy } from './npy.js';

export const INPUT_FORMATS = '.csv, .tsv, .txt, .json or .npy';

/** Reads INPUT by its extension: CSV/TSV/TXT, JSON or NumPy .npy. */
export function readDataset(file: string): Dataset {
  const ext = extname(file).toLowerCase();
  if (!['.csv', '.tsv', '.tab', '.txt', '.json', '.npy'].includes(ext)) {
    throw new CliError(`${file}: unknown input type '${ext || '(no extension)'}'; use ${INPUT_FORMATS}`);
  }
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) throw Object.assign(new Error('is a folder'), { code: 'EISDIR' });
    bytes = readFileSync(file);
  } catch (error) {
    throw describeFsError(error, 'read', file);
  }
  const dataset =
    ext === '.npy' ? parseNpy(bytes, file) : ext === '.json' ? parseJson(bytes.toString('utf8'), file) : parseCsv(bytes.toString('utf8'), file);
  checkFinite(dataset, file, ext);
  return dataset;
}

/** NaN/±inf can come from .npy and JSON can't hold them, CSV rejects them per cell; name the place. */
function checkFinite(d: Dataset, file: string, ext: string): void {
  for (let k = 0; k < d.data.length; k++) {
    if (!Number.isFinite(d.data[k]!)) {
      const where = `row ${Math.floor(k / d.nCols)}, column ${k % d.nCols}`;
      throw new CliError(`${file}: ${where} is ${d.data[k]}; mean shift needs finite values${ext === '.npy' ? ' (drop or impute NaN first)' : ''}`);
    }
  }
}
