#!/usr/bin/env node
// The `fast-meanshift` command: `demo` (the scikit-learn tutorial) and `cluster INPUT`.
// The bin of the fast-meanshift-cli package, built by tsup to packages/cli/dist/cli.js. It imports
// the library as the package `fast-meanshift` (its dependency), which never loads the command.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Command, Option } from 'commander';
import { MeanShift, estimateBandwidth, makeBlobs } from 'fast-meanshift';
import type { ErrorFields } from 'fast-meanshift';
import { oneByte } from './csv.js';
import { columnName, columnOf, matrixOf, withoutColumn, type Dataset } from './dataset.js';
import { CliError } from './errors.js';
import { estimateWithStatus, fitWithProgress } from './fit.js';
import * as parse from './options.js';
import { scatterSvg, svgToPng } from './plot.js';
import { FORMATS, INPUT_FORMATS, readDataset, readRecords, type Format, type Input, type ReadOptions } from './read.js';
import { standardize, unscale } from './scale.js';
import { RowWriter, checkOutput, formatCenters, formatLabels, writeOutput } from './write.js';

const PLOT_TYPES = ['.svg', '.png'] as const;
const TABLE_TYPES = ['.csv', '.json'] as const;
const ROW_TYPES = ['.csv', '.tsv', '.jsonl'] as const;

let quiet = false;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Progress bar only for a person watching: stderr is a terminal and not --quiet. */
const showProgress = (): boolean => !quiet && process.stderr.isTTY === true;

const seconds = (ms: number): string => (ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(2)} s`);

function nClustersOf(labels: Int32Array): number {
  const set = new Set(labels);
  set.delete(-1);
  return set.size;
}

interface PlotRequest {
  file: string;
  dataset: { data: ArrayLike<number>; nCols: number };
  dims: [number, number];
  labels: Int32Array;
  centers: number[][];
  xLabel: string;
  yLabel: string;
}

function writePlot({ file, dataset, dims, labels, centers, xLabel, yLabel }: PlotRequest): void {
  const svg = scatterSvg({
    data: dataset.data,
    nCols: dataset.nCols,
    dims,
    labels,
    centers,
    title: `Estimated number of clusters = ${centers.length}`,
    xLabel,
    yLabel,
  });
  writeOutput(file, file.toLowerCase().endsWith('.png') ? svgToPng(svg) : svg);
}

interface DemoOptions {
  plot?: string;
  samples: number;
  jobs?: number;
  quiet?: boolean;
}

async function demo(options: DemoOptions): Promise<void> {
  quiet = options.quiet === true;
  if (options.plot) checkOutput('--plot', options.plot, PLOT_TYPES);
  // The scikit-learn tutorial (plot_mean_shift.py), step by step.
  const centers = [
    [5, 5],
    [3, 3],
    [1, 1],
  ];
  const { X } = makeBlobs({ nSamples: options.samples, centers, clusterStd: 0.3, randomState: 0 });
  const data = Float64Array.from(X.flat());
  const matrix = { data, shape: [X.length, 2] as [number, number] };
  const t0 = performance.now();
  const bandwidth = estimateBandwidth(matrix, { quantile: 0.2, nSamples: 500, nJobs: options.jobs ?? null });
  const model = new MeanShift({ bandwidth, nJobs: options.jobs ?? null });
  const t1 = performance.now();
  await fitWithProgress(model, matrix, showProgress());
  const fitMs = performance.now() - t1;
  const labels = model.labels;
  const clusterCenters = model.clusterCenters;

  const out: string[] = [
    `Estimated number of clusters = ${nClustersOf(labels)}`,
    `bandwidth = ${bandwidth} (estimate_bandwidth: quantile 0.2, 500 samples, ${seconds(t1 - t0)})`,
    `fit time = ${seconds(fitMs)} for ${X.length} points (every point a seed)`,
    'cluster centres:',
    ...clusterCenters.map((c) => `  [${c.map((v) => v.toFixed(4)).join(', ')}]`),
    `predict([[0, 0], [5, 5]]) = [${Array.from(model.predict([[0, 0], [5, 5]])).join(', ')}]`,
  ];
  if (options.plot) {
    writePlot({
      file: options.plot,
      dataset: { data, nCols: 2 },
      dims: [0, 1],
      labels,
      centers: clusterCenters,
      xLabel: 'Temperature yesterday',
      yLabel: 'Temperature today',
    });
    out.push(`plot written to ${options.plot}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

