// A clustering service on node:http, with no framework: POST /cluster takes JSON points and
// options and answers the centres and labels, clustering off the event loop with fitAsync.
//
//   npx tsx examples/server.ts          # Node 20; Node >= 22.18 runs it as is: node examples/server.ts
//   curl -s localhost:3000/cluster -d '{"points": [[1, 1], [1.2, 0.9], [5, 5], [5.1, 4.8]], "options": {"bandwidth": 1}}'
//   → {"clusterCenters":[[5.05,4.9],[1.1,0.95]],"labels":[1,1,0,0],"nIter":1,"bandwidth":1}
//
// Request: { "points": number[][], "options"?: { bandwidth?, quantile?, binSeeding?, minBinFreq?,
// clusterAll?, maxIter? } }. Without a bandwidth it is estimated on at most 500 of the points
// (estimateBandwidthAsync, `quantile` 0.3 by default). Answers: 200 with { clusterCenters, labels,
// nIter, bandwidth }; 400 for bad JSON or bad input (the library's TypeError/RangeError message);
// 413 over the size limit; 422 when no point is within the bandwidth of any seed; 503 when the
// request runs out of time; 404/405 elsewhere. A timeout or a client that goes away aborts the fit.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { estimateBandwidthAsync, MeanShift, type MeanShiftOptions } from 'fast-meanshift';

export interface ClusterServerOptions {
  /** Largest request body accepted, in bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Time a request may take, reading the body included, in ms. Default 10 s. */
  timeoutMs?: number;
}

/** The options a client may set; threads (`nJobs`) and `seeds` stay the server's business. */
const CLIENT_OPTIONS = ['bandwidth', 'quantile', 'binSeeding', 'minBinFreq', 'clusterAll', 'maxIter'];

class HttpError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

/** The body as text, or an HttpError 413 as soon as it exceeds `limit` bytes. */
function readBody(req: IncomingMessage, limit: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > limit) {
      reject(new HttpError(413, `The body is larger than ${limit} bytes.`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        chunks.length = 0;
        reject(new HttpError(413, `The body is larger than ${limit} bytes.`));
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

/** Parses and checks the request; the library checks the points and option values. */
function parseRequest(text: string): { points: unknown; options: Record<string, unknown> } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body must be JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new HttpError(400, 'The body must be an object: { "points": [[x, y, ...], ...], "options": { ... } }.');
  }
  const { points, options = {} } = body as { points?: unknown; options?: unknown };
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new HttpError(400, "'options' must be an object.");
  }
  const unknown = Object.keys(options).find((key) => !CLIENT_OPTIONS.includes(key));
  if (unknown !== undefined) {
    throw new HttpError(400, `Unknown option '${unknown}'. Valid options are: ${CLIENT_OPTIONS.join(', ')}.`);
  }
  return { points, options: options as Record<string, unknown> };
}

async function cluster(text: string, signal: AbortSignal) {
  const { points, options } = parseRequest(text);
  const { quantile = 0.3, ...params } = options;
  if (!Array.isArray(points)) throw new HttpError(400, "'points' must be an array of rows of numbers.");
  let bandwidth = params.bandwidth;
  if (bandwidth === undefined || bandwidth === null) {
    const nSamples = Math.min(points.length, 500) || null;
    bandwidth = await estimateBandwidthAsync(points, { quantile: quantile as number, nSamples, signal });
  }
  const model = await new MeanShift({ ...(params as MeanShiftOptions), bandwidth: bandwidth as number }).fitAsync(points, { signal });
  return {
    clusterCenters: model.clusterCenters,
    labels: Array.from(model.labels),
    nIter: model.nIter,
    bandwidth: model.bandwidthUsed,
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number, timeoutMs: number): Promise<void> {
  if (req.url !== '/cluster') return send(res, 404, { error: 'Not found: POST /cluster.' });
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    return send(res, 405, { error: 'Use POST.' });
  }
  // One signal for the request: its deadline, or the client going away before the answer.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new HttpError(503, `The request took more than ${timeoutMs} ms.`)), timeoutMs);
  res.on('close', () => {
    clearTimeout(timer);
    if (!res.writableFinished) controller.abort(new HttpError(499, 'The client went away.'));
  });
  try {
    const text = await readBody(req, maxBodyBytes, controller.signal);
    send(res, 200, await cluster(text, controller.signal));
  } catch (error) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : error;
    if (reason instanceof HttpError) {
      // Over the size limit: answer now and close the connection instead of reading on.
      if (reason.status === 413) res.setHeader('connection', 'close');
      send(res, reason.status, { error: reason.message });
    } else if (reason instanceof TypeError || reason instanceof RangeError) send(res, 400, { error: reason.message });
    else if (reason instanceof Error && reason.message.startsWith('No point was within')) send(res, 422, { error: reason.message });
    else {
      console.error(reason);
      send(res, 500, { error: 'Internal error.' });
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The server, not yet listening. */
export function createClusterServer({ maxBodyBytes = 1 << 20, timeoutMs = 10_000 }: ClusterServerOptions = {}): Server {
  return createServer((req, res) => {
    void handle(req, res, maxBodyBytes, timeoutMs);
  });
}

// Run directly (node or tsx: this file is among the arguments), not imported by a test.
if (process.argv.slice(1).some((arg) => pathToFileURL(resolve(arg)).href === import.meta.url)) {
  const port = Number(process.env.PORT ?? 3000);
  createClusterServer().listen(port, '127.0.0.1', () => console.log(`POST http://127.0.0.1:${port}/cluster`));
}
