import { Observable, pipe, Subject, tap, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from 'rxjs';
import type { ProxyProtocol, ToxicRecord } from './ToxicRecord.js';
import { TOXIC_TYPES } from './toxicTypes.js';

/** Options of {@link toxicLink}. */
export interface ToxicLinkOptions {
  /** Which operators the toxic types give: byte-stream ones (`tcp`) or per-datagram ones (`udp`). */
  readonly protocol: ProxyProtocol;
  /** The toxics of this direction, in order; emits the current list on subscription, then every change. */
  readonly toxics$: Observable<readonly ToxicRecord[]>;
  /** Stops reading the source until the returned function is called (a TcpConnection's `hold`). */
  readonly hold?: () => () => void;
  /** Reading is held while the delaying toxics hold more than this many bytes. Defaults to 1 MiB. */
  readonly maxHeldBytes?: number;
  readonly scheduler?: SchedulerLike;
  /** Rolls each toxic's toxicity (once per link) and feeds the toxics' own dice. Defaults to `Math.random`. */
  readonly random?: () => number;
}

/** One pipeline of toxics, and the input it gets while the one before it drains. */
interface Segment {
  operator: MonoTypeOperatorFunction<Buffer>;
  holdsData: boolean;
  readonly pending: Buffer[];
  input?: Subject<Buffer>;
  subscription?: Subscription;
  /** Its input ended: by a swap (`swapped`) or by the source's end. */
  ended: boolean;
  swapped: boolean;
  held: number;
}

/** What a link holds by default before it stops reading. */
export const DEFAULT_MAX_HELD_BYTES = 1024 * 1024;

/**
 * One direction of a proxied connection: the source's chunks (or datagrams) through the current
 * toxics, swapped live. Each toxic applies with probability `toxicity`, rolled once per link.
 * When the toxics change, what arrives from then on goes through the new pipeline; the old one
 * is ended (what it delays still goes out, first) or, if it holds nothing, dropped at once.
 * Output completes when a toxic or the source ends the stream, and errors as they do.
 *
 * ```
 * toxics$:  L--------N-----      (L: latency 2, N: none)
 * source:   -a--b------c--|
 * output:   ---a--b----c--|
 * ```
 *
 * Example: `client.data$.pipe(toxicLink({ protocol: 'tcp', toxics$ }))`
 *
 * @see TOXIC_TYPES
 */
export function toxicLink(options: ToxicLinkOptions): MonoTypeOperatorFunction<Buffer> {
  const random = options.random ?? Math.random;
  const maxHeld = options.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
  return (source) =>
    new Observable<Buffer>((subscriber) => {
      const rolls = new Map<ToxicRecord, boolean>();
      const states = new Map<string, { transmitted: number }>();
      const segments: Segment[] = [];
      let sourceEnded = false;
      let held = 0;
      let releaseFull: (() => void) | undefined;
      let releaseSwap: (() => void) | undefined;

      const account = (segment: Segment, delta: number): void => {
        segment.held += delta;
        held += delta;
        if (held > maxHeld) releaseFull ??= options.hold?.();
        else if (releaseFull !== undefined) {
          releaseFull();
          releaseFull = undefined;
        }
      };
      const applies = (record: ToxicRecord): boolean => {
        let roll = rolls.get(record);
        if (roll === undefined) rolls.set(record, (roll = random() < record.toxicity));
        return roll;
      };
      const createSegment = (records: readonly ToxicRecord[]): Segment => {
        const segment: Segment = { operator: (s) => s, holdsData: false, pending: [], ended: false, swapped: false, held: 0 };
        const stages: MonoTypeOperatorFunction<Buffer>[] = [];
        for (const record of records) {
          const type = TOXIC_TYPES[record.type];
          const build = type?.build[options.protocol];
          if (type === undefined || build === undefined || !applies(record)) continue;
          let state = states.get(record.name);
          if (state === undefined) states.set(record.name, (state = { transmitted: 0 }));
          const stage = build(record.attributes, { state, random, ...(options.scheduler === undefined ? {} : { scheduler: options.scheduler }) });
          if (!type.holdsData) stages.push(stage);
          else stages.push(pipe(tap((c: Buffer) => account(segment, c.length)), stage, tap((c: Buffer) => account(segment, -c.length))));
          segment.holdsData ||= type.holdsData;
        }
        segment.operator = (s) => stages.reduce((out, stage) => stage(out), s);
        return segment;
      };
      const dropHead = (): void => {
        const head = segments.shift();
        if (head === undefined) return;
        head.subscription?.unsubscribe();
        account(head, -head.held);
        if (segments.length <= 1) {
          releaseSwap?.();
          releaseSwap = undefined;
        }
        startHead();
      };
      const startHead = (): void => {
        const head = segments[0];
        if (head === undefined || head.input !== undefined) return;
        const input = new Subject<Buffer>();
        head.input = input;
        head.subscription = input.pipe(head.operator).subscribe({
          next: (chunk) => subscriber.next(chunk),
          error: (err: unknown) => (head.swapped ? dropHead() : subscriber.error(err)),
          complete: () => (head.swapped ? dropHead() : subscriber.complete()),
        });
        for (const chunk of head.pending.splice(0)) input.next(chunk);
        if (head.ended) input.complete();
      };
      const swap = (records: readonly ToxicRecord[]): void => {
        if (sourceEnded) return;
        const current = segments[segments.length - 1];
        segments.push(createSegment(records));
        if (current !== undefined) {
          current.ended = true;
          current.swapped = true;
          if (current === segments[0] && current.input !== undefined) {
            if (current.holdsData) current.input.complete();
            else return dropHead();
          }
        }
        if (segments.length > 1) releaseSwap ??= options.hold?.();
        startHead();
      };

      const toxicsSubscription = options.toxics$.subscribe(swap);
      const sourceSubscription = source.subscribe({
        next: (chunk) => {
          const last = segments[segments.length - 1];
          if (last?.input !== undefined) last.input.next(chunk);
          else last?.pending.push(chunk);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => {
          sourceEnded = true;
          const last = segments[segments.length - 1];
          if (last === undefined) return subscriber.complete();
          last.ended = true;
          last.input?.complete();
        },
      });
      return () => {
        toxicsSubscription.unsubscribe();
        sourceSubscription.unsubscribe();
        for (const segment of segments) segment.subscription?.unsubscribe();
        segments.length = 0;
        releaseFull?.();
        releaseSwap?.();
      };
    });
}
