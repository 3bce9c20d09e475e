// Writes examples/data/moons.csv: two interleaving half circles (scikit-learn's make_moons
// layout: the outer moon cos/sin of 150 angles from 0 to π, the inner one shifted by (1, -0.5)
// and flipped) with Gaussian noise of standard deviation 0.08 drawn by makeBlobs from NumPy's
// RandomState(0) (one blob at the origin, not shuffled). The data of the README's picture of
// nearest-centroid against attractor labels, and of the tests that compare them.
//
//   node scripts/make-moons.mjs   (after npm run build)
import { writeFileSync } from 'node:fs';
import { makeBlobs } from 'fast-meanshift';

const perMoon = 150;
const noise = 0.08;
const { X: jitter } = makeBlobs({ nSamples: 2 * perMoon, centers: [[0, 0]], clusterStd: noise, shuffle: false, randomState: 0 });
const rows = [];
for (let i = 0; i < perMoon; i++) {
  const t = (Math.PI * i) / (perMoon - 1);
  rows.push([Math.cos(t), Math.sin(t)]);
}
for (let i = 0; i < perMoon; i++) {
  const t = (Math.PI * i) / (perMoon - 1);
  rows.push([1 - Math.cos(t), 1 - Math.sin(t) - 0.5]);
}
// Rounded to 6 decimals: the file reads back to the same numbers in every language.
const lines = rows.map(([x, y], i) => `${(x + jitter[i][0]).toFixed(6)},${(y + jitter[i][1]).toFixed(6)}`);
writeFileSync(new URL('../examples/data/moons.csv', import.meta.url), `x,y\n${lines.join('\n')}\n`);
