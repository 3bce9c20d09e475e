/** A feature matrix read from a file: row-major values, its shape and, for CSV with a header, column names. */
export interface Dataset {
  data: Float64Array | Float32Array;
  nRows: number;
  nCols: number;
  /** The header's names (CSV/TSV), or null. */
  columns: string[] | null;
}

/** The name of column `j` (0-based): the header's, else `feature j`. */
export function columnName(dataset: Pick<Dataset, 'columns'>, j: number): string {
  const name = dataset.columns?.[j];
  return name !== undefined && name !== '' ? name : `feature ${j}`;
}
