// Colour quantisation with sample weights: an image's pixels clustered as its unique colours, each
// weighted by how many pixels have it, give the same clusters as every pixel clustered one by one
// (integer weights are repeated rows), in a fraction of the time.
//
//   npx tsx examples/quantize.ts [image.jpg] [--bandwidth 16] [--out docs/quantize-china.jpg]
//
// The image defaults to scikit-learn's china.jpg (examples/data/china.jpg, CC BY 2.0, see
// examples/data/README.md). Colours are RGB in 0–255; seeds come from bins of one bandwidth
// (binSeeding), whose frequency is the pixels' count either way. The output JPEG shows the image and
// its quantised version side by side. JPEG decoding and encoding: jpeg-js.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import jpeg from 'jpeg-js';
import { MeanShift } from 'fast-meanshift';

export interface Image {
  width: number;
  height: number;
  /** RGBA, 4 bytes per pixel. */
  rgba: Uint8Array;
}

export function decodeJpeg(bytes: Uint8Array): Image {
  const { width, height, data } = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });
  return { width, height, rgba: data };
}

/** The image's pixels as rows of [r, g, b]. */
export function pixelsOf(image: Image): Float64Array {
  const n = image.width * image.height;
  const rgb = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) rgb[3 * i + c] = image.rgba[4 * i + c]!;
  return rgb;
}

/** The distinct colours of `rgb` (in order of first appearance), how many pixels have each, and each pixel's colour. */
export function uniqueColours(rgb: Float64Array): { colours: Float64Array; counts: Float64Array; colourOfPixel: Uint32Array } {
  const n = rgb.length / 3;
  const indexOf = new Map<number, number>();
  const colourOfPixel = new Uint32Array(n);
  const colours: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < n; i++) {
    const key = (rgb[3 * i]! << 16) | (rgb[3 * i + 1]! << 8) | rgb[3 * i + 2]!;
    let index = indexOf.get(key);
    if (index === undefined) {
      index = counts.length;
      indexOf.set(key, index);
      colours.push(rgb[3 * i]!, rgb[3 * i + 1]!, rgb[3 * i + 2]!);
      counts.push(0);
    }
    counts[index]! += 1;
    colourOfPixel[i] = index;
  }
  return { colours: Float64Array.from(colours), counts: Float64Array.from(counts), colourOfPixel };
}

export interface Quantized {
  pixels: number;
  colours: number;
  clusters: number;
  bandwidth: number;
  /** Every pixel a row. */
  everyPixel: { ms: number; centers: number[][]; labels: Int32Array; nIter: number };
  /** Each colour once, weighted by its count; labels spread back to the pixels. */
  weighted: { ms: number; centers: number[][]; labels: Int32Array; nIter: number };
  /** Largest difference between the two fits' centres, in units of the bandwidth. */
  centreDifference: number;
  /** Same labels for every pixel, same number of centres and the same nIter. */
  same: boolean;
}

export function quantize(image: Image, bandwidth: number): Quantized {
  const rgb = pixelsOf(image);
  const n = rgb.length / 3;
  const options = { bandwidth, binSeeding: true };

  let start = performance.now();
  const every = new MeanShift(options).fit({ data: rgb, shape: [n, 3] });
  const everyMs = performance.now() - start;

  start = performance.now();
  const { colours, counts, colourOfPixel } = uniqueColours(rgb);
  const weighted = new MeanShift(options).fit({ data: colours, shape: [counts.length, 3] }, { sampleWeight: counts });
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = weighted.labels[colourOfPixel[i]!]!;
  const weightedMs = performance.now() - start;

  let centreDifference = every.clusterCenters.length === weighted.clusterCenters.length ? 0 : Infinity;
  every.clusterCenters.forEach((centre, k) =>
    centre.forEach((v, c) => {
      centreDifference = Math.max(centreDifference, Math.abs(v - (weighted.clusterCenters[k]?.[c] ?? NaN)) / bandwidth);
    }),
  );
  const same = centreDifference <= 1e-9 && every.nIter === weighted.nIter && labels.every((label, i) => label === every.labels[i]);
  return {
    pixels: n,
    colours: counts.length,
    clusters: every.clusterCenters.length,
    bandwidth,
    everyPixel: { ms: everyMs, centers: every.clusterCenters, labels: every.labels, nIter: every.nIter },
    weighted: { ms: weightedMs, centers: weighted.clusterCenters, labels, nIter: weighted.nIter },
    centreDifference,
    same,
  };
}

/** The image and its quantised version (each pixel its cluster's centre) side by side, as a JPEG. */
export function sideBySide(image: Image, q: Quantized, quality = 90): Uint8Array {
  const { width, height } = image;
  const out = new Uint8Array(2 * width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const left = 4 * (y * 2 * width + x);
      const right = left + 4 * width;
      const centre = q.weighted.centers[q.weighted.labels[i]!]!;
      for (let c = 0; c < 3; c++) {
        out[left + c] = image.rgba[4 * i + c]!;
        out[right + c] = Math.round(centre[c]!);
      }
      out[left + 3] = out[right + 3] = 255;
    }
  }
  return jpeg.encode({ width: 2 * width, height, data: out }, quality).data;
}

export const CHINA = join(dirname(fileURLToPath(import.meta.url)), 'data', 'china.jpg');

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { bandwidth: { type: 'string', default: '16' }, out: { type: 'string' } },
  });
  const image = decodeJpeg(readFileSync(positionals[0] ?? CHINA));
  const q = quantize(image, Number(values.bandwidth));
  console.log(`${q.pixels.toLocaleString('en-US')} pixels, ${q.colours.toLocaleString('en-US')} distinct colours, bandwidth ${q.bandwidth}: ${q.clusters} colours after quantisation`);
  console.log(`every pixel a row:             ${q.everyPixel.ms.toFixed(1)} ms (nIter ${q.everyPixel.nIter})`);
  console.log(`distinct colours with counts:  ${q.weighted.ms.toFixed(1)} ms (nIter ${q.weighted.nIter}; finding the colours included)`);
  console.log(
    q.same
      ? `the same clusters: every pixel's label, nIter, centres within ${q.centreDifference.toExponential(1)} × bandwidth`
      : `DIFFERENT: centres differ by up to ${q.centreDifference} × bandwidth`,
  );
  if (values.out) {
    writeFileSync(values.out, sideBySide(image, q));
    console.log(`wrote ${values.out}`);
  }
  if (!q.same) process.exitCode = 1;
}