interface ClusterOptions {
  bandwidth?: number;
  quantile?: number;
  nSamples?: number;
  binSeeding?: boolean;
  minBinFreq?: number;
  clusterAll: boolean;
  clusterAssignment?: 'nearest-centroid' | 'attractor';
  maxIter?: number;
  jobs?: number;
  labels?: string;
  centers?: string;
  output?: string;
  plot?: string;
  dims?: [number, number];
  quiet?: boolean;
  json?: boolean;
  columns?: string;
  skipRows?: number;
  header?: boolean;
  delimiter?: string;
  comment?: string;
  dropInvalid?: boolean;
  format?: Format;
  standardize?: boolean;
  weights?: string;
  kernel?: 'flat' | 'gaussian' | 'epanechnikov';
  kernelCutoff?: number;
}

/**
 * `--weights COLUMN` (a header name or a 0-based index of the input's columns): the index of
 * that column among the ones read, or an error naming what the input has.
 */
function weightsColumn(dataset: Dataset, spec: string, name: string): number {
  const trimmed = spec.trim();
  const byIndex = /^\d+$/.test(trimmed) ? Number(trimmed) : null;
  const j =
    byIndex === null
      ? (dataset.columns ?? []).indexOf(trimmed)
      : (dataset.chosen ?? Array.from({ length: dataset.nCols }, (_, k) => k)).indexOf(byIndex);
  if (j < 0) {
    const has = dataset.allColumns?.length ? `its columns are ${dataset.allColumns.join(', ')}` : `it has ${dataset.width ?? dataset.nCols} columns, numbered from 0`;
    throw new CliError(`--weights ${spec}: ${name} has no such column (${has})`);
  }
  if (dataset.nCols < 2) throw new CliError(`--weights ${spec}: the weights column is the only column read; the features are the others`);
  return j;
}

/** A number for a one-line summary: 6 significant digits, no trailing zeros. */
const short = (v: number): string => String(Number(v.toPrecision(6)));

/** 0-based indices as a --columns spec: runs of three or more as ranges (`0-3, 7`). */
function indexRanges(indices: number[]): string {
  const parts: string[] = [];
  for (let a = 0; a < indices.length; ) {
    let b = a;
    while (b + 1 < indices.length && indices[b + 1] === indices[b]! + 1) b++;
    parts.push(b - a >= 2 ? `${indices[a]}-${indices[b]}` : indices.slice(a, b + 1).join(', '));
    a = b + 1;
  }
  return parts.join(', ');
}

/** The chosen columns for the printout: their names (or indices), and how many of how many. */
function describeFeatures(d: Dataset): string {
  const chosen = d.chosen ?? Array.from({ length: d.nCols }, (_, j) => j);
  let shown: string;
  if (d.columns) shown = d.columns.length > 12 ? `${d.columns.slice(0, 8).join(', ')}, …, ${d.columns.at(-1)}` : d.columns.join(', ');
  else shown = `columns ${indexRanges(chosen)}`;
  const width = d.width ?? d.nCols;
  return `${shown} (${d.nCols} of ${width} column${width === 1 ? '' : 's'})`;
}

/** The plot needs row-major values of two features: `{ data, nCols: 2 }` for the chosen dims. */
function plotData(d: Dataset, dims: [number, number]): { data: Float64Array; nCols: number } {
  const [a, b] = [columnOf(d, dims[0]), columnOf(d, dims[1])];
  const data = new Float64Array(d.nRows * 2);
  for (let i = 0; i < d.nRows; i++) {
    data[2 * i] = a[i]!;
    data[2 * i + 1] = b[i]!;
  }
  return { data, nCols: 2 };
}

