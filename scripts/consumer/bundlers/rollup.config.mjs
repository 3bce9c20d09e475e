// rollup.config.mjs: `npx rollup -c` writes dist/server.mjs.
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';

export default {
  input: 'server.mjs',
  output: { file: 'dist/server.mjs', format: 'es' },
  plugins: [nodeResolve(), commonjs()],
};
