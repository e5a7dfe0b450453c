import { performance } from 'node:perf_hooks';
import { readCpuSecondsOf, readRunQueueWaitSeconds } from '../procStats.js';
import { LatencyRecorder } from './LatencyRecorder.js';
import type { LoadOptions, LoadResult } from './LoadOptions.js';
import { mixedRequest, type MixedRequest } from './requestMix.js';

/** A TCP connection or UDP socket the driver sends through. */
export interface LoadChannel {
  /** Requests this channel may have in flight. */
  readonly capacity: number;
  /** Requests in flight now. */
  readonly outstanding: number;
  /** False once the channel failed or closed. */
  readonly alive: boolean;
  /** Sends `requests` now (at `now`, ms from `performance.now()`). */
  send(requests: readonly MixedRequest[], now: number): void;
}

/** CPU and run-queue wait seconds at one moment: this process's wait, the server's CPU and wait. */
interface Reading {
  readonly wait: number;
  readonly serverCpu: number | undefined;
  readonly serverWait: number | undefined;
}

/**
 * Owns the budget (count and time), the pacing, the request numbering and the counters of a
 * run; channels report replies to it. Closed loop: a channel is refilled as soon as replies come
 * back. Open loop (`rate` > 0): a 1 ms timer sends what is due to channels with room.
 */
export class LoadDriver {
  readonly latencies: LatencyRecorder;
  sent = 0;
  verified = 0;
  mismatches = 0;
  lost = 0;
  late = 0;
  errors = 0;
  maxBacklog = 0;
  private firstSendAt = 0;
  private lastReplyAt = 0;
  private stopSendingAt = 0;
  private readonly channels: LoadChannel[] = [];
  private cursor = 0;
  private finished = false;
  private onDone: () => void = () => {};
  private readonly timers: NodeJS.Timeout[] = [];
  private cpuAtStart = process.cpuUsage();
  private finishedAt = 0;
  private cpuAtEnd: NodeJS.CpuUsage | undefined;
  /** CPU and wait readings (s) at the start and the end of the run: ours, and the server's. */
  private readonly readings: Reading[] = [];

  constructor(private readonly options: LoadOptions) {
    this.latencies = new LatencyRecorder(options.requests);
  }

  /** Starts sending over `channels`; resolves when the budget is spent and replies are in (or timed out). */
  run(channels: readonly LoadChannel[]): Promise<void> {
    this.channels.push(...channels);
    this.cpuAtStart = process.cpuUsage();
    this.readings.push(this.read());
    const start = performance.now();
    this.firstSendAt = start;
    this.stopSendingAt = start + this.options.seconds * 1000;
    const done = new Promise<void>((resolve) => {
      this.onDone = resolve;
    });
    const progress = this.options.onProgress;
    if (progress !== undefined) this.every(250, () => progress(this.verified));
    this.every(5, () => this.checkDone(performance.now()));
    if (this.options.rate > 0) this.every(1, () => this.pace(start));
    else for (const channel of this.channels) this.refill(channel, start);
    // The hard bound: whatever happens, the run ends `timeoutMs` after sending stops.
    this.timers.push(setTimeout(() => this.finish(), this.options.seconds * 1000 + this.options.timeoutMs + 50));
    return done;
  }

  /** True while requests may still be sent. */
  canSend(now: number): boolean {
    return !this.finished && this.sent < this.options.requests && now < this.stopSendingAt;
  }

  /** A channel's reply: verify it against what was expected and record its latency. */
  reply(expected: string, actual: string, sentAt: number, now: number): void {
    if (actual === expected) {
      this.verified += 1;
      this.latencies.record((now - sentAt) * 1000);
    } else {
      this.mismatches += 1;
    }
    this.lastReplyAt = now;
  }

  /** A channel got replies: closed loop refills it at once. */
  replied(channel: LoadChannel, now: number): void {
    if (this.options.rate === 0) this.refill(channel, now);
  }

