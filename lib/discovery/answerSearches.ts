import { asyncScheduler, EMPTY, map, mergeMap, timer, type OperatorFunction, type SchedulerLike } from 'rxjs';
import type { SocketAddress } from '../transport/SocketAddress.js';
import { responseTargetFor, searchResponse, type AnnouncedService } from './AnnouncedService.js';
import type { ReceivedSsdp, SsdpSearchResponse } from './SsdpMessage.js';
import { searchResponseDelay } from './searchResponseDelay.js';

/** A search answer due now: send `message` unicast to `to`. */
export interface SearchAnswer {
  readonly message: SsdpSearchResponse;
  readonly to: SocketAddress;
  /** The search target that was asked for (`ssdp:all`, the service type...). */
  readonly searched: string;
  /** How long the answer waited, in ms (see {@link searchResponseDelay}). */
  readonly delayMs: number;
}

/** Options of {@link answerSearches}. */
export interface AnswerSearchesOptions {
  /** A source of numbers in [0, 1) for the MX delay. Defaults to `Math.random`. */
  readonly random?: () => number;
  /** Runs the delays; the DATE header reads its clock. Defaults to `asyncScheduler`. */
  readonly scheduler?: SchedulerLike;
}

/**
 * Turns received datagrams into the answers a service owes: each search for its service type,
 * `ssdp:all` or its uuid yields one `200 OK` to the searcher after a random delay within the
 * search's MX (capped at 5 s). Anything else (other targets, notifications, invalid datagrams)
 * yields nothing. Unsubscribing cancels the answers still waiting.
 *
 * ```
 * received: -s--x--a-|            s: search, MX 1 (random 0.5); x: another target; a: ssdp:all, MX 0
 * answers:  -------A-- … --S|    A at once; S 500 ms after s; completes after the last answer
 * ```
 *
 * Example: `received$.pipe(answerSearches(service)).subscribe((a) => send(formatSsdpMessage(a.message), a.to))`
 *
 * @see searchResponseDelay, announce
 */
export function answerSearches(service: AnnouncedService, options: AnswerSearchesOptions = {}): OperatorFunction<ReceivedSsdp, SearchAnswer> {
  const scheduler = options.scheduler ?? asyncScheduler;
  const random = options.random ?? Math.random;
  return mergeMap(({ message, sender }) => {
    if (message.kind !== 'search') return EMPTY;
    const st = responseTargetFor(message.st, service);
    if (st === undefined) return EMPTY;
    const delayMs = searchResponseDelay(message.mx, random);
    return timer(delayMs, scheduler).pipe(
      map(() => ({ message: searchResponse(service, st, new Date(scheduler.now())), to: sender, searched: message.st, delayMs })),
    );
  });
}
