/**
 * A dense layer's product with a gradient that runs fast on tfjs-backend-wasm.
 */
import { tf } from './tf.js';

/**
 * `x [b, in] · w [in, out] + bias [out]` as one fused op, with a gradient made
 * of explicit transposes and plain 2-D products. tfjs-wasm runs `matMul` fast
 * (XNNPACK) only for 2-D operands without `transposeA`/`transposeB`; the
 * built-in gradient of `matMul` uses the transposed forms, which measured
 * 5–10× slower here for 64-wide layers.
 */
export const linear = tf.customGrad(((x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias }),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, ws.transpose()), tf.matMul(xs.transpose(), dy), dy.sum(0)];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor2D, w: tf.Tensor2D, bias: tf.Tensor1D) => tf.Tensor2D;
