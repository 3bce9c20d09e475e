// The generated napi-rs loader (CommonJS): picks the prebuilt binary for this platform.
import binding from '../native.cjs';

export type { NativeFit, NativeFitOptions, NativeBinSeeds, NativeBlobs, NativeBlobsOptions } from '../native.cjs';
export const native: typeof import('../native.cjs') = binding;