  /** Fills the channel's free window with new requests (closed loop). */
  refill(channel: LoadChannel, now: number): void {
    if (!channel.alive) return;
    const room = Math.min(channel.capacity - channel.outstanding, this.options.requests - this.sent);
    if (room <= 0 || !this.canSend(now)) return;
    channel.send(this.take(room), now);
  }

  /** The result so far (call after `run` resolved). */
  result(unanswered: number): LoadResult {
    const seconds = Math.max(1e-6, ((this.lastReplyAt || performance.now()) - this.firstSendAt) / 1000);
    const wall = Math.max(1e-6, ((this.finishedAt || performance.now()) - this.firstSendAt) / 1000);
    const cpu = this.cpuAtEnd ?? process.cpuUsage(this.cpuAtStart);
    const [start, end] = this.readings;
    const percent = (pick: (r: Reading) => number | undefined): number | null => {
      const a = start === undefined ? undefined : pick(start);
      const b = end === undefined ? undefined : pick(end);
      return a === undefined || b === undefined ? null : Math.round(((b - a) / wall) * 1000) / 10;
    };
    const o = this.options;
    return {
      generator: 'node',
      transport: o.transport,
      connections: o.transport === 'tcp' ? o.connections : o.window,
      window: o.window,
      rate: o.rate,
      sent: this.sent,
      verified: this.verified,
      mismatches: this.mismatches,
      lost: this.lost,
      late: this.late,
      unanswered,
      errors: this.errors,
      seconds: Math.round(seconds * 1000) / 1000,
      rps: Math.round(this.verified / seconds),
      latency: this.latencies.summary(),
      loadCpuPercent: Math.round(((cpu.user + cpu.system) / 1e6 / wall) * 1000) / 10,
      loadWaitPercent: percent((r) => r.wait) ?? 0,
      serverCpuPercent: percent((r) => r.serverCpu),
      serverWaitPercent: percent((r) => r.serverWait),
      maxBacklog: this.maxBacklog,
    };
  }

  private take(n: number): MixedRequest[] {
    const batch = new Array<MixedRequest>(n);
    for (let i = 0; i < n; i += 1) batch[i] = mixedRequest(this.sent + i);
    this.sent += n;
    return batch;
  }

  /** Open loop: send what is due by now, round robin over channels with room. */
  private pace(start: number): void {
    const now = performance.now();
    if (!this.canSend(now)) return;
    const due = Math.min(Math.floor(((now - start) / 1000) * this.options.rate), this.options.requests) - this.sent;
    let left = due;
    for (let tried = 0; left > 0 && tried < this.channels.length; tried += 1) {
      const channel = this.channels[this.cursor] as LoadChannel;
      this.cursor = (this.cursor + 1) % this.channels.length;
      const room = channel.alive ? Math.min(left, channel.capacity - channel.outstanding) : 0;
      if (room > 0) {
        channel.send(this.take(room), now);
        left -= room;
        tried = -1; // keep going round while some channel takes requests
      }
    }
    if (left > this.maxBacklog) this.maxBacklog = left;
  }

  private checkDone(now: number): void {
    if (this.canSend(now) && this.channels.some((c) => c.alive)) return;
    if (this.channels.every((c) => !c.alive || c.outstanding === 0)) this.finish();
  }

  private every(ms: number, f: () => void): void {
    this.timers.push(setInterval(f, ms));
  }

  private read(): Reading {
    const pids = this.options.serverPids ?? [];
    return {
      wait: readRunQueueWaitSeconds(['self']) ?? 0,
      serverCpu: pids.length === 0 ? undefined : readCpuSecondsOf(pids),
      serverWait: pids.length === 0 ? undefined : readRunQueueWaitSeconds(pids),
    };
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.finishedAt = performance.now();
    this.cpuAtEnd = process.cpuUsage(this.cpuAtStart);
    this.readings.push(this.read());
    for (const timer of this.timers) clearTimeout(timer);
    this.onDone();
  }
}