async function cluster(inputPath: string, o: ClusterOptions): Promise<void> {
  quiet = o.quiet === true;
  const note = (message: string): void => {
    if (!quiet) process.stderr.write(`note: ${message}\n`);
  };
  // Everything that can be checked before reading and fitting is checked first.
  if (o.bandwidth !== undefined && (o.quantile !== undefined || o.nSamples !== undefined)) {
    throw new CliError('--bandwidth cannot be combined with --quantile/--n-samples (they only serve to estimate it)');
  }
  if (o.minBinFreq !== undefined && !o.binSeeding) throw new CliError('--min-bin-freq only applies with --bin-seeding');
  if (o.dims && !o.plot) throw new CliError('--dims chooses the plotted features; it needs --plot');
  const labelsExt = o.labels ? checkOutput('--labels', o.labels, TABLE_TYPES) : '';
  const centersExt = o.centers ? checkOutput('--centers', o.centers, TABLE_TYPES) : '';
  const outputExt = o.output ? checkOutput('--output', o.output, ROW_TYPES) : '';
  if (o.plot) checkOutput('--plot', o.plot, PLOT_TYPES);
  if (o.delimiter !== undefined) oneByte('--delimiter', o.delimiter);
  if (o.comment !== undefined && o.comment !== '') oneByte('--comment', o.comment);

  const t0 = performance.now();
  if (o.kernelCutoff !== undefined && o.kernel !== 'gaussian') throw new CliError('--kernel-cutoff only applies with --kernel gaussian');
  const readOptions: ReadOptions = {
    file: inputPath,
    // The weights column is read with the features, then taken out of them.
    columns: o.columns ?? null,
    weights: o.weights ?? null,
    skipRows: o.skipRows ?? 0,
    header: o.header ?? null,
    delimiter: o.delimiter ?? null,
    comment: o.comment ?? null,
    dropInvalid: o.dropInvalid === true,
    format: o.format ?? null,
    keepBytes: o.output !== undefined,
    note,
  };
  const read = await readDataset(inputPath, readOptions);
  const { input } = read;
  const tRead = performance.now();
  const name = input.name;
  let dataset = read.dataset;
  let sampleWeight: Float64Array | Float32Array | null = null;
  if (o.weights !== undefined) {
    const j = weightsColumn(dataset, o.weights, name);
    sampleWeight = columnOf(dataset, j);
    dataset = withoutColumn(dataset, j);
  }
  if (dataset.dropped) {
    note(`${name}: dropped ${dataset.dropped.count} row${dataset.dropped.count === 1 ? '' : 's'} with a missing or non-numeric value (the first: ${dataset.dropped.first}); ${dataset.nRows} kept`);
  }
  const dims = o.dims ?? [0, 1];
  if (o.plot) {
    if (dataset.nCols < 2) throw new CliError(`--plot needs 2 features, but ${name} has 1`);
    const bad = dims.find((d) => d >= dataset.nCols);
    if (bad !== undefined) {
      throw new CliError(`--dims ${dims.join(',')}: ${name} has ${dataset.nCols} features, numbered 0 to ${dataset.nCols - 1}`);
    }
  }
  const scaled = o.standardize ? standardize(dataset) : null;
  const matrix = matrixOf(scaled ? scaled.dataset : dataset);
  const nJobs = o.jobs ?? null;

  const t1 = performance.now();
  let bandwidth = o.bandwidth;
  let how = 'given';
  if (bandwidth === undefined) {
    const quantile = o.quantile ?? 0.3;
    const nSamples = o.nSamples ?? null;
    if (nSamples === null && dataset.nRows > 20_000 && !quiet) {
      process.stderr.write(
        `note: estimating the bandwidth on all ${dataset.nRows} rows takes time quadratic in N; --n-samples 1000 or --bandwidth B is much faster\n`,
      );
    }
    const status = showProgress() ? `estimating the bandwidth (quantile ${quantile}${nSamples === null ? '' : `, ${nSamples} samples`})` : null;
    bandwidth = await estimateWithStatus(matrix, { quantile, nSamples, nJobs, sampleWeight }, status);
    const used = nSamples === null ? dataset.nRows : Math.min(nSamples, dataset.nRows);
    how = `estimated: quantile ${quantile} on ${used === dataset.nRows ? 'all' : used} of ${dataset.nRows} samples`;
    if (!(bandwidth > 0)) {
      throw new CliError(
        `the estimated bandwidth is ${bandwidth} (too many identical points for quantile ${quantile}); pass --bandwidth, or a larger --quantile`,
      );
    }
  }
  const model = new MeanShift({
    bandwidth,
    binSeeding: o.binSeeding === true,
    minBinFreq: o.minBinFreq ?? 1,
    clusterAll: o.clusterAll,
    maxIter: o.maxIter ?? 300,
    nJobs,
    clusterAssignment: o.clusterAssignment === 'attractor' ? 'attractor' : 'nearestCentroid',
    kernel: o.kernel ?? 'flat',
    kernelCutoff: o.kernelCutoff ?? 3,
  });
  const t2 = performance.now();
  await fitWithProgress(model, matrix, showProgress(), sampleWeight);
  const t3 = performance.now();
  const labels = model.labels;
  // Centres in the input's units (the fit saw standardized features when --standardize).
  const centers = scaled ? unscale(model.clusterCenters, scaled.scaling) : model.clusterCenters;
  const columns = Array.from({ length: dataset.nCols }, (_, j) => dataset.columns?.[j] || `x${j}`);
  const sizes = new Array<number>(centers.length).fill(0);
  let orphans = 0;
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i]!;
    if (l < 0) orphans++;
    else sizes[l]!++;
  }

  const written: Record<string, string> = {};
  if (o.labels) {
    writeOutput(o.labels, formatLabels(labels, labelsExt, dataset.origins ?? null));
    written.labels = o.labels;
  }
  if (o.centers) {
    writeOutput(o.centers, formatCenters(centers, columns, centersExt));
    written.centers = o.centers;
  }
  if (o.output) {
    await writeRows(o.output, outputExt, input, readOptions, dataset, labels);
    written.output = o.output;
  }
  if (o.plot) {
    const { data, nCols } = plotData(dataset, dims);
    writePlot({
      file: o.plot,
      dataset: { data, nCols },
      dims: [0, 1],
      labels,
      centers: centers.map((c) => [c[dims[0]]!, c[dims[1]]!]),
      xLabel: columnName(dataset, dims[0]),
      yLabel: columnName(dataset, dims[1]),
    });
    written.plot = o.plot;
  }
  const tEnd = performance.now();

  if (o.json) {
    const summary = {
      input: name,
      format: input.format + (input.gzip ? '.gz' : ''),
      rows: dataset.nRows,
      droppedRows: dataset.dropped?.count ?? 0,
      features: Array.from({ length: dataset.nCols }, (_, j) => columnName(dataset, j)),
      columns: dataset.chosen ?? columns.map((_, j) => j),
      standardized: scaled !== null,
      ...(scaled ? { scaling: { mean: Array.from(scaled.scaling.mean), scale: Array.from(scaled.scaling.scale) } } : {}),
      bandwidth,
      bandwidthEstimated: o.bandwidth === undefined,
      ...(o.bandwidth === undefined ? { quantile: o.quantile ?? 0.3, nSamples: o.nSamples ?? null } : {}),
      binSeeding: o.binSeeding === true,
      nClusters: centers.length,
      clusters: centers.map((center, label) => ({ label, size: sizes[label], center })),
      orphans,
      nIter: model.nIter,
      timeMs: { read: tRead - t0, bandwidth: t2 - t1, fit: t3 - t2, total: tEnd - t0 },
      written,
    };
    process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    return;
  }
  const out = [
    `Estimated number of clusters = ${centers.length}`,
    `bandwidth = ${bandwidth} (${how})${scaled ? ', on standardized features' : ''}`,
    `features = ${describeFeatures(dataset)}${scaled ? ', standardized (z-scores; centres below in the input’s units)' : ''}`,
    `time = ${seconds(t3 - t0)} for ${dataset.nRows} points × ${dataset.nCols} features (read ${seconds(tRead - t0)}${
      o.bandwidth === undefined ? `, bandwidth ${seconds(t2 - t1)}` : ''
    }, fit ${seconds(t3 - t2)})`,
  ];
  const SHOWN = 20;
  centers.slice(0, SHOWN).forEach((c, label) => {
    out.push(`cluster ${label}: ${sizes[label]} point${sizes[label] === 1 ? '' : 's'}, centre (${c.map(short).join(', ')})`);
  });
  if (centers.length > SHOWN) out.push(`… and ${centers.length - SHOWN} more clusters${o.centers ? '' : ' (--centers FILE writes them all)'}`);
  if (orphans > 0) out.push(`orphans (label -1) = ${orphans}`);
  if (written.labels) out.push(`labels written to ${written.labels}`);
  if (written.centers) out.push(`centres written to ${written.centers}`);
  if (written.output) out.push(`rows with their labels written to ${written.output}`);
  if (written.plot) out.push(`plot written to ${written.plot}`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** `--output`: a second pass over the input, writing each kept row as read plus its label. */
async function writeRows(file: string, ext: string, input: Input, o: ReadOptions, d: Dataset, labels: Int32Array): Promise<void> {
  const writer = new RowWriter(file, ext);
  const origins = d.origins?.values ?? null;
  let next = 0; // the index of the next label to write
  try {
    await readRecords(
      input,
      o,
      (names) => writer.header(names),
      (values, origin, raw) => {
        if (next >= labels.length) return;
        if (origins && origins[next] !== origin) return; // a row dropped by --drop-invalid
        writer.row(values, labels[next]!, raw ?? null);
        next++;
      },
    );
  } finally {
    writer.close();
  }
  if (next !== labels.length) {
    throw new CliError(`--output ${file}: read ${next} rows of ${input.name} the second time, but ${labels.length} were clustered (did the input change?)`);
  }
}

function program(): Command {
  const cli = new Command('fast-meanshift')
    .description("Mean shift clustering with scikit-learn's answers, from the terminal.")
    .version(version(), '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .helpCommand(false)
    .showSuggestionAfterError(true)
    // commander's messages on one line: "error: unknown option '--bandwith' (Did you mean --bandwidth?)".
    .configureOutput({ outputError: (text, write) => write(`${text.trim().replace(/\n+/g, ' ')}\n`) });

  cli
    .command('demo')
    .description(
      "The scikit-learn tutorial: 3 blobs (make_blobs, random_state 0), bandwidth (quantile 0.2, 500 samples), fit, predict.",
    )
    .option('--plot <FILE>', 'write the scatter plot, .svg or .png')
    .option('--samples <N>', 'number of points', parse.positiveInt, 10_000)
    .option('--jobs <J>', 'threads: k, or -1 for all cores (default: all)', parse.jobs)
    .option('--quiet', 'no progress bar')
    .action(demo);

  cli
    .command('cluster')
    .description('Cluster the rows of INPUT and print the number of clusters, the bandwidth, the time and each cluster.')
    .argument('<INPUT>', `the data, one row per sample: ${INPUT_FORMATS}`)
    .option('--columns <SPEC>', 'the feature columns: header names or 0-based indices, ranges and lists (0-3, x,y,2; default: all)')
    .option('--skip-rows <N>', 'skip N lines (rows for JSON, .npy, Parquet, Arrow) before the header or data', parse.nonNegativeInt)
    .option('--header', 'the first line is a header (default: detected)')
    .option('--no-header', 'the first line is data')
    .option('--delimiter <C>', 'CSV/TSV delimiter, one character (\\t or tab for a tab; default: detected)')
    .option('--comment <C>', "skip lines starting with C (default '#'; '' for none)")
    .option('--drop-invalid', 'skip rows with a missing or non-numeric value in a chosen column (default: an error)')
    .addOption(new Option('--format <F>', 'the input format, when the extension (or standard input) does not say').choices(FORMATS))
    .option('--standardize', "z-score each feature (scikit-learn's StandardScaler) before the bandwidth and the fit")
    .option('--bandwidth <B>', 'kernel bandwidth (default: estimated, as --quantile/--n-samples say)', parse.positiveNumber)
    .option('--quantile <Q>', 'estimate the bandwidth with this quantile (default 0.3)', parse.quantile)
    .option('--n-samples <N>', 'estimate the bandwidth on this many rows (default: all, quadratic)', parse.positiveInt)
    .option('--bin-seeding', 'start from grid cells instead of every point (faster on large inputs)')
    .option('--min-bin-freq <K>', 'with --bin-seeding: keep cells with at least K points (default 1)', parse.positiveInt)
    .option('--no-cluster-all', 'label points outside every kernel -1 instead of the nearest cluster')
    .addOption(
      new Option(
        '--cluster-assignment <A>',
        "label each point by its nearest centre (scikit-learn's) or by the centre its own climb reaches (default nearest-centroid)",
      ).choices(['nearest-centroid', 'attractor']),
    )
    .option('--max-iter <M>', 'maximum iterations per seed (default 300)', parse.positiveInt)
    .option('--weights <COLUMN>', 'weigh each row by this column (a header name or 0-based index), which is not a feature')
    .option('--kernel <K>', 'flat (default, scikit-learn), gaussian or epanechnikov', parse.kernel)
    .option('--kernel-cutoff <C>', 'with --kernel gaussian: its reach, in bandwidths (default 3)', parse.positiveNumber)
    .option('--jobs <J>', 'threads: k, or -1 for all cores (default: all)', parse.jobs)
    .option('--labels <FILE>', 'write one label per row, .csv or .json')
    .option('--centers <FILE>', 'write the cluster centres, .csv or .json')
    .option('--output <FILE>', 'write the input rows as read with a label column, .csv, .tsv or .jsonl')
    .option('--plot <FILE>', 'write the scatter plot, .svg or .png')
    .option('--dims <I,J>', 'the two features to plot, from 0 (default 0,1)', parse.dims)
    .option('--json', 'print the summary as one JSON document')
    .option('--quiet', 'no progress bar, no notes and no warnings')
    .action(cluster);

  return cli;
}

/** Warnings (e.g. bin seeding fell back to every point) as `warning: ...` lines, not Node's default. */
function routeWarnings(): void {
  process.removeAllListeners('warning');
  process.on('warning', (warning) => {
    if (!quiet) process.stderr.write(`warning: ${warning.message}\n`);
  });
}

/** The command's flag for each library option an error can name. */
const FLAGS: Record<string, string> = {
  bandwidth: '--bandwidth',
  quantile: '--quantile',
  nSamples: '--n-samples',
  binSeeding: '--bin-seeding',
  minBinFreq: '--min-bin-freq',
  clusterAll: '--no-cluster-all',
  clusterAssignment: '--cluster-assignment',
  maxIter: '--max-iter',
  nJobs: '--jobs',
};

/**
 * An error's line in the command's terms, built from the library error's `code` and fields
 * (the library's advice names its options; the command names its flags).
 */
function cliMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & Partial<ErrorFields>;
  if (e.code === 'ERR_NO_BIN_SEEDS') {
    return (
      `Bin seeding found no seed: no bin of size ${e.binSize} holds at least --min-bin-freq=${e.minBinFreq} points. ` +
      'Lower --min-bin-freq, increase --bandwidth or drop --bin-seeding.'
    );
  }
  if (e.code === 'ERR_NO_POINT_WITHIN_BANDWIDTH') {
    return (
      `No point was within bandwidth=${e.bandwidth?.toFixed(6)} of any seed. ` +
      'Try a different seeding strategy (--bin-seeding or not) or increase --bandwidth.'
    );
  }
  const flag = e.parameter === undefined ? undefined : FLAGS[e.parameter];
  const line = e.message.split('\n')[0] ?? '';
  return flag === undefined ? line : `${flag}: ${line}`;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  routeWarnings();
  try {
    await program().parseAsync(argv);
  } catch (error) {
    // Every failure is one line; a stack trace only when asked for (FAST_MEANSHIFT_DEBUG=1).
    process.stderr.write(`error: ${cliMessage(error)}\n`);
    if (process.env.FAST_MEANSHIFT_DEBUG && error instanceof Error && !(error instanceof CliError)) {
      process.stderr.write(`${error.stack}\n`);
    }
    process.exitCode = (error as { exitCode?: number }).exitCode ?? 1;
  }
}

await main();
