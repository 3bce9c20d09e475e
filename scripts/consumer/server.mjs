// A small HTTP service as an app would write it: the bundler tests (__test__/bundlers.test.ts) build it
// with each recipe of the README's "Bundling a server" and run the bundle from a deployment folder.
// POST / with { "points": [[x, y], ...], "bandwidth": b } answers { clusterCenters, labels }.
import { createServer } from 'node:http';
import { AbortError, MeanShift } from 'fast-meanshift';

const server = createServer(async (request, response) => {
  let status = 200;
  let answer;
  try {
    let body = '';
    for await (const chunk of request) body += chunk;
    const { points, bandwidth } = JSON.parse(body);
    const ms = await new MeanShift({ bandwidth }).fitAsync(points, { signal: AbortSignal.timeout(10_000) });
    answer = { clusterCenters: ms.clusterCenters, labels: Array.from(ms.labels) };
  } catch (error) {
    status = error instanceof AbortError ? 503 : 400;
    answer = { error: error.message };
  }
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(answer));
});
server.listen(0, '127.0.0.1', () => console.log(`listening on ${server.address().port}`));
