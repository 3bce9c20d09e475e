// @ts-check
// BENCHMARKS.md and bench/scaling.svg from bench/results/latest.json.
//
//   npm run bench:report            (the same as `npm run bench -- --write` without running anything)
//
// Everything in BENCHMARKS.md is generated except the blocks between `<!-- keep:NAME -->` and
// `<!-- /keep:NAME -->`, which are carried over from the existing file (notes, the optimisation table).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { IMPLS, fmtBytes, fmtRatio, fmtTime, targetChecks } from './format.mjs';
import { savedSmallFits, smallFitsSection } from './small.mjs';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(BENCH, '..');
const MD = join(ROOT, 'BENCHMARKS.md');
const SVG = join(BENCH, 'scaling.svg');

const DEFAULT_KEEP = {
  notes: `> **Noise.** These numbers are a first run of the suite, before the core's speed work, taken while
> other builds were running on the same 2-core machine (see the load averages above): compare the
> ratios within a row, not absolute times across runs.`,
  optimisations: `| change | commit | W1 | W2 | W3 | W4 | W5 | 10^7 fit | 10^7 peak RSS | notes |
|---|---|---|---|---|---|---|---|---|---|`,
  cli_input: 'Not measured yet: `npm run bench:cli-input -- --write` writes this table.',
  // Sections written by other commands (distributed fits, issue 16's table), each checked against its saved output.
  sections: '',
};

/** The keep blocks of the existing file (or the defaults). */
function keptBlocks() {
  const kept = { ...DEFAULT_KEEP };
  if (existsSync(MD)) {
    const text = readFileSync(MD, 'utf8');
    for (const m of text.matchAll(/<!-- keep:(\w+) -->\n([\s\S]*?)\n?<!-- \/keep:\1 -->/g)) kept[m[1]] = m[2].trimEnd();
  }
  return kept;
}

const keep = (kept, name) => `<!-- keep:${name} -->\n${kept[name]}\n<!-- /keep:${name} -->`;

const cellTime = (r) => {
  if (!r) return '—';
  if ('median' in r) return fmtTime(r.median) + (r.times.length !== 5 ? ` (${r.times.length})` : '');
  return '—';
};

const sizeOf = (w) => (w.n >= 1e6 && Number.isInteger(Math.log10(w.n)) ? `10^${Math.log10(w.n)}` : w.n.toLocaleString('en-US'));

// ---------------------------------------------------------------------------------------------
// SVG

const COLORS = {
  'fast-all': { stroke: '#1f5fbf', dash: '' },
  'fast-1t': { stroke: '#1f5fbf', dash: '6 4' },
  'js-kdbush': { stroke: '#2a9d3a', dash: '' },
  'js-brute': { stroke: '#e07b00', dash: '' },
  sklearn: { stroke: '#8e3fb5', dash: '' },
};

