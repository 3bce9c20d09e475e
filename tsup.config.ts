import { sep } from 'node:path';
import { defineConfig, type Options } from 'tsup';

// The CLI imports the library as '../index.js'; in dist/cli.js that import stays an
// import of ./index.js (the library bundle) instead of a second copy of the library.
const libraryStaysExternal: NonNullable<Options['esbuildPlugins']>[number] = {
  name: 'library-stays-external',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}src${sep}cli${sep}`) ? { path: './index.js', external: true } : undefined,
    );
  },
};

export default defineConfig([
  // One bundle per module format; the native loader (binding.cjs around the generated
  // loader.cjs) stays external and is resolved next to package.json at run time.
  {
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli.*'],
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    external: [/native\.cjs$/, /binding\.cjs$/],
  },
  // The `fast-meanshift` command (bin): ESM only, its dependencies (commander, csv-parse,
  // d3-scale, @resvg/resvg-js) stay external and load only when the command runs.
  {
    entry: { cli: 'src/cli/main.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    external: [/native\.cjs$/, /binding\.cjs$/],
    esbuildPlugins: [libraryStaysExternal],
  },
]);
