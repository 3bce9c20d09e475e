// The native addon (the compiled `.node` file), through binding.cjs: it runs the loader that napi-rs
// generates (loader.cjs), which picks the prebuilt binary for this platform, and turns a failure into
// one clear error. "native" in this package means that addon and nothing else.
import binding from '../binding.cjs';

export type { NativeFit, NativeFitOptions, NativeBinSeeds, NativeBlobs, NativeBlobsOptions, NativeClimbs } from '../loader.cjs';
export const addon: typeof import('../loader.cjs') = binding;