const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One log-log panel. series: [{ id, label, points: [[x, y]] }]; extra: reference lines. */
function panel({ x0, y0, w, h, title, yLabel, yFmt, series, refs = [] }) {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1])); // reference lines are clipped to this range
  const xMin = Math.floor(Math.log10(Math.min(...xs)));
  const xMax = Math.ceil(Math.log10(Math.max(...xs)));
  const yMin = Math.floor(Math.log10(Math.min(...ys)));
  const yMax = Math.ceil(Math.log10(Math.max(...ys)));
  const px = (x) => x0 + ((Math.log10(x) - xMin) / (xMax - xMin || 1)) * w;
  const py = (y) => y0 + h - ((Math.log10(y) - yMin) / (yMax - yMin || 1)) * h;
  const out = [];
  out.push(`<text x="${x0 + w / 2}" y="${y0 - 14}" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`);
  for (let e = yMin; e <= yMax; e++) {
    for (let m = 1; m < 10; m++) {
      const v = m * 10 ** e;
      if (e === yMax && m > 1) break;
      const y = py(v).toFixed(1);
      out.push(`<line x1="${x0}" x2="${x0 + w}" y1="${y}" y2="${y}" stroke="${m === 1 ? '#c8c8c8' : '#eeeeee'}" stroke-width="1"/>`);
      if (m === 1) out.push(`<text x="${x0 - 6}" y="${Number(y) + 4}" text-anchor="end" font-size="12">${esc(yFmt(v))}</text>`);
    }
  }
  for (let e = xMin; e <= xMax; e++) {
    const x = px(10 ** e).toFixed(1);
    out.push(`<line x1="${x}" x2="${x}" y1="${y0}" y2="${y0 + h}" stroke="#c8c8c8" stroke-width="1"/>`);
    out.push(`<text x="${x}" y="${y0 + h + 18}" text-anchor="middle" font-size="12">10<tspan dy="-6" font-size="9">${e}</tspan></text>`);
  }
  out.push(`<rect x="${x0}" y="${y0}" width="${w}" height="${h}" fill="none" stroke="#555" stroke-width="1"/>`);
  out.push(`<text x="${x0 + w / 2}" y="${y0 + h + 40}" text-anchor="middle" font-size="13">N (points, 2-D blobs, bin seeding)</text>`);
  out.push(`<text transform="translate(${x0 - 52} ${y0 + h / 2}) rotate(-90)" text-anchor="middle" font-size="13">${esc(yLabel)}</text>`);
  const clip = `clip${x0}`;
  out.push(`<clipPath id="${clip}"><rect x="${x0}" y="${y0}" width="${w}" height="${h}"/></clipPath>`);
  for (const r of refs) {
    const d = r.points.map((p, i) => `${i ? 'L' : 'M'}${px(p[0]).toFixed(1)},${py(p[1]).toFixed(1)}`).join(' ');
    out.push(`<path d="${d}" fill="none" stroke="#888" stroke-width="1.5" stroke-dasharray="${r.dash}" clip-path="url(#${clip})"/>`);
    const last = r.points.at(-1);
    if (last && py(last[1]) > y0 + 12 && py(last[1]) < y0 + h) {
      out.push(`<text x="${(px(last[0]) - 4).toFixed(1)}" y="${(py(last[1]) - 6).toFixed(1)}" text-anchor="end" font-size="11" fill="#666">${esc(r.label)}</text>`);
    }
  }
  for (const s of series) {
    const c = COLORS[s.id] ?? { stroke: '#000', dash: '' };
    const pts = s.points.map((p) => [px(p[0]), py(p[1])]);
    if (pts.length > 1) {
      const d = pts.map((p, i) => `${i ? 'L' : 'M'}${p[0].toFixed(1)},${p[1].toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${c.stroke}" stroke-width="2.2" stroke-dasharray="${c.dash}"/>`);
    }
    for (const p of pts) {
      out.push(`<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="3.6" fill="${s.id === 'fast-1t' ? '#fff' : c.stroke}" stroke="${c.stroke}" stroke-width="1.6"/>`);
    }
  }
  return out.join('\n');
}

