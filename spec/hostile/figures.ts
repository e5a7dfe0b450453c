import type { ProbeReport } from './latencyProbe.js';

/**
 * The figures a hostile spec file measures and reports without asserting them: the well-behaved
 * client's latency under each attack, memory, how long a drain took. On a shared 2-core machine
 * such a figure measures the machine as much as the server, so it is printed as a report after
 * the file's tests (and, with `RXNET_HOSTILE_VERBOSE=1`, as each is recorded), and the specs
 * assert counts instead. The bench measures latency under controlled load (docs/performance.md).
 *
 * Example:
 * ```ts
 * const figures = new Figures('hostile clients over TCP');
 * after(() => figures.print());
 * figures.add('random bytes', latency(probe));
 * ```
 */
export class Figures {
  private readonly rows: Array<readonly [string, string]> = [];

  constructor(private readonly title: string) {}

  /** Records one figure under `name`. */
  add(name: string, text: string): void {
    this.rows.push([name, text]);
    if (process.env['RXNET_HOSTILE_VERBOSE'] !== undefined) console.log(`      ${name}: ${text}`);
  }

  /** Prints every figure recorded, one line each, under the title. */
  print(): void {
    if (this.rows.length === 0) return;
    const width = Math.max(...this.rows.map(([name]) => name.length));
    console.log(`\n    figures, ${this.title} (reported, not asserted):`);
    for (const [name, text] of this.rows) console.log(`      ${name.padEnd(width)}  ${text}`);
  }
}

/** A probe's latency as one figure: `p50 0.30 ms, p99 10.28 ms, max 10.9 ms (148 answers)`. */
export function latency(probe: ProbeReport): string {
  const resent = probe.resent > 0 ? `, ${probe.resent} copies resent` : '';
  return `p50 ${probe.p50.toFixed(2)} ms, p99 ${probe.p99.toFixed(2)} ms, max ${probe.max.toFixed(1)} ms (${probe.answered} answers${resent})`;
}
