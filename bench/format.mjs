// @ts-check
// Names and number formats shared by the runner (bench/run.mjs) and the report (bench/report.mjs).

/** Implementations, in the order they run and appear. */
export const IMPLS = [
  { id: 'fast-all', label: 'fast-meanshift, all threads', short: 'fast (all thr)' },
  { id: 'fast-1t', label: 'fast-meanshift, 1 thread', short: 'fast (1 thr)' },
  { id: 'js-kdbush', label: 'plain JS + kdbush', short: 'JS kdbush' },
  { id: 'js-brute', label: 'plain JS, brute force', short: 'JS brute' },
  { id: 'sklearn', label: 'scikit-learn', short: 'sklearn' },
];

export function fmtTime(s) {
  if (s === undefined || s === null) return '—';
  if (s < 1e-3) return `${(s * 1e6).toFixed(0)} µs`;
  if (s < 1) return `${(s * 1e3).toFixed(s < 0.01 ? 2 : s < 0.1 ? 1 : 0)} ms`;
  return `${s.toFixed(s < 10 ? 2 : 1)} s`;
}

export function fmtBytes(b) {
  if (b === undefined || b === null) return '—';
  if (b < 1 << 20) return `${(b / 1024).toFixed(0)} KB`;
  if (b < 1 << 30) return `${(b / (1 << 20)).toFixed(0)} MB`;
  return `${(b / (1 << 30)).toFixed(2)} GB`;
}

export function fmtRatio(x) {
  if (x === undefined || x === null) return '—';
  return x >= 100 ? `${x.toFixed(0)}×` : x >= 10 ? `${x.toFixed(1)}×` : `${x.toFixed(2)}×`;
}

/** The check marks of a workload's targets; each { text, ok }. */
export function targetChecks(w) {
  const t = w.targets;
  if (!t) return [];
  const out = [];
  if (t.sklearn !== undefined) out.push({ text: `≥ ${t.sklearn}× scikit-learn`, ok: w.ratios?.sklearn !== undefined ? w.ratios.sklearn >= t.sklearn : null });
  if (t['js-brute'] !== undefined) out.push({ text: `≥ ${t['js-brute']}× JS brute`, ok: w.ratios?.['js-brute'] !== undefined ? w.ratios['js-brute'] >= t['js-brute'] : null });
  if (t.threads !== undefined) out.push({ text: `2 thr ≥ ${t.threads}× 1 thr`, ok: w.ratios?.['fast-1t'] !== undefined ? w.ratios['fast-1t'] >= t.threads : null });
  const fast = w.results?.['fast-all'];
  if (t.fitSec !== undefined) out.push({ text: `fit ≤ ${t.fitSec} s`, ok: fast?.median !== undefined ? fast.median <= t.fitSec : null });
  if (t.rss) {
    const budget = 3 * w.inputBytes + 200 * 2 ** 20;
    out.push({ text: `peak RSS ≤ 3×input + 200 MB (${fmtBytes(budget)})`, ok: fast?.peakRssBytes !== undefined ? fast.peakRssBytes <= budget : null });
  }
  return out;
}

/** The console table. */
export function textTable(records) {
  const head = ['id', 'N × D', 'seeds', 'k', ...IMPLS.map((i) => i.short), '×sklearn', '×JS brute', '×kdbush', '1t/all', 'agree'];
  const rows = records.map((w) => {
    if (w.skipped) return [w.id, '', '', '', ...IMPLS.map(() => ''), '', '', '', '', `skipped: ${w.skipped}`];
    const cell = (impl) => {
      const r = w.results[impl];
      return r && 'median' in r ? fmtTime(r.median) : '—';
    };
    const agree = [w.agree?.clusterCounts ? 'k✓' : 'k✗', w.agree?.labels === undefined ? '' : w.agree.labels ? 'labels✓' : 'labels✗', w.agree?.bandwidth ? '' : 'bw✗'].filter(Boolean).join(' ');
    const k = Object.values(w.agree?.counts ?? {})[0] ?? '—';
    return [w.id, `${w.n} × ${w.d}`, String(w.nSeeds), String(k), ...IMPLS.map((i) => cell(i.id)), fmtRatio(w.ratios?.sklearn), fmtRatio(w.ratios?.['js-brute']), fmtRatio(w.ratios?.['js-kdbush']), fmtRatio(w.ratios?.['fast-1t']), agree];
  });
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => String(r[c]).length)));
  const line = (r) => r.map((v, c) => String(v).padEnd(widths[c])).join('  ').trimEnd();
  return [line(head), line(widths.map((x) => '-'.repeat(x))), ...rows.map(line)].join('\n');
}