/** The scaling plot: fit time and peak RSS against N, log-log. */
export function scalingSvg(data) {
  const rows = Object.values(data.workloads)
    .filter((w) => w.scaling && !w.skipped)
    .sort((a, b) => a.n - b.n);
  const seriesOf = (pick) =>
    IMPLS.map((impl) => ({
      id: impl.id,
      label: impl.label,
      points: rows.filter((w) => w.results[impl.id] && 'median' in w.results[impl.id]).map((w) => [w.n, pick(w.results[impl.id])]),
    })).filter((s) => s.points.length);
  const timeSeries = seriesOf((r) => r.median);
  const rssSeries = seriesOf((r) => r.peakRssBytes);
  if (!timeSeries.length) return null;
  const W = 1000;
  const H = 470;
  const inputRef = { label: 'input (N × 2 × 8 bytes)', dash: '2 3', points: rows.map((w) => [w.n, w.inputBytes]) };
  const budgetRef = { label: 'target: 3 × input + 200 MiB', dash: '8 4', points: rows.map((w) => [w.n, 3 * w.inputBytes + 200 * 2 ** 20]) };
  const fmtSec = (v) => (v >= 1 ? `${v} s` : v >= 1e-3 ? `${+(v * 1e3).toPrecision(3)} ms` : `${+(v * 1e6).toPrecision(3)} µs`);
  const fmtMb = (v) => (v >= 1e9 ? `${v / 1e9} GB` : v >= 1e6 ? `${v / 1e6} MB` : `${v / 1e3} kB`);
  const shown = IMPLS.filter((impl) => timeSeries.some((s) => s.id === impl.id));
  const widths = shown.map((impl) => 34 + impl.label.length * 7 + 22);
  let legendX = (W - widths.reduce((a, b) => a + b, 0)) / 2;
  const legend = shown
    .map((impl, i) => {
      const c = COLORS[impl.id];
      const x = legendX;
      legendX += widths[i] ?? 0;
      const y = H - 22;
      return `<line x1="${x}" x2="${x + 28}" y1="${y}" y2="${y}" stroke="${c.stroke}" stroke-width="2.2" stroke-dasharray="${c.dash}"/><circle cx="${x + 14}" cy="${y}" r="3.6" fill="${impl.id === 'fast-1t' ? '#fff' : c.stroke}" stroke="${c.stroke}" stroke-width="1.6"/><text x="${x + 34}" y="${y + 4}" font-size="12">${esc(impl.label)}</text>`;
    })
    .join('\n');
  const cores = data.machine?.cores;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" fill="#222">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="20" text-anchor="middle" font-size="13" fill="#555">${esc(`2-D blobs, bandwidth = estimate_bandwidth(q=0.2, n_samples=500), bin seeding; ${cores ?? '?'} cores.`)}</text>
<text x="${W / 2}" y="37" text-anchor="middle" font-size="13" fill="#555">${esc("Median fit time, and peak RSS of each implementation's own process (decimal units).")}</text>
${panel({ x0: 90, y0: 70, w: 370, h: 310, title: 'fit time', yLabel: 'seconds (log)', yFmt: fmtSec, series: timeSeries })}
${panel({ x0: 600, y0: 70, w: 370, h: 310, title: 'peak RSS', yLabel: 'peak RSS (log)', yFmt: fmtMb, series: rssSeries, refs: [inputRef, budgetRef] })}
${legend}
</svg>
`;
}

// ---------------------------------------------------------------------------------------------
// Markdown

function machineSection(m) {
  const py = m.python ?? {};
  const pools = (py.threadpools ?? []).map((p) => `${p.internal_api}${p.version ? ` ${p.version}` : ''}${p.architecture ? ` (${p.architecture})` : ''}, ${p.num_threads} threads`);
  const rows = [
    ['CPU', `${m.cpu}`],
    ['cores', `${m.cores}`],
    ['memory', `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB`],
    ['OS', m.os],
    ['Node.js', m.node],
    ['Rust', m.rustc ?? '—'],
    ['fast-meanshift', `${m.fastMeanshift}, commit ${m.commit ?? '?'} (addon built with \`npm run build:native\`, release)`],
    ['Python', py.python ? `${py.python} (\`${py.path}\`)` : `— (${py.note ?? 'not found'})`],
    ['scikit-learn / NumPy', py.sklearn ? `${py.sklearn} / ${py.numpy}` : '—'],
    ['scikit-learn threads', m.sklearnThreads === null || m.sklearnThreads === undefined ? "scikit-learn's defaults (`--sklearn-threads default`)" : `OpenMP and BLAS pools limited to ${m.sklearnThreads} (threadpoolctl) during the fits; \`n_jobs=None\``],
    ['BLAS / OpenMP (threadpoolctl)', pools.length ? [...new Set(pools)].join('; ') : '—'],
    ['environment', m.openblasEnvRemovedForPython?.length ? `${m.openblasEnvRemovedForPython.join(', ')} set here, removed for the Python child` : 'no OpenBLAS variables set'],
    ['load average (1, 5, 15 min)', `${m.loadAverageAtStart?.join(', ')} at the start, ${m.loadAverageAtEnd?.join(', ')} at the end`],
  ];
  return ['| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${v} |`)].join('\n');
}

