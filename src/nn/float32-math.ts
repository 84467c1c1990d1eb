/**
 * float32 functions with the bits of tfjs-backend-wasm's kernels, for the
 * action path that runs without tfjs (act-mirror.ts): the backend's `Tanh`
 * is C's `tanhf` as musl libc (which Emscripten ships) computes it, in
 * float32 arithmetic with its own expm1f; JavaScript's Math.tanh rounds
 * differently in about one float32 value in six. Written out here from
 * musl's src/math/tanhf.c and expm1f.c (MIT licence; their constants), every
 * operation rounded to float32 with Math.fround. Tested against the
 * backend's kernel bit for bit (test/nn/act-mirror.test.ts).
 */
const f = Math.fround;
const word = new Float32Array(1);
const wordBits = new Uint32Array(word.buffer);
const bitsOf = (x: number): number => ((word[0] = x), wordBits[0] as number);
const fromBits = (i: number): number => ((wordBits[0] = i >>> 0), word[0] as number);

const LN2_HI = f(6.9313812256e-1); // 0x3f317180
const LN2_LO = f(9.0580006145e-6); // 0x3717f7d1
const INV_LN2 = f(1.4426950216); // 0x3fb8aa3b
const Q1 = f(-3.3333212137e-2);
const Q2 = f(1.5807170421e-3);
const O_THRESHOLD = f(88.721679688); // 0x42b17180

/** musl's expm1f: e^x − 1 of a float32, in float32. */
export function expm1f(xIn: number): number {
  let x = f(xIn);
  const u = bitsOf(x), hx = u & 0x7fffffff, negative = u >>> 31 === 1;
  if (hx >= 0x4195b844) {
    // |x| ≥ 27·ln 2: NaN, −1, or overflow.
    if (hx > 0x7f800000) return x;
    if (negative) return -1;
    if (x > O_THRESHOLD) return Infinity;
  }
  let k: number, c = 0;
  if (hx > 0x3eb17218) {
    // |x| > ½ ln 2: argument reduction x = k·ln 2 + r.
    let hi: number, lo: number;
    if (hx < 0x3f851592) {
      hi = f(x + (negative ? LN2_HI : -LN2_HI));
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = Math.trunc(f(f(INV_LN2 * x) + (negative ? -0.5 : 0.5)));
      hi = f(x - f(k * LN2_HI));
      lo = f(k * LN2_LO);
    }
    x = f(hi - lo);
    c = f(f(hi - x) - lo);
  } else if (hx < 0x33000000) {
    return x; // |x| < 2⁻²⁵
  } else k = 0;
  const hfx = f(0.5 * x);
  const hxs = f(x * hfx);
  const r1 = f(1 + f(hxs * f(Q1 + f(hxs * Q2))));
  const t = f(3 - f(r1 * hfx));
  let e = f(hxs * f(f(r1 - t) / f(6 - f(x * t))));
  if (k === 0) return f(x - f(f(x * e) - hxs));
  e = f(f(x * f(e - c)) - c);
  e = f(e - hxs);
  if (k === -1) return f(f(0.5 * f(x - e)) - 0.5);
  if (k === 1) return x < -0.25 ? f(-2 * f(e - f(x + 0.5))) : f(1 + f(2 * f(x - e)));
  const twopk = fromBits((0x7f + k) << 23);
  if (k < 0 || k > 56) {
    let y = f(f(x - e) + 1);
    y = k === 128 ? f(f(y * 2) * 1.7014118346046923e38) : f(y * twopk);
    return f(y - 1);
  }
  const twomk = fromBits((0x7f - k) << 23);
  return k < 23 ? f(f(f(x - e) + f(1 - twomk)) * twopk) : f(f(f(x - f(e + twomk)) + 1) * twopk);
}

/** musl's tanhf: tanh of a float32, in float32 (tfjs-backend-wasm's `Tanh`). */
export function tanhf(xIn: number): number {
  const u = bitsOf(xIn), w = u & 0x7fffffff;
  const x = fromBits(w);
  let t: number;
  if (w > 0x3f0c9f54) {
    // |x| > log(3)/2, or NaN
    if (w > 0x41200000) t = w > 0x7f800000 ? NaN : 1;
    else {
      t = expm1f(f(2 * x));
      t = f(1 - f(2 / f(t + 2)));
    }
  } else if (w > 0x3e82c578) {
    // |x| > log(5/3)/2
    t = expm1f(f(2 * x));
    t = f(t / f(t + 2));
  } else if (w >= 0x00800000) {
    t = expm1f(f(-2 * x));
    t = f(-t / f(t + 2));
  } else t = x; // subnormal
  return u >>> 31 === 1 ? -t : t;
}
