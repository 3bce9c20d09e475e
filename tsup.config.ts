import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type Plugin = NonNullable<Options['esbuildPlugins']>[number];
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

// dist/index.bundler.js (the `module` export condition, for bundlers): src/binding.ts imports
// src/bundled-binding.ts, which loads the binary from beside the app's bundle, instead of
// binding.cjs and napi-rs's loader, which bundlers cannot follow to the .node file.
const bundledBinding: Plugin = {
  name: 'bundled-binding',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/binding\.cjs$/ }, (args) => ({
      path: join(args.resolveDir, '..', 'src', 'bundled-binding.ts'),
    }));
  },
};

// One implementation for `require` and `import` under Node (no dual-package hazard: one AbortError,
// one MeanShift class): dist/index.cjs is the library, dist/index.js re-exports it by name, and its
// types re-export the CommonJS types. The names are those esbuild annotates at the end of
// dist/index.cjs for Node's ES module import (`0 && (module.exports = { ... })`). Not `export *`:
// Deno 2 (and Node from 23, by its documentation) give a CommonJS module an export named 'module.exports',
// which it would pass on.
function writeEsmEntry() {
  const cjs = readFileSync('dist/index.cjs', 'utf8');
  const annotation = /\n0 && \(module\.exports = \{([^}]*)\}\);/.exec(cjs);
  if (!annotation) throw new Error("dist/index.cjs lacks esbuild's export annotation (0 && (module.exports = { ... }))");
  const names = annotation[1]!.split(',').map((name) => name.trim()).filter(Boolean);
  writeFileSync(
    'dist/index.js',
    `// fast-meanshift's ES module entry: the CommonJS build, re-exported, so that \`import\` and
// \`require\` share one implementation (the same classes, so \`instanceof\` holds across them).
export { ${names.join(', ')} } from './index.cjs';
`,
  );
  writeFileSync('dist/index.d.ts', "export * from './index.cjs';\n");
}

// The two builds below run at once and write into dist/, so none of them cleans it (tsup's `clean`
// would race with the others, and its declaration build would delete dist/index.d.ts): it is emptied
// here, once, before they start.
rmSync('dist', { recursive: true, force: true });

export default defineConfig([
  // The library for Node, Bun, Deno: CommonJS. The native loader (binding.cjs around the generated
  // loader.cjs) stays external and is resolved next to package.json at run time.
  {
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    dts: true,
    clean: false,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    external: [/binding\.cjs$/],
    async onSuccess() {
      writeEsmEntry();
    },
  },
  // The library for bundlers: one ES module with the bundled binding (see bundledBinding above).
  {
    entry: { 'index.bundler': 'src/index.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    sourcemap: true,
    define: { FAST_MEANSHIFT_VERSION: JSON.stringify(pkg.version) },
    esbuildPlugins: [bundledBinding],
  },
]);
