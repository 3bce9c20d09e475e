'use strict';
// Loads the native addon through the loader that napi-rs generates (loader.cjs, rewritten on every
// build, so it is never edited by hand), and checks that what loaded is the addon. When no binary
// loads, it throws one clear error (built by binding-common.cjs) that names the platform, the
// architecture, the C library, the package it looked for, what actually failed and the fixes, and
// keeps every underlying load error in `error.cause` (an AggregateError). Deno's permission errors
// become one error naming the flags Deno needs.
//
// Bundlers do not run this file: the package's `module` export condition gives them
// dist/index.bundler.js, which loads the binary from beside the bundle (src/bundled-binding.ts).

const common = require('./binding-common.cjs');

const { NAME, attempt } = common;

let fs = null;
function readFileSync(path, encoding) {
  if (fs === null) fs = require('node:fs');
  return fs.readFileSync(path, encoding);
}

/** `process.env[name]`, or undefined when it cannot be read (the failure is recorded in `problems`). */
function env(problems, name) {
  return attempt(problems, `reading the environment variable ${name}`, () => process.env[name], undefined);
}

/**
 * napi-rs's loader failed with `error`. Either loads the binary after all, in the one case where the
 * loader's failure is not the binary's (see below), or returns the error to throw.
 */
function afterLoaderFailed(error) {
  const target = common.nativeTarget(readFileSync, true);
  const { packageName, fileName } = target;
  const problems = []; // steps other than telling the C library that failed
  const override = env(problems, 'NAPI_RS_NATIVE_LIBRARY_PATH');
  const enforceVersion = env(problems, 'NAPI_RS_ENFORCE_VERSION_CHECK');
  const wasi = env(problems, 'NAPI_RS_FORCE_WASI') || env(problems, 'NAPI_RS_WASI_FLAVOR');
  // Outside a bundle, the folder of this file (and of loader.cjs). An ES module bundle that inlined
  // this file has no __dirname.
  const dir = typeof __dirname === 'string' ? __dirname : null;

  // The loader requires the platform package, then its package.json to compare versions. A require
  // hook can break the second (tsx running a .cts file in a "type": "module" project on Node 20:
  // "Cannot read properties of undefined (reading 'exports')"), and the loader then discards a binary
  // that loaded. The comparison only counts with NAPI_RS_ENFORCE_VERSION_CHECK, so without it (and
  // without an override of what to load), load the package as the loader would have.
  let found = null;
  let direct = null;
  if (!override && !wasi) {
    try {
      direct = require(packageName);
    } catch {
      // the loader's errors already say why
    }
  }
  if (common.isAddon(direct)) {
    const manifest = `require('${packageName}/package.json')`;
    let failure = null;
    try {
      require(`${packageName}/package.json`);
    } catch (e) {
      failure = e;
    }
    if (failure !== null) {
      if (!enforceVersion || enforceVersion === '0') return { binding: direct };
      found =
        `${packageName} loaded, but ${manifest} (napi-rs's loader reads it to check the version, as ` +
        `NAPI_RS_ENFORCE_VERSION_CHECK=${enforceVersion} asks) failed: ${common.describeError(failure)}`;
    }
  }

  const inDir = dir
    ? `in ${dir}`
    : 'next to the loader (its folder is unknown: __dirname is not defined, so this code was bundled into an ES module)';
  const looked =
    `It looked for the package ${packageName} (an optional dependency that npm installs only on a matching ` +
    `platform) and for the file ${fileName} ${inDir}.`;
  let fixes;
  if (!dir) {
    // Inside a bundle, reinstalling or rebuilding changes nothing: the bundle is what needs fixing.
    fixes = [`Build the bundle with a recipe that keeps the binary loadable (${common.BUNDLING_SECTION}).`];
  } else if (found) {
    fixes = [
      'Unset NAPI_RS_ENFORCE_VERSION_CHECK: fast-meanshift then loads the package without reading its package.json.',
      'Or run the code without the require hook that fails to load JSON files.',
    ];
  } else {
    fixes = [
      'Reinstall without omitting optional dependencies: delete node_modules and package-lock.json, then run ' +
        '`npm install` (no --omit=optional, --no-optional or --ignore-optional; see ' +
        'https://github.com/npm/cli/issues/4828). Install on the platform that runs the code (not in a ' +
        'node_modules copied from another OS, CPU or libc).',
      `Or build the binary from source: install Rust (https://rustup.rs), clone the ${NAME} repository, run ` +
        `\`npm ci\` and \`npm run build\` there, then copy ${fileName} into ${dir} (or set ` +
        'NAPI_RS_NATIVE_LIBRARY_PATH to its path).',
    ];
  }
  const errors = common.underlyingErrors(error);
  return { error: common.loadError({ errors, loaderError: error, target, looked, fixes, override, found, problems }) };
}

let binding;
try {
  binding = require('./loader.cjs');
} catch (error) {
  let outcome;
  try {
    outcome = afterLoaderFailed(error);
  } catch (describing) {
    // Not expected (every step above is guarded), but never let it hide the loader's error.
    outcome = { error: common.describingFailed(error, describing) };
  }
  if (outcome.error) throw outcome.error;
  binding = outcome.binding;
}
module.exports = common.checkBinding(binding, 'the .node file (through loader.cjs)');
