'use strict';
// Shared by the two ways fast-meanshift loads its native addon:
// - binding.cjs (Node, Bun, Deno, tsx, ...): through the loader that napi-rs generates (loader.cjs);
// - src/bundled-binding.ts (the `module` export condition, which bundlers use and runtimes ignore): from
//   beside the app's bundle, or the platform package in a node_modules above it.
// It says which binary this process needs, checks that what loaded is the addon, and builds the one clear
// error thrown when it did not load.
//
// No require() in this file: bundlers inline it into ES module bundles, where `require` does not exist.
// Callers pass `readFileSync`. Describing a failure never throws: each step that can fail (environment
// access, reading a file, the process report, the module's folder) is attempted, and the message names
// the step that failed and why.

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
const BUNDLING_SECTION =
  'see "Bundling a server" in the README: https://www.npmjs.com/package/fast-meanshift#bundling-a-server';
// What Deno must allow: environment variables (the loader's NAPI_RS_* switches), reading files (the
// binary, /usr/bin/ldd to tell glibc from musl) and loading a native library.
const DENO_FLAGS = '--allow-env --allow-ffi --allow-read';
// A function every build of the addon exports (a test checks it against loader.d.cts).
const ADDON_FUNCTION = 'fit';

function messageOf(error) {
  try {
    if (error && typeof error.message === 'string') return error.message;
    return String(error);
  } catch {
    return 'an error that cannot be printed';
  }
}

function firstLine(error) {
  return messageOf(error).split('\n')[0];
}

/** `name: first line`, e.g. `NotCapable: Requires env access to "X"`. */
function describeError(error) {
  let name = 'Error';
  try {
    if (error && typeof error.name === 'string') name = error.name;
  } catch {
    // keep 'Error'
  }
  return `${name}: ${firstLine(error)}`;
}

/**
 * Runs `fn`. When it throws, records in `problems` what was attempted and the error, and returns
 * `fallback`: so a failure while describing a failure is named instead of hiding the first one.
 */
function attempt(problems, what, fn, fallback) {
  try {
    return fn();
  } catch (error) {
    problems.push({ what, error });
    return fallback;
  }
}

/** The process report without its slow network part (as napi-rs's loader asks for it). */
function getReport() {
  if (!process.report || typeof process.report.getReport !== 'function') return null;
  process.report.excludeNetwork = true;
  return process.report.getReport();
}

/**
 * The C library on Linux: `musl` true/false/null (unknown), the glibc version when asked for, and the
 * problems met. Same checks, in the same order, as the napi-rs loader: /usr/bin/ldd, then the report.
 */
function detectLibc(readFileSync, problems, wantGlibcVersion) {
  let musl = null;
  const ldd = attempt(problems, 'reading /usr/bin/ldd', () => readFileSync('/usr/bin/ldd', 'utf8'), null);
  if (typeof ldd === 'string') musl = ldd.includes('musl');
  let glibc = null;
  if (musl === null || (musl === false && wantGlibcVersion)) {
    const report = attempt(problems, 'process.report.getReport()', getReport, null);
    if (report && report.header && report.header.glibcVersionRuntime) {
      glibc = report.header.glibcVersionRuntime;
      musl = false;
    } else if (musl === null && report && Array.isArray(report.sharedObjects)) {
      musl = report.sharedObjects.some((f) => f.includes('libc.musl-') || f.includes('ld-musl-'));
    }
  }
  return { musl, glibc };
}

/** napi-rs's `platformArchABI`: the suffix of the binary (`fast-meanshift.<abi>.node`) and of its package. */
function platformArchAbi(platform, arch, musl) {
  if (platform === 'linux') {
    const libc = musl ? 'musl' : 'gnu';
    return arch === 'arm' ? `linux-arm-${libc}eabihf` : `linux-${arch}-${libc}`;
  }
  if (platform === 'win32') return `win32-${arch}-msvc`;
  if (platform === 'android' && arch === 'arm') return 'android-arm-eabi';
  return `${platform}-${arch}`;
}

/**
 * The binary this process needs: `{ platform, arch, abi, packageName, fileName, musl, glibc, problems }`.
 * `describe` also looks up the glibc version, for messages. Never throws.
 */
function nativeTarget(readFileSync, describe = false) {
  const problems = [];
  const { platform, arch } = process;
  const { musl, glibc } =
    platform === 'linux' ? detectLibc(readFileSync, problems, describe) : { musl: null, glibc: null };
  const abi = platformArchAbi(platform, arch, musl);
  return { platform, arch, abi, packageName: `${NAME}-${abi}`, fileName: `${NAME}.${abi}.node`, musl, glibc, problems };
}

