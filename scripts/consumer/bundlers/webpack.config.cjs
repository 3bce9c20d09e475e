// webpack.config.cjs: `npx webpack` writes dist/server.js.
module.exports = {
  target: 'node',
  mode: 'production',
  entry: './server.mjs',
  output: { filename: 'server.js' },
};
