import { defineConfig } from 'tsup';

// The `fast-meanshift` command (the bin of fast-meanshift-cli) as one ES module, dist/cli.js. tsup
// leaves the package's dependencies external: the library (`fast-meanshift`, installed beside it, or
// in this repository the workspace's link to the root package) and the command's libraries (commander,
// csv-parse, d3-scale, @resvg/resvg-js, hyparquet, flechette, ...), which the command loads when it
// runs (the Parquet and Arrow readers only for those formats).
export default defineConfig({
  entry: { cli: 'src/main.ts' },
  format: ['esm'],
  dts: false,
  clean: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  // tsup keeps every dependency external; said here for the library, so that no tsconfig `paths`
  // entry (the repository's maps fast-meanshift to src/index.ts for tsc) can bundle a copy of it.
  external: ['fast-meanshift'],
});
