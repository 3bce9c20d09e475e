'use strict';
// Loads the native addon through the loader that napi-rs generates (loader.cjs, rewritten on every
// build, so it is never edited by hand). When no binary loads, this file throws one clear error that
// names the platform, the architecture, the C library, the package it looked for and the fixes, and
// keeps every underlying load error in `error.cause` (an AggregateError).

const { readFileSync } = require('node:fs');

const NAME = 'fast-meanshift';
// The platforms with a prebuilt binary: package.json `napi.targets`, as napi-rs names them
// (a test checks that the two lists agree).
const PUBLISHED = [
  'linux-x64-gnu',
  'linux-x64-musl',
  'linux-arm64-gnu',
  'linux-arm64-musl',
  'darwin-x64',
  'darwin-arm64',
  'win32-x64-msvc',
  'win32-arm64-msvc',
];

/** `true` for musl, `false` for glibc, `null` when unknown (same checks as the napi-rs loader). */
function isMusl() {
  try {
    return readFileSync('/usr/bin/ldd', 'utf8').includes('musl');
  } catch {
    // no ldd: ask the process report below
  }
  try {
    const report = getReport();
    if (report && report.header && report.header.glibcVersionRuntime) return false;
    if (report && Array.isArray(report.sharedObjects)) {
      return report.sharedObjects.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'));
    }
  } catch {
    // fall through
  }
  return null;
}

/** The process report (without its slow network part, as the napi-rs loader asks for it). */
function getReport() {
  if (!process.report || typeof process.report.getReport !== 'function') return null;
  process.report.excludeNetwork = true;
  return process.report.getReport();
}

function glibcVersion() {
  try {
    const report = getReport();
    return (report && report.header && report.header.glibcVersionRuntime) || null;
  } catch {
    return null;
  }
}

/** The C library in words, for the message. */
function describeLibc(platform) {
  if (platform === 'linux') {
    const musl = isMusl();
    if (musl === true) return 'musl';
    const glibc = glibcVersion();
    if (glibc) return `glibc ${glibc}`;
    return musl === false ? 'glibc' : 'unknown (neither glibc nor musl detected)';
  }
  if (platform === 'win32') return 'msvc (Windows C runtime)';
  if (platform === 'darwin') return 'libSystem (macOS)';
  return 'the system C library';
}

/** napi-rs's `platformArchABI` for this process: the suffix of the binary and of its package. */
function platformArchAbi(platform, arch) {
  if (platform === 'linux') {
    const libc = isMusl() ? 'musl' : 'gnu';
    return arch === 'arm' ? `linux-arm-${libc}eabihf` : `linux-${arch}-${libc}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  if (platform === 'android' && arch === 'arm') return 'android-arm-eabi';
  return `${platform}-${arch}`;
}

/**
 * The napi-rs loader chains its errors through `cause` (the last one tried outermost); list them in
 * the order they were tried, each without the link to the one before, so that each is printed once.
 */
function underlyingErrors(error) {
  const chain = [];
  for (let e = error && error.cause; e && chain.length < 64; e = e.cause) chain.push(e);
  if (chain.length === 0) return [error];
  return chain.reverse().map((e) => {
    if (e && typeof e === 'object' && e.cause !== undefined) {
      const { stack } = e;
      const copy = new Error(e.message);
      copy.stack = stack;
      return copy;
    }
    return e;
  });
}

function firstLine(e) {
  const message = e && typeof e.message === 'string' ? e.message : String(e);
  return message.split('\n')[0];
}

function loadError(error) {
  const { platform, arch } = process;
  const libc = describeLibc(platform);
  const abi = platformArchAbi(platform, arch);
  const packageName = `${NAME}-${abi}`;
  const fileName = `${NAME}.${abi}.node`;
  const errors = underlyingErrors(error);
  const override = process.env.NAPI_RS_NATIVE_LIBRARY_PATH;

  const lines = [
    `${NAME}: no native binary could be loaded for platform ${platform}, arch ${arch}, libc ${libc}.`,
  ];
  if (override) {
    lines.push(
      `NAPI_RS_NATIVE_LIBRARY_PATH is set, so only that file was tried: ${override}. Without it, it looks for ` +
        `the package ${packageName} (an optional dependency that npm installs only on a matching platform) ` +
        `and for the file ${fileName} in ${__dirname}.`,
    );
  } else {
    lines.push(
      `It looked for the package ${packageName} (an optional dependency that npm installs only on a matching ` +
        `platform) and for the file ${fileName} in ${__dirname}.`,
    );
  }
  if (!PUBLISHED.includes(abi)) {
    lines.push(
      `No prebuilt binary is published for ${abi} (there are binaries for ${PUBLISHED.join(', ')}), ` +
        'so the binary must be built from source (fix 2).',
    );
  }
  lines.push(
    'To fix it:',
    `  1. Reinstall without omitting optional dependencies: delete node_modules and package-lock.json, then run ` +
      '`npm install` (no --omit=optional, --no-optional or --ignore-optional; see ' +
      'https://github.com/npm/cli/issues/4828). Install on the platform that runs the code (not in a ' +
      'node_modules copied from another OS, CPU or libc).',
    '  2. Or build the binary from source: install Rust (https://rustup.rs), clone the fast-meanshift ' +
      `repository, run \`npm ci\` and \`npm run build\` there, then copy ${fileName} into ${__dirname} ` +
      '(or set NAPI_RS_NATIVE_LIBRARY_PATH to its path).',
    `The underlying load errors (all in error.cause.errors):`,
    ...errors.map((e, i) => `  ${i + 1}. ${firstLine(e)}`),
  );

  const cause = new AggregateError(errors, `${errors.length} load attempt(s) failed for ${packageName}`);
  const result = new Error(lines.join('\n'), { cause });
  result.code = 'ERR_FAST_MEANSHIFT_NATIVE_BINDING';
  result.platform = platform;
  result.arch = arch;
  result.libc = libc;
  result.packageName = packageName;
  // napi-rs's own error (its causes are the errors above): kept, but not printed twice.
  Object.defineProperty(result, 'loaderError', { value: error, enumerable: false });
  return result;
}

let binding;
try {
  binding = require('./loader.cjs');
} catch (error) {
  throw loadError(error);
}
module.exports = binding;