function resultsTable(ws) {
  const head = ['workload', 'N × D', 'seeds', 'k', ...IMPLS.map((i) => i.label), '× scikit-learn', '× JS brute', '× JS kdbush', 'threads: 1 thr ÷ all', 'targets (2 cores)'];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map((_, i) => (i < 4 || i === head.length - 1 ? '---' : '--:')).join('|')}|`];
  for (const w of ws) {
    if (w.skipped) {
      lines.push(`| ${w.id} | — | — | — | ${IMPLS.map(() => '—').join(' | ')} | — | — | — | — | skipped: ${w.skipped} |`);
      continue;
    }
    const k = Object.values(w.agree?.counts ?? {})[0] ?? '—';
    const targets = targetChecks(w)
      .map((t) => `${t.ok === null ? '?' : t.ok ? '✅' : '❌'} ${t.text}`)
      .join('<br>');
    lines.push(
      `| **${w.id}** | ${w.n.toLocaleString('en-US')} × ${w.d} | ${w.nSeeds.toLocaleString('en-US')} | ${k} | ${IMPLS.map((i) => cellTime(w.results[i.id])).join(' | ')} | ${fmtRatio(w.ratios?.sklearn)} | ${fmtRatio(w.ratios?.['js-brute'])} | ${fmtRatio(w.ratios?.['js-kdbush'])} | ${fmtRatio(w.ratios?.['fast-1t'])} | ${targets || ''} |`,
    );
  }
  return lines.join('\n');
}

function rssTable(ws) {
  const head = ['workload', 'input', ...IMPLS.map((i) => i.label)];
  const lines = [`| ${head.join(' | ')} |`, `|---|${head.slice(1).map(() => '--:').join('|')}|`];
  for (const w of ws.filter((x) => !x.skipped)) {
    lines.push(`| ${w.id} | ${fmtBytes(w.inputBytes)} | ${IMPLS.map((i) => (w.results[i.id]?.peakRssBytes ? fmtBytes(w.results[i.id].peakRssBytes) : '—')).join(' | ')} |`);
  }
  return lines.join('\n');
}

function agreementList(ws) {
  return ws
    .filter((w) => !w.skipped)
    .map((w) => {
      const a = w.agree ?? {};
      const parts = [`clusters ${a.clusterCounts ? 'agree' : `DIFFER ${JSON.stringify(a.counts)}`} (${Object.keys(a.counts ?? {}).length} implementations)`];
      if (a.labels !== undefined) parts.push(a.labels ? `labels identical to ${a.labelsAgainst}'s` : `labels differ from ${a.labelsAgainst}'s: ${JSON.stringify(a.labelMismatches)}`);
      parts.push(a.bandwidth ? 'bandwidths agree' : 'bandwidths DIFFER');
      if (w.dataCheck) parts.push(`data ${w.dataCheck}`);
      const skipped = Object.entries(w.results)
        .filter(([, r]) => r.skipped)
        .map(([k, r]) => `${k}: ${r.skipped}`);
      const failed = Object.entries(w.results)
        .filter(([, r]) => r.error)
        .map(([k, r]) => `${k} FAILED: ${r.error}`);
      return `- **${w.id}** (${w.title}): ${parts.join('; ')}.${skipped.length ? ` Not run: ${skipped.join('; ')}.` : ''}${failed.length ? ` ${failed.join('; ')}` : ''}`;
    })
    .join('\n');
}

function commands(ws) {
  const lines = [];
  for (const w of ws.filter((x) => !x.skipped)) {
    const cmds = IMPLS.filter((i) => w.results[i.id]?.command && 'median' in w.results[i.id]).map((i) => `${w.results[i.id].command}   # ${i.label}${w.results[i.id].sameRunAs ? ` (the same job as ${w.results[i.id].sameRunAs}, measured once)` : ''}`);
    lines.push(`# ${w.id}: ${w.title}`, ...cmds);
  }
  return lines.join('\n');
}

