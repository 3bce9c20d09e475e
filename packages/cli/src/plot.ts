// The tutorial's figure: a scatter plot of two features coloured by cluster, the cluster
// centres as large marked points, a title and axis labels. Written as SVG text (scales and
// ticks from d3-scale, colours from d3-scale-chromatic); PNG through resvg.
import { createRequire } from 'node:module';
import { scaleLinear } from 'd3-scale';
import { interpolateRainbow, schemeTableau10 } from 'd3-scale-chromatic';
import { CliError } from './errors.js';

export interface ScatterInput {
  /** Row-major values, `nCols` per row. */
  data: ArrayLike<number>;
  nCols: number;
  /** The two columns to draw (x, y). */
  dims: readonly [number, number];
  /** One label per row; -1 is an orphan (drawn grey). */
  labels: ArrayLike<number>;
  /** Cluster centres (full rows; `dims` picks the coordinates). */
  centers: readonly (readonly number[])[];
  title: string;
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

/** Up to this many points every point is its own mark; above it, one mark per cluster and pixel. */
export const ONE_MARK_PER_POINT_UP_TO = 20_000;

const ORPHAN_COLOUR = '#a0a0a0';
const FONT = "font-family=\"'DejaVu Sans', Arial, Helvetica, sans-serif\"";

/** K distinct colours: Tableau 10 up to 10 clusters, a rainbow beyond. */
export function clusterColours(k: number): string[] {
  if (k <= schemeTableau10.length) return schemeTableau10.slice(0, k);
  return Array.from({ length: k }, (_, i) => {
    const c = interpolateRainbow(i / k);
    return c.startsWith('rgb') ? rgbToHex(c) : c;
  });
}

function rgbToHex(rgb: string): string {
  const [r, g, b] = rgb.match(/\d+/g)!.map(Number) as [number, number, number];
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** [min, max] of column `j` over the rows and the centres, padded 5 % like matplotlib. */
function paddedExtent(data: ArrayLike<number>, nCols: number, j: number, centers: readonly (readonly number[])[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let k = j; k < data.length; k += nCols) {
    const v = data[k]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  for (const c of centers) {
    lo = Math.min(lo, c[j]!);
    hi = Math.max(hi, c[j]!);
  }
  if (!(hi > lo)) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

const fmt = (v: number): string => (Math.round(v * 10) / 10).toString();

/** The scatter plot as an SVG document. */
export function scatterSvg(input: ScatterInput): string {
  const { data, nCols, dims, labels, centers, title, xLabel, yLabel } = input;
  const width = input.width ?? 800;
  const height = input.height ?? 600;
  const margin = { top: 50, right: 30, bottom: 62, left: 78 };
  const [dx, dy] = dims;
  const nRows = Math.floor(data.length / nCols);
  const x = scaleLinear().domain(paddedExtent(data, nCols, dx, centers)).range([margin.left, width - margin.right]);
  const y = scaleLinear().domain(paddedExtent(data, nCols, dy, centers)).range([height - margin.bottom, margin.top]);
  const colours = clusterColours(centers.length);
  const onePerPoint = nRows <= ONE_MARK_PER_POINT_UP_TO;
  const radius = nRows <= 5_000 ? 2.5 : onePerPoint ? 2 : 1.5;

  // Group the rows by label (orphans first so clusters paint over them).
  const counts = new Map<number, number>();
  for (let i = 0; i < nRows; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  const groups = [...counts.keys()].sort((a, b) => a - b);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<desc>fast-meanshift: ${nRows} points, ${centers.length} clusters, features ${dx} and ${dy}${onePerPoint ? '' : ' (points that fall on the same pixel are drawn once per cluster)'}</desc>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
  );

  // Axes: frame, ticks, tick labels.
  const [x0, x1] = x.range() as [number, number];
  const [y0, y1] = y.range() as [number, number];
  out.push(`<g class="axes" stroke="#000000" stroke-width="1" fill="none">`);
  out.push(`<rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/>`);
  const xTicks = x.ticks(8);
  const yTicks = y.ticks(8);
  for (const t of xTicks) out.push(`<line x1="${fmt(x(t))}" y1="${y0}" x2="${fmt(x(t))}" y2="${y0 + 5}"/>`);
  for (const t of yTicks) out.push(`<line x1="${x0 - 5}" y1="${fmt(y(t))}" x2="${x0}" y2="${fmt(y(t))}"/>`);
  out.push('</g>');
  const xFormat = x.tickFormat(8);
  const yFormat = y.tickFormat(8);
  out.push(`<g class="tick-labels" font-size="12" fill="#000000">`);
  for (const t of xTicks) out.push(`<text x="${fmt(x(t))}" y="${y0 + 19}" text-anchor="middle">${escapeXml(xFormat(t))}</text>`);
  for (const t of yTicks) out.push(`<text x="${x0 - 8}" y="${fmt(y(t) + 4)}" text-anchor="end">${escapeXml(yFormat(t))}</text>`);
  out.push('</g>');

  // The points, clipped to the axes, one group per cluster.
  out.push(
    `<clipPath id="plot-area"><rect x="${x0}" y="${y1}" width="${x1 - x0}" height="${y0 - y1}"/></clipPath>`,
    `<g class="points" clip-path="url(#plot-area)" fill-opacity="0.75">`,
  );
  const r = fmt(radius);
  for (const label of groups) {
    const colour = label < 0 ? ORPHAN_COLOUR : (colours[label] ?? ORPHAN_COLOUR);
    out.push(`<g class="cluster" data-cluster="${label}" data-count="${counts.get(label)}" fill="${colour}">`);
    const seen = onePerPoint ? null : new Set<number>();
    for (let i = 0; i < nRows; i++) {
      if (labels[i] !== label) continue;
      const px = x(data[i * nCols + dx]!);
      const py = y(data[i * nCols + dy]!);
      if (seen) {
        // One mark per pixel: at most (width × height) marks per cluster, whatever N is.
        const cx = Math.round(px);
        const cy = Math.round(py);
        const key = cy * (width + 1) + cx;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(`<circle cx="${cx}" cy="${cy}" r="${r}"/>`);
      } else {
        out.push(`<circle cx="${fmt(px)}" cy="${fmt(py)}" r="${r}"/>`);
      }
    }
    out.push('</g>');
  }
  out.push('</g>');

  // The centres: large points in the cluster's colour with a black edge and a white halo
  // (so they stand out on their own cluster), numbered as in the labels.
  out.push(`<g class="center-halos" fill="#ffffff" fill-opacity="0.85">`);
  centers.forEach((c) => out.push(`<circle cx="${fmt(x(c[dx]!))}" cy="${fmt(y(c[dy]!))}" r="13.5"/>`));
  out.push('</g>');
  out.push(`<g class="centers" stroke="#000000" stroke-width="2">`);
  centers.forEach((c, k) => {
    out.push(`<circle class="center" data-cluster="${k}" cx="${fmt(x(c[dx]!))}" cy="${fmt(y(c[dy]!))}" r="10" fill="${colours[k]}"/>`);
  });
  out.push('</g>');
  out.push(`<g class="center-labels" font-size="11" font-weight="bold" fill="#000000" text-anchor="middle">`);
  centers.forEach((c, k) => {
    out.push(`<text x="${fmt(x(c[dx]!))}" y="${fmt(y(c[dy]!) + 4)}">${k}</text>`);
  });
  out.push('</g>');

  // Title and axis labels.
  out.push(
    `<text class="title" x="${fmt((x0 + x1) / 2)}" y="32" font-size="17" text-anchor="middle">${escapeXml(title)}</text>`,
    `<text class="x-label" x="${fmt((x0 + x1) / 2)}" y="${height - 18}" font-size="14" text-anchor="middle">${escapeXml(xLabel)}</text>`,
    `<text class="y-label" transform="translate(22 ${fmt((y0 + y1) / 2)}) rotate(-90)" font-size="14" text-anchor="middle">${escapeXml(yLabel)}</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}

/** Renders SVG to PNG with resvg (a Rust renderer shipped as prebuilt npm binaries). */
export function svgToPng(svg: string): Uint8Array {
  let Resvg: typeof import('@resvg/resvg-js').Resvg;
  try {
    ({ Resvg } = createRequire(import.meta.url)('@resvg/resvg-js') as typeof import('@resvg/resvg-js'));
  } catch (error) {
    throw new CliError(
      `PNG output needs @resvg/resvg-js, which did not load on this platform (${(error as Error).message.split('\n')[0]}); write an .svg plot instead`,
    );
  }
  const resvg = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' }, background: '#ffffff' });
  return resvg.render().asPng();
}
