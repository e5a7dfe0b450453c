/** Options of {@link TokenBuckets}. */
export interface TokenBucketOptions {
  /** Tokens added per second to each bucket. */
  readonly rate: number;
  /** The most tokens a bucket holds (the burst a source may send at once). */
  readonly burst: number;
  /** The most buckets kept; the least recently used is forgotten beyond it. Defaults to 10,000. */
  readonly maxKeys?: number;
}

/**
 * Token buckets keyed by a string (a source address): each key may take `burst` tokens at once
 * and `rate` per second after that. Memory is bounded by `maxKeys`: beyond it the least recently
 * used key is forgotten, and new keys start with one token instead of a burst. Pure: the caller passes the
 * time, so tests need no clock.
 *
 * Example:
 * ```ts
 * const buckets = new TokenBuckets({ rate: 100, burst: 10 });
 * buckets.take('10.0.0.1', performance.now()); // true until the burst is spent
 * ```
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly maxKeys: number;

  constructor(private readonly options: TokenBucketOptions) {
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /** Takes one token from `key`'s bucket at time `nowMs`; false when it is empty. */
  take(key: string, nowMs: number): boolean {
    const bucket = this.buckets.get(key);
    if (bucket === undefined) {
      // While the table is full, a new key gets one token, not a burst: otherwise cycling through
      // more than maxKeys forged sources would evict a victim's empty bucket and hand it a fresh
      // burst again and again.
      let tokens = this.options.burst;
      if (this.buckets.size >= this.maxKeys) {
        const oldest = this.buckets.keys().next().value;
        if (oldest !== undefined) this.buckets.delete(oldest);
        tokens = Math.min(1, tokens);
      }
      this.buckets.set(key, { tokens: tokens - 1, at: nowMs });
      return tokens >= 1;
    }
    // Refresh its place as the most recently used.
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    bucket.tokens = Math.min(this.options.burst, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.options.rate);
    bucket.at = nowMs;
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** How many keys are tracked now (at most `maxKeys`). */
  get size(): number {
    return this.buckets.size;
  }
}
