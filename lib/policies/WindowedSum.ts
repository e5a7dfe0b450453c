/**
 * A sum over a sliding time window: what was added in the last `rangeMs` (in `slices` steps,
 * so an addition counts for between `rangeMs * (1 - 1/slices)` and `rangeMs`). Memory is
 * `slices` numbers whatever the traffic. Pure: the caller passes the time (Finagle's
 * WindowedAdder, the store of its retry budget).
 *
 * Example:
 * ```ts
 * const sum = new WindowedSum(10_000, 10);
 * sum.add(1, 0); sum.add(1, 500);
 * sum.sum(900);      // 2
 * sum.sum(10_500);   // 0: both have expired
 * ```
 */
export class WindowedSum {
  private readonly sliceMs: number;
  /** Per ring position: the slice number it holds, and that slice's sum. */
  private readonly sliceOf: number[];
  private readonly values: number[];

  constructor(
    rangeMs: number,
    private readonly slices: number,
  ) {
    this.sliceMs = rangeMs / slices;
    this.sliceOf = new Array<number>(slices).fill(-Infinity);
    this.values = new Array<number>(slices).fill(0);
  }

  /** Adds `n` (may be negative) at time `nowMs`. */
  add(n: number, nowMs: number): void {
    const slice = Math.floor(nowMs / this.sliceMs);
    const at = ((slice % this.slices) + this.slices) % this.slices;
    if (this.sliceOf[at] !== slice) {
      this.sliceOf[at] = slice;
      this.values[at] = 0;
    }
    this.values[at] = (this.values[at] ?? 0) + n;
  }

  /** The sum of what was added in the window that ends at `nowMs`. */
  sum(nowMs: number): number {
    const slice = Math.floor(nowMs / this.sliceMs);
    let total = 0;
    for (let at = 0; at < this.slices; at += 1) {
      const held = this.sliceOf[at] ?? -Infinity;
      if (held <= slice && held > slice - this.slices) total += this.values[at] ?? 0;
    }
    return total;
  }

  /** Forgets everything. */
  reset(): void {
    this.sliceOf.fill(-Infinity);
    this.values.fill(0);
  }
}