export function markdown(data, svgWritten) {
  const kept = keptBlocks();
  const all = Object.values(data.workloads);
  const order = (w) => (w.scaling ? 100 + w.n / 1e9 : Number(w.id.slice(1)));
  const ws = all.filter((w) => !w.scaling).sort((a, b) => order(a) - order(b));
  const scaling = all.filter((w) => w.scaling).sort((a, b) => (a.n ?? 0) - (b.n ?? 0));
  const dates = [...new Set(all.map((w) => w.date.slice(0, 10)))].sort();
  const run = data.run ?? {};
  return `# Benchmarks

<!-- Generated by \`npm run bench:report\` from bench/results/latest.json. Edit only inside the keep blocks. -->

fast-meanshift against a plain-JavaScript mean shift (brute force, and over a [kdbush](https://www.npmjs.com/package/kdbush)
index) and against scikit-learn, on the workloads of issue #3: every implementation on the same data, in its own
process, side by side in one run. Figures are **median fit times**; a number in parentheses is the number of runs
when it is not 5 (slow fits run once or twice, see [Method](#method)). **× X** is X's time divided by
fast-meanshift's with all threads; **threads** is fast-meanshift's 1-thread time divided by its all-threads time. Measured ${dates.join(' to ')}, ${run.suite ?? 'full'} suite.

## Machine

${machineSection(data.machine)}

${keep(kept, 'notes')}

## Results

${resultsTable(ws)}

## Scaling: 2-D blobs, bin seeding, 10^3 … 10^7 points

${svgWritten ? '![Fit time and peak RSS against N, log-log](bench/scaling.svg)\n\n' : ''}The same data rule as W2 (centres (5,5), (3,3), (1,1), std 0.3, random_state 0; bandwidth =
estimate_bandwidth(q=0.2, n_samples=500); bin seeding) at growing N. Plain JS and scikit-learn stop at 10^6
(10^7 would take minutes per fit and is not what the comparison needs); fast-meanshift goes on to 10^7.

${resultsTable(scaling).replace('| workload |', '| N |')}

## Small fits

${smallFitsSection(savedSmallFits())}

## Peak RSS

Peak resident memory (\`getrusage\` maxRSS) of each implementation's own process: the runtime, the data loaded
from disk, the fit (MB here = 2^20 bytes). A Node process with nothing loaded is ~45 MB, a Python process with scikit-learn imported ~130 MB.

${rssTable([...ws, ...scaling])}

## Agreement checks

Before a time is reported the run compares the implementations: cluster counts always; labels, one by one,
for N ≤ 100,000; the bandwidth each used (and scikit-learn's own estimate of the rule's bandwidth). The blobs are
written by fast-meanshift's \`makeBlobs\` and checked bit for bit against scikit-learn's \`make_blobs\` in the
scikit-learn child.

${agreementList([...ws, ...scaling])}

## Commands

Install the scikit-learn side once (Python 3.10+):

\`\`\`sh
python3 -m venv .venv-bench && .venv-bench/bin/pip install -r bench/requirements.txt
npm run build            # the addon and dist/
npm run bench            # everything (~15 min on 2 cores); prints the table, writes bench/results/latest.json
npm run bench:report     # this file and bench/scaling.svg from latest.json
npm run bench -- --only W1,W3 --quick --write   # some workloads, fewer runs, then this file
npm run bench:smoke      # tiny sizes, every implementation, agreement only (part of npm test)
\`\`\`

The scikit-learn child uses \`$BENCH_PYTHON\`, \`.venv-bench/bin/python\` or \`python3\`, the first that imports
scikit-learn (\`BENCH_PYTHON=none\` skips it). Each figure above comes from:

\`\`\`sh
${commands([...ws, ...scaling])}
\`\`\`

## CLI input

How fast the \`fast-meanshift\` command reads its input, per format (\`bench/cli-input.mjs\`): CSV, TSV and JSON Lines
are parsed in a stream straight into a \`Float64Array\`, Parquet and Arrow column by column into typed arrays.

${keep(kept, 'cli_input')}

## Method

- **Data.** W1, W2, W5 and the scaling series: \`makeBlobs\` (bit-identical to \`make_blobs\`) written once to
  \`bench/.cache/\` as float64 row-major and read by every implementation (Node maps it into a \`Float64Array\`
  and passes \`{ data, shape }\`, scikit-learn reads it with \`np.fromfile\`). W3: \`load_sample_image('china.jpg')\`
  from the installed scikit-learn, 427 × 640 pixels as 273,280 × 3 float64 RGB values in 0–255 (not divided by
  255). W4: \`load_digits().data\`, 1797 × 64. Without scikit-learn W3 and W4 are skipped.
- **Bandwidth.** fast-meanshift's \`estimateBandwidth\` with the workload's rule (W1, W2, W4 and the scaling
  series: quantile 0.2, n_samples 500; W3: quantile 0.1, n_samples 1000; random_state 0), computed once and
  passed to every implementation; scikit-learn's own \`estimate_bandwidth\` with the same rule is checked against
  it. W5 passes no bandwidth, so each implementation's fit includes the full estimate (quantile 0.3 on all
  rows; the JS baselines use a brute-force k-th-neighbour estimate, kdbush has no k-NN query).
- **Timing.** Only the fit (for fast-meanshift \`new MeanShift(options).fit({ data, shape })\` with
  \`nJobs: null\` = all threads or \`nJobs: 1\`; for scikit-learn \`MeanShift(bandwidth, bin_seeding, n_jobs=None).fit(X)\`),
  labels included, data loading excluded. Each process first fits the first 2,000 rows untimed (warm-up), then
  fits until 5 runs or 10 s of fitting have passed (\`--quick\`: 3 runs, 3 s), and reports the median. So a
  fit slower than 10 s runs once. Workloads run one after another and implementations one at a time.
- **Peak RSS.** Each implementation runs in its own child process (\`process.resourceUsage().maxRSS\`,
  \`resource.getrusage(RUSAGE_SELF).ru_maxrss\`), so peaks never mix.
- **The plain-JS baselines** (\`bench/plain-js.mjs\`) implement scikit-learn's semantics exactly (flat kernel,
  \`<=\` at the boundary, stop at 1e-3 × bandwidth, max_iter, intensity, sort by (intensity, tuple) descending,
  greedy suppression, labels by nearest centre, NumPy's round-half-even bin seeds) over \`Float64Array\`s:
  one scans all points per neighbour query, the other asks a kdbush 4 index (\`within\`, 2-D only).
- **scikit-learn** runs in one process with \`n_jobs=None\`; \`OPENBLAS_CORETYPE\` / \`OPENBLAS_L2_SIZE\` are
  removed from its environment and threadpoolctl's report is recorded above. By default its OpenMP and BLAS
  pools are limited to one thread during the fits (\`--sklearn-threads default\` lifts that): its mean shift is
  a Python loop of one small neighbour query per seed and iteration, and above 15 features (W4) each query is a
  brute-force OpenMP region whose threads spin-wait; on this 2-core machine under load, 100 of W4's seeds took
  1.2 s with one thread and 11–19 s with the default two. One thread is scikit-learn's faster, steadier
  configuration here, so the ratios against it are conservative. The 2-D and 3-D workloads use its KD-tree,
  which is single-threaded either way.

## What each optimisation bought

${keep(kept, 'optimisations')}

${keep(kept, 'sections')}
`;
}

/** Writes BENCHMARKS.md and bench/scaling.svg. */
export function writeReport(data) {
  const svg = scalingSvg(data);
  if (svg) writeFileSync(SVG, svg);
  writeFileSync(MD, markdown(data, !!svg));
  process.stderr.write(`bench: wrote BENCHMARKS.md${svg ? ' and bench/scaling.svg' : ''}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = join(BENCH, 'results', 'latest.json');
  if (!existsSync(path)) {
    console.error('bench:report: bench/results/latest.json is missing; run `npm run bench` first');
    process.exit(2);
  }
  writeReport(JSON.parse(readFileSync(path, 'utf8')));
}
