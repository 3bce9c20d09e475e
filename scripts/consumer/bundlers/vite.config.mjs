// vite.config.mjs: `npx vite build` writes dist/server.mjs, fast-meanshift included (noExternal).
export default {
  ssr: { noExternal: true },
  build: { ssr: 'server.mjs', outDir: 'dist' },
};
