// examples/server.ts: started on 127.0.0.1, concurrent good and bad requests, every answer checked.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterServer } from '../examples/server.js';
import { estimateBandwidth, makeBlobs, meanShift } from '../src/index.js';

const server = createClusterServer({ maxBodyBytes: 200_000, timeoutMs: 5_000 });
let base = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function post(body: string, path = '/cluster'): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(base + path, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

const points = (i: number) =>
  makeBlobs({ nSamples: 200 + 50 * i, centers: 3, clusterStd: 0.7, randomState: i }).X;

describe('examples/server.ts', () => {
  it('answers concurrent good and bad requests correctly', async () => {
    const good = Array.from({ length: 12 }, (_, i) => {
      const X = points(i);
      const options = i % 2 === 0 ? { bandwidth: 2, binSeeding: i % 4 === 0 } : { quantile: 0.25 };
      return { X, options };
    });
    const bad: { body: string; status: number; error: RegExp }[] = [
      { body: '{"points": [[1, 2], [3', status: 400, error: /JSON/ },
      { body: '[]', status: 400, error: /must be an object/ },
      { body: '{"points": "1,2"}', status: 400, error: /'points' must be an array/ },
      { body: '{"points": [[1, 2], [3]]}', status: 400, error: /row 1 has 1 values/ },
      { body: '{"points": [[1, "2"]], "options": {"bandwidth": 1}}', status: 400, error: /must be a number/ },
      { body: '{"points": [[1, null]], "options": {"bandwidth": 1}}', status: 400, error: /must be a number/ },
      { body: '{"points": [], "options": {"bandwidth": 1}}', status: 400, error: /0 sample/ },
      { body: '{"points": [[1, 2]], "options": {"bandwidth": -1}}', status: 400, error: /'bandwidth' parameter/ },
      { body: '{"points": [[1, 2]], "options": {"nJobs": 64}}', status: 400, error: /Unknown option 'nJobs'/ },
      { body: '{"points": [[1, 2]], "options": {"quantile": 7}}', status: 400, error: /'quantile' parameter/ },
      { body: JSON.stringify({ points: points(20), options: {} }).padEnd(250_000, ' '), status: 413, error: /larger than 200000 bytes/ },
    ];
    const [goodAnswers, badAnswers] = await Promise.all([
      Promise.all(good.map(({ X, options }) => post(JSON.stringify({ points: X, options })))),
      Promise.all(bad.map(({ body }) => post(body))),
    ]);
    goodAnswers.forEach(({ status, json }, i) => {
      const { X, options } = good[i]!;
      const bandwidth =
        'bandwidth' in options ? options.bandwidth : estimateBandwidth(X, { quantile: options.quantile, nSamples: Math.min(X.length, 500) });
      const expected = meanShift(X, { bandwidth, binSeeding: 'binSeeding' in options ? options.binSeeding : false });
      expect(status, `good request ${i}`).toBe(200);
      expect(json).toEqual({ ...expected, labels: Array.from(expected.labels), bandwidth });
    });
    badAnswers.forEach(({ status, json }, i) => {
      expect(status, `bad request ${i}: ${bad[i]!.body.slice(0, 60)}`).toBe(bad[i]!.status);
      expect(json.error).toMatch(bad[i]!.error);
    });
  });

  it('answers 422 when no point is within the bandwidth, 404 and 405 elsewhere', async () => {
    // Two equal points in 5-D: their bin's centre (the origin) is farther than the bandwidth from them.
    const corner = [0.49, 0.49, 0.49, 0.49, 0.49];
    const far = await post(JSON.stringify({ points: [corner, corner], options: { bandwidth: 1, binSeeding: true } }));
    expect(far.status).toBe(422);
    expect(far.json.error).toMatch(/No point was within bandwidth=1.000000/);
    expect((await post('{}', '/elsewhere')).status).toBe(404);
    expect((await fetch(`${base}/cluster`)).status).toBe(405);
  });

  it('aborts a fit that outlives the request timeout: 503', async () => {
    const slow = createClusterServer({ timeoutMs: 50, maxBodyBytes: 10_000_000 });
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
    try {
      // 3-D: 2-D fits with every point a seed are now too fast to outlive 50 ms reliably.
      const { X } = makeBlobs({ nSamples: 40_000, nFeatures: 3, centers: 3, clusterStd: 1, randomState: 1 });
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${(slow.address() as AddressInfo).port}/cluster`, {
        method: 'POST',
        body: JSON.stringify({ points: X, options: { bandwidth: 3 } }),
      });
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: string }).error).toMatch(/took more than 50 ms/);
      // The fit alone takes over a second; the answer comes soon after the deadline.
      console.log(`503 after ${(performance.now() - started).toFixed(0)} ms`);
    } finally {
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    }
  });
});