/** The C library in words, saying why when it is unknown. */
function describeLibc(target) {
  const { platform, musl, glibc, problems } = target;
  if (platform === 'linux') {
    if (musl === true) return 'musl';
    if (glibc) return `glibc ${glibc}`;
    if (musl === false) return 'glibc';
    const why = problems.map((p) => `${p.what} failed: ${describeError(p.error)}`);
    return `unknown (neither glibc nor musl detected${why.length > 0 ? `; ${why.join('; ')}` : ''})`;
  }
  if (platform === 'win32') return 'msvc (Windows C runtime)';
  if (platform === 'darwin') return 'libSystem (macOS)';
  return 'the system C library';
}

/** An error from Deno's permission system (NotCapable in Deno 2, PermissionDenied before). */
function isPermissionError(error) {
  let name;
  try {
    name = error && error.name;
  } catch {
    name = undefined;
  }
  // napi-rs's loader copies the errors it collects into plain Errors (only the message survives).
  return name === 'NotCapable' || name === 'PermissionDenied' || /\bRequires \w+ access to\b/.test(messageOf(error));
}

/** Deno denied an access that loading the addon needs: the flags that allow it. */
function permissionError(denied, errors) {
  const lines = [
    `${NAME}: Deno denied an access that loading the native addon needs: ${firstLine(denied)}`,
    `Run Deno with ${DENO_FLAGS} (environment variables, reading the binary, loading it as a native ` +
      `library), e.g. \`deno run ${DENO_FLAGS} main.ts\`; or list the same permissions in deno.json.`,
  ];
  const result = new Error(lines.join('\n'), { cause: new AggregateError(errors, 'Deno permission errors') });
  result.code = 'ERR_FAST_MEANSHIFT_DENO_PERMISSIONS';
  result.denoFlags = DENO_FLAGS;
  return result;
}

/**
 * The napi-rs loader chains its errors through `cause` (the last one tried outermost); list them in
 * the order they were tried, each without the link to the one before, so that each is printed once.
 */
function underlyingErrors(error) {
  const chain = [];
  try {
    for (let e = error && error.cause; e && chain.length < 64; e = e.cause) chain.push(e);
  } catch {
    // a cause that cannot be read: keep what was read
  }
  if (chain.length === 0) return [error];
  return chain.reverse().map((e) => {
    if (e && typeof e === 'object' && e.cause !== undefined) {
      const { stack } = e;
      const copy = new Error(messageOf(e));
      copy.stack = stack;
      return copy;
    }
    return e;
  });
}

/** Whether `binding` looks like fast-meanshift's addon (an object with its functions). */
function isAddon(binding) {
  return Boolean(binding) && typeof binding === 'object' && typeof binding[ADDON_FUNCTION] === 'function';
}

/** A load attempt that found nothing to load (no file, no package, no binary for this platform). */
const isNotFound = (error) => /^(Cannot find module |Unsupported (OS|architecture))/.test(firstLine(error));
/** A binary that was there but did not load (dlopen: wrong libc or CPU, a newer glibc needed, a damaged file). */
const isBinaryFailure = (error) => !isNotFound(error) && /\.node\b/.test(messageOf(error));

/**
 * Throws unless `binding` is fast-meanshift's addon. A bundler's file or asset loader (esbuild
 * `--loader:.node=file`, webpack `asset/resource`) turns `require('x.node')` into the path of a copy
 * of the file: a string, whose functions would fail later as "... is not a function".
 */
function checkBinding(binding, from) {
  if (isAddon(binding)) return binding;
  let got;
  if (typeof binding === 'string') got = `the string ${JSON.stringify(binding)}`;
  else if (binding && typeof binding === 'object') got = `an object with the keys ${JSON.stringify(Object.keys(binding).slice(0, 10))}`;
  else got = String(binding);
  const lines = [
    `${NAME}: the native addon did not load: requiring ${from} returned ${got} instead of the addon.`,
    typeof binding === 'string'
      ? 'A bundler replaced the require of the .node file with the path of a copy (esbuild ' +
          "--loader:.node=file, webpack type: 'asset/resource'): the file must be loaded as a Node-API " +
          'addon, not as an asset.'
      : 'A bundler or a require hook replaced the .node file with something else.',
    `Build with a recipe that loads the addon (${BUNDLING_SECTION}).`,
  ];
  const error = new Error(lines.join('\n'));
  error.code = 'ERR_FAST_MEANSHIFT_NATIVE_BINDING';
  throw error;
}

