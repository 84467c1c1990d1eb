/**
 * The WebAssembly binary encoding the hand-built SIMD modules share
 * (src/nn/adam.ts, gemm.ts, act-mirror.ts): LEB128, vectors, sections,
 * names, value types and the few instructions they all emit.
 */

/** Unsigned LEB128 of `n`. */
export const uleb = (n: number): number[] => {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
};
export const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
export const section = (id: number, bytes: number[]): number[] => [id, ...uleb(bytes.length), ...bytes];
export const name = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
export const [I32, F32, V128] = [0x7f, 0x7d, 0x7b];
export const get = (i: number): number[] => [0x20, ...uleb(i)];
export const set = (i: number): number[] => [0x21, ...uleb(i)];
export const tee = (i: number): number[] => [0x22, ...uleb(i)];
/** i32.const of a small non-negative constant (below 64 its signed LEB128 is the unsigned one). */
export const i32 = (n: number): number[] => [0x41, ...uleb(n)];
export const simd = (op: number): number[] => [0xfd, ...uleb(op)];
