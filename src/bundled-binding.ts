// The native addon when a bundler builds fast-meanshift into an app. Bundlers resolve the package's
// `module` export condition (Node, Bun, Deno and tsx ignore it) to dist/index.bundler.js, the library
// with this file in place of binding.cjs (tsup.config.ts).
//
// A bundler cannot put a .node file into JavaScript, and napi-rs's loader requires the platform package
// by name, so a bundler that follows it stops on the binary (esbuild: 'No loader is configured for
// ".node" files'; webpack: 'Module parse failed'). This file requires the binary with a `require` made
// by createRequire from the bundle's own path, which bundlers leave alone, so it loads at run time:
//   1. the file NAPI_RS_NATIVE_LIBRARY_PATH names, when it is set (as napi-rs's loader), or else
//   2. fast-meanshift.<abi>.node beside the bundle, then
//   3. the package fast-meanshift-<abi> in a node_modules folder above the bundle.
// No bundler configuration is needed; the deployment needs 2 or 3 (README, "Bundling a server").
import { readFileSync } from 'node:fs';
// A namespace import: webpack rewrites a named `createRequire` import (to bundle what it requires).
import * as nodeModule from 'node:module';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import common, { type LoadProblem } from '../binding-common.cjs';
import type * as Addon from '../loader.cjs';

/** fast-meanshift's version (tsup.config.ts defines it from package.json). */
declare const FAST_MEANSHIFT_VERSION: string;

/** A file path from a stack frame's or a module's file name (a path, or a file: URL), else null. */
function asPath(name: unknown): string | null {
  if (typeof name !== 'string') return null;
  if (name.startsWith('file:')) return fileURLToPath(name);
  return isAbsolute(name) ? name : null;
}

/**
 * The file this code runs from, once bundled: the app's bundle. Read from V8's stack frame (as the
 * `bindings` package finds its caller), because bundlers rewrite the other sources: webpack evaluates
 * `import.meta.url` at build time (the path on the build machine) and keeps `__filename` in ES module
 * output, where it is not defined. Those are the fallbacks, for a runtime without V8's stack API.
 */
function bundleFile(): string | null {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, frames) => frames;
    const holder: { stack?: unknown } = {};
    Error.captureStackTrace(holder);
    const frames = holder.stack;
    const file = Array.isArray(frames) ? asPath((frames[0] as NodeJS.CallSite | undefined)?.getFileName()) : null;
    if (file !== null) return file;
  } catch {
    // no stack API: the fallbacks below
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
  try {
    // CommonJS output (esbuild, Rollup, webpack); a ReferenceError in ES module output.
    const file = asPath(__filename);
    if (file !== null) return file;
  } catch {
    // ES module output
  }
  try {
    return asPath(import.meta.url);
  } catch {
    return null;
  }
}

function load(): typeof Addon {
  const { packageName, fileName } = common.nativeTarget(readFileSync);
  const envProblems: LoadProblem[] = [];
  const override = common.attempt(
    envProblems,
    'reading the environment variable NAPI_RS_NATIVE_LIBRARY_PATH',
    () => process.env.NAPI_RS_NATIVE_LIBRARY_PATH,
    undefined,
  );
  const bundle = bundleFile();
  const folder = bundle === null ? null : dirname(bundle);
  const requireHere = nodeModule.createRequire(bundle ?? join(process.cwd(), 'fast-meanshift-bundle'));

  const candidates: string[] = override ? [override] : folder === null ? [] : [join(folder, fileName), packageName];
  const errors: unknown[] = [];
  for (const candidate of candidates) {
    let binding: unknown;
    try {
      binding = requireHere(candidate);
    } catch (error) {
      errors.push(error);
      continue;
    }
    return common.checkBinding(binding as typeof Addon, candidate);
  }

  const described = common.nativeTarget(readFileSync, true);
  const looked =
    folder === null
      ? `${common.NAME} is bundled into a file whose path is unknown (neither __filename nor a file: import.meta.url), ` +
        'so only NAPI_RS_NATIVE_LIBRARY_PATH can say where its binary is.'
      : `${common.NAME} is bundled into ${bundle} and loads its binary at run time: it looked for the file ` +
        `${join(folder, fileName)} and for the package ${packageName} in the node_modules folders above ${folder}.`;
  const fixes = [
    `Copy the binary beside the bundle: node_modules/${packageName}/${fileName}, from the project that built ` +
      `it (npm installs ${packageName} there), into ${folder ?? 'the folder of the bundle'}.`,
    `Or install the binary's package where the bundle runs: npm install ${packageName}@${FAST_MEANSHIFT_VERSION}.`,
    `Or set NAPI_RS_NATIVE_LIBRARY_PATH to the binary's path. (${common.BUNDLING_SECTION}.)`,
  ];
  throw common.loadError({ errors, target: described, looked, fixes, override, problems: envProblems });
}

const addon: typeof Addon = load();
export default addon;
