#!/usr/bin/env node
// The `fast-meanshift` command: `demo` (the scikit-learn tutorial) and `cluster INPUT`.
// Built by tsup to dist/cli.js; it imports the library from ./index.js and is never
// loaded by `import 'fast-meanshift'`.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Command } from 'commander';
import { MeanShift, estimateBandwidth, makeBlobs } from '../index.js';
import type { ErrorFields } from '../index.js';
import { columnName, type Dataset } from './dataset.js';
import { CliError } from './errors.js';
import { estimateWithStatus, fitWithProgress } from './fit.js';
import * as parse from './options.js';
import { scatterSvg, svgToPng } from './plot.js';
import { INPUT_FORMATS, readDataset } from './read.js';
import { checkOutput, formatCenters, formatLabels, writeOutput } from './write.js';

const PLOT_TYPES = ['.svg', '.png'] as const;
const TABLE_TYPES = ['.csv', '.json'] as const;

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
  dataset: Pick<Dataset, 'data' | 'nCols'>;
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
  maxIter?: number;
  jobs?: number;
  labels?: string;
  centers?: string;
  plot?: string;
  dims?: [number, number];
  quiet?: boolean;
}

async function cluster(input: string, o: ClusterOptions): Promise<void> {
  quiet = o.quiet === true;
  // Everything that can be checked before reading and fitting is checked first.
  if (o.bandwidth !== undefined && (o.quantile !== undefined || o.nSamples !== undefined)) {
    throw new CliError('--bandwidth cannot be combined with --quantile/--n-samples (they only serve to estimate it)');
  }
  if (o.minBinFreq !== undefined && !o.binSeeding) throw new CliError('--min-bin-freq only applies with --bin-seeding');
  if (o.dims && !o.plot) throw new CliError('--dims chooses the plotted features; it needs --plot');
  const labelsExt = o.labels ? checkOutput('--labels', o.labels, TABLE_TYPES) : '';
  const centersExt = o.centers ? checkOutput('--centers', o.centers, TABLE_TYPES) : '';
  if (o.plot) checkOutput('--plot', o.plot, PLOT_TYPES);

  const dataset = readDataset(input);
  const dims = o.dims ?? [0, 1];
  if (o.plot) {
    if (dataset.nCols < 2) throw new CliError(`--plot needs 2 features, but ${input} has 1`);
    const bad = dims.find((d) => d >= dataset.nCols);
    if (bad !== undefined) {
      throw new CliError(`--dims ${dims.join(',')}: ${input} has ${dataset.nCols} features, numbered 0 to ${dataset.nCols - 1}`);
    }
  }
  const matrix = { data: dataset.data, shape: [dataset.nRows, dataset.nCols] as [number, number] };
  const nJobs = o.jobs ?? null;

  const t0 = performance.now();
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
    bandwidth = await estimateWithStatus(matrix, { quantile, nSamples, nJobs }, status);
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
  });
  const t1 = performance.now();
  await fitWithProgress(model, matrix, showProgress());
  const t2 = performance.now();
  const labels = model.labels;
  const centers = model.clusterCenters;
  const columns = Array.from({ length: dataset.nCols }, (_, j) => dataset.columns?.[j] || `x${j}`);

  const out = [
    `Estimated number of clusters = ${centers.length}`,
    `bandwidth = ${bandwidth} (${how})`,
    `time = ${seconds(t2 - t0)} for ${dataset.nRows} points × ${dataset.nCols} features` +
      (o.bandwidth === undefined ? ` (bandwidth ${seconds(t1 - t0)}, fit ${seconds(t2 - t1)})` : ''),
  ];
  const orphans = labels.reduce((n, l) => n + (l < 0 ? 1 : 0), 0);
  if (orphans > 0) out.push(`orphans (label -1) = ${orphans}`);
  if (o.labels) {
    writeOutput(o.labels, formatLabels(labels, labelsExt));
    out.push(`labels written to ${o.labels}`);
  }
  if (o.centers) {
    writeOutput(o.centers, formatCenters(centers, columns, centersExt));
    out.push(`centres written to ${o.centers}`);
  }
  if (o.plot) {
    writePlot({
      file: o.plot,
      dataset,
      dims,
      labels,
      centers,
      xLabel: columnName(dataset, dims[0]),
      yLabel: columnName(dataset, dims[1]),
    });
    out.push(`plot written to ${o.plot}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
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
    .description('Cluster the rows of INPUT and print the number of clusters, the bandwidth and the time.')
    .argument('<INPUT>', `the data, one row per sample: ${INPUT_FORMATS} (numpy.save)`)
    .option('--bandwidth <B>', 'kernel bandwidth (default: estimated, as --quantile/--n-samples say)', parse.positiveNumber)
    .option('--quantile <Q>', 'estimate the bandwidth with this quantile (default 0.3)', parse.quantile)
    .option('--n-samples <N>', 'estimate the bandwidth on this many rows (default: all, quadratic)', parse.positiveInt)
    .option('--bin-seeding', 'start from grid cells instead of every point (faster on large inputs)')
    .option('--min-bin-freq <K>', 'with --bin-seeding: keep cells with at least K points (default 1)', parse.positiveInt)
    .option('--no-cluster-all', 'label points outside every kernel -1 instead of the nearest cluster')
    .option('--max-iter <M>', 'maximum iterations per seed (default 300)', parse.positiveInt)
    .option('--jobs <J>', 'threads: k, or -1 for all cores (default: all)', parse.jobs)
    .option('--labels <FILE>', 'write one label per row, .csv or .json')
    .option('--centers <FILE>', 'write the cluster centres, .csv or .json')
    .option('--plot <FILE>', 'write the scatter plot, .svg or .png')
    .option('--dims <I,J>', 'the two features to plot, from 0 (default 0,1)', parse.dims)
    .option('--quiet', 'no progress bar and no warnings')
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