/**
 * The error thrown when no binary loaded.
 * - `errors`: every load attempt's error, in the order they were tried;
 * - `loaderError`: what napi-rs's loader threw (its `cause` chain holds `errors`), kept on the result;
 * - `target`: `nativeTarget(readFileSync, true)`;
 * - `looked`: a sentence: where the binary was looked for;
 * - `fixes`: the numbered fixes;
 * - `override`: NAPI_RS_NATIVE_LIBRARY_PATH when it was set (then only that file was tried);
 * - `found`: what failed, when the binary was found and the failure is known more precisely than by
 *   the errors;
 * - `problems`: other steps that failed while looking (e.g. reading an environment variable).
 * Deno's permission errors, among any of these, give the error naming Deno's flags instead.
 * Never throws: if describing the failure fails, the error says so and keeps both errors.
 */
function loadError({ errors, loaderError, target, looked, fixes, override, found, problems = [] }) {
  try {
    const denied = [loaderError, ...errors, ...[...target.problems, ...problems].map((p) => p.error)].filter(
      isPermissionError,
    );
    if (denied.length > 0) return permissionError(denied[0], denied);

    const { platform, arch, packageName } = target;
    const libc = describeLibc(target);
    const where = `platform ${platform}, arch ${arch}, libc ${libc}`;
    // The headline names what failed: a binary that is there but does not load, something else (e.g. a
    // require() that a bundle does not support), or only then a binary that is not there.
    const brokenBinary = errors.find(isBinaryFailure);
    const other = errors.find((e) => !isNotFound(e));
    const lines = [];
    if (found || brokenBinary) {
      lines.push(`${NAME}: the native binary for ${where} was found but did not load: ${found || firstLine(brokenBinary)}`);
    } else if (other) {
      lines.push(`${NAME}: loading the native addon failed for ${where}: ${describeError(other)}`);
    } else {
      lines.push(`${NAME}: no native binary was found for ${where}.`);
    }
    if (override) {
      lines.push(
        `NAPI_RS_NATIVE_LIBRARY_PATH is set, so only that file was tried: ${override}. Without it: ${looked}`,
      );
    } else {
      lines.push(looked);
    }
    if (!PUBLISHED.includes(target.abi)) {
      lines.push(
        `No prebuilt binary is published for ${target.abi} (there are binaries for ${PUBLISHED.join(', ')}), ` +
          'so the binary must be built from source.',
      );
    }
    if (problems.length > 0) {
      lines.push(`While looking, these failed too: ${problems.map((p) => `${p.what}: ${describeError(p.error)}`).join('; ')}.`);
    }
    lines.push('To fix it:', ...fixes.map((fix, i) => `  ${i + 1}. ${fix}`));
    lines.push(
      'The underlying load errors (all in error.cause.errors):',
      ...errors.map((e, i) => `  ${i + 1}. ${firstLine(e)}`),
    );

    const cause = new AggregateError(errors, `${errors.length} load attempt(s) failed for ${packageName}`);
    const result = new Error(lines.join('\n'), { cause });
    result.code = 'ERR_FAST_MEANSHIFT_NATIVE_BINDING';
    result.platform = platform;
    result.arch = arch;
    result.libc = libc;
    result.packageName = packageName;
    if (loaderError !== undefined) {
      // napi-rs's own error (its causes are the errors above): kept, but not printed twice.
      Object.defineProperty(result, 'loaderError', { value: loaderError, enumerable: false });
    }
    return result;
  } catch (describing) {
    return describingFailed(loaderError !== undefined ? loaderError : errors[0], describing);
  }
}

/** The error when building the clear error failed itself: both errors, neither hidden. */
function describingFailed(error, describing) {
  const result = new Error(
    `${NAME}: the native addon did not load (${describeError(error)}), and describing why failed too ` +
      `(${describeError(describing)}).`,
    { cause: new AggregateError([error, describing], 'the load error, then the error describing it') },
  );
  result.code = 'ERR_FAST_MEANSHIFT_NATIVE_BINDING';
  return result;
}

module.exports = {
  NAME,
  PUBLISHED,
  BUNDLING_SECTION,
  DENO_FLAGS,
  attempt,
  describeError,
  firstLine,
  nativeTarget,
  describeLibc,
  isPermissionError,
  permissionError,
  isAddon,
  underlyingErrors,
  checkBinding,
  loadError,
  describingFailed,
};
