/**
 * A peak limiter for the summed speakers: the gain drops at once to keep every sample under the
 * ceiling (no clipping when several people laugh together) and recovers over ~100 ms, so one loud
 * moment does not pump the whole room. Without look-ahead the attack is instant, which is what a
 * hard ceiling needs; speech rarely reaches it.
 */
const CEILING = 0.89 * 32767; // -1 dBFS
const RELEASE = Math.exp(-1 / (0.1 * 48_000));

export class Limiter {
  #envelope = 0;
  /** Samples whose gain was cut since start. */
  limited = 0;

  /** Writes `sum` (any range) into `out` as 16-bit samples that never exceed the ceiling. */
  apply(sum: Float32Array, out: Int16Array) {
    let envelope = this.#envelope;
    for (let i = 0; i < sum.length; i++) {
      const x = sum[i] as number;
      const a = x < 0 ? -x : x;
      envelope = a > envelope ? a : envelope * RELEASE;
      if (envelope > CEILING) {
        out[i] = Math.round((x * CEILING) / envelope);
        this.limited += 1;
      } else out[i] = Math.round(x);
    }
    this.#envelope = envelope;
  }
}
