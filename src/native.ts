// The native binding, through binding.cjs: it runs the generated napi-rs loader (native.cjs), which
// picks the prebuilt binary for this platform, and turns a failure into one clear error.
import binding from '../binding.cjs';

export type { NativeFit, NativeFitOptions, NativeBinSeeds, NativeBlobs, NativeBlobsOptions } from '../native.cjs';
export const native: typeof import('../native.cjs') = binding;
