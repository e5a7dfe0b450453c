import { performance } from 'node:perf_hooks';

/**
 * The progress display on stderr: on a terminal, one line rewritten in place (step, what runs,
 * live replies/s); otherwise one line per step, so logs stay readable.
 *
 * Example:
 * ```ts
 * const progress = new Progress(12);
 * progress.step('tcp-c64-w32 rxnet run 1/3');
 * progress.live(120_000);        // replies so far in this step
 * progress.done();
 * ```
 */
export class Progress {
  private current = 0;
  private label = '';
  private stepStartedAt = performance.now();
  private readonly startedAt = performance.now();
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = stream.isTTY === true;
  }

  /** Starts the next step. */
  step(label: string): void {
    this.current += 1;
    this.label = label;
    this.stepStartedAt = performance.now();
    if (this.tty) this.render('');
    else this.stream.write(`${this.prefix()} ${label}\n`);
  }

  /** Live count of replies in the current step (terminal only). */
  live(replies: number): void {
    if (!this.tty) return;
    const seconds = (performance.now() - this.stepStartedAt) / 1000;
    this.render(`${seconds.toFixed(1)} s, ${Math.round(replies / Math.max(seconds, 1e-3)).toLocaleString('en-US')} replies/s`);
  }

  /** A line that stays (a warning, a step's outcome). */
  note(line: string): void {
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`${line}\n`);
    if (this.tty && this.label !== '') this.render('');
  }

  /** Clears the live line at the end. */
  done(): void {
    const seconds = ((performance.now() - this.startedAt) / 1000).toFixed(0);
    if (this.tty) this.stream.write('\r\x1b[K');
    this.stream.write(`bench: ${this.current} steps in ${seconds} s\n`);
  }

  private prefix(): string {
    const width = String(this.total).length;
    return `[${String(this.current).padStart(width)}/${this.total}]`;
  }

  private render(detail: string): void {
    this.stream.write(`\r\x1b[K${this.prefix()} ${this.label}${detail === '' ? '' : `  ${detail}`}`);
  }
}
