// lz4js ships no types: the one function the Arrow reader uses (LZ4 frame decompression).
declare module 'lz4js' {
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array | number[];
  const lz4: { decompress: typeof decompress };
  export default lz4;
}
