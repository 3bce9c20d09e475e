// examples/quantize.ts: an image's distinct colours weighted by their counts cluster as every pixel
// does (integer weights are repeated rows), on scikit-learn's china.jpg.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHINA, decodeJpeg, pixelsOf, quantize, sideBySide, uniqueColours } from '../examples/quantize.js';

describe('examples/quantize.ts', () => {
  const image = decodeJpeg(readFileSync(CHINA));

  it('decodes china.jpg as scikit-learn loads it', () => {
    // load_sample_image('china.jpg').shape == (427, 640, 3)
    expect([image.height, image.width]).toEqual([427, 640]);
  });

  it('finds the distinct colours and their counts', () => {
    const rgb = pixelsOf(image);
    const { colours, counts, colourOfPixel } = uniqueColours(rgb);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(427 * 640);
    expect(colours.length).toBe(3 * counts.length);
    expect(counts.length).toBeGreaterThan(50_000);
    for (const i of [0, 1_000, 273_279]) {
      const c = colourOfPixel[i]!;
      expect([...colours.subarray(3 * c, 3 * c + 3)]).toEqual([...rgb.subarray(3 * i, 3 * i + 3)]);
    }
  });

  it.each([24, 40])('clusters the weighted colours as every pixel (bandwidth %i)', (bandwidth) => {
    const q = quantize(image, bandwidth);
    expect(q.weighted.centers.length).toBe(q.everyPixel.centers.length);
    expect(q.centreDifference).toBeLessThanOrEqual(1e-9);
    expect(q.weighted.nIter).toBe(q.everyPixel.nIter);
    expect(q.weighted.labels).toEqual(q.everyPixel.labels);
    expect(q.same).toBe(true);
    expect(q.clusters).toBeGreaterThan(1);
  });

  it('draws the image and its quantised version side by side', () => {
    const q = quantize(image, 40);
    const out = decodeJpeg(sideBySide(image, q));
    expect([out.width, out.height]).toEqual([1280, 427]);
  });
});
