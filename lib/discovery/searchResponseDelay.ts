import { MAX_MX } from './SsdpMessage.js';

/**
 * How long to wait before answering a search, in milliseconds: a random point in the query's
 * `MX` seconds, so that many services do not all answer at once. `MX` is capped at 5 (UPnP 1.1)
 * and a search without `MX` (a unicast search) is answered at once.
 *
 * Example: `searchResponseDelay(2, () => 0.5)` is `1000`; `searchResponseDelay(120, () => 0.5)` is
 * `2500`; `searchResponseDelay(undefined)` is `0`.
 *
 * @param mx the query's MX in seconds, or undefined.
 * @param random a source of numbers in [0, 1). Defaults to `Math.random`.
 * @see answerSearches
 */
export function searchResponseDelay(mx: number | undefined, random: () => number = Math.random): number {
  if (mx === undefined || !(mx > 0)) return 0;
  return Math.floor(random() * Math.min(mx, MAX_MX) * 1000);
}
