import { defineConfig } from 'tsup';

// One bundle per module format; the generated napi loader (native.cjs) stays
// external and is resolved next to package.json at run time.
export default defineConfig({
  entry: { index: 'src/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  sourcemap: true,
  external: [/native\.cjs$/],
});
