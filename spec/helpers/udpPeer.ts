import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';

/** One datagram a {@link UdpPeer} received. */
export interface ReceivedDatagram {
  readonly text: string;
  /** performance.now() when it arrived. */
  readonly at: number;
  readonly from: RemoteInfo;
}

/**
 * A hand-rolled UDP peer on 127.0.0.1: records every datagram with its arrival time, and answers
 * with whatever `respond` decides (nothing by default: a silent peer).
 */
export interface UdpPeer {
  readonly port: number;
  readonly socket: Socket;
  readonly received: ReceivedDatagram[];
  /** Sends `text` from this peer's socket to `to`. */
  send(text: string, to: RemoteInfo): void;
  close(): Promise<void>;
}

/** Every peer started and not yet closed by {@link closeAllPeers}. */
const livePeers = new Set<UdpPeer>();

/** Closes every peer still open (safe after a failed test: call it from afterEach). */
export async function closeAllPeers(): Promise<void> {
  const peers = [...livePeers];
  livePeers.clear();
  await Promise.all(peers.map((peer) => peer.close()));
}

/** Starts a {@link UdpPeer}; `respond` is called for each datagram. Its close() is idempotent. */
export async function startUdpPeer(respond: (datagram: ReceivedDatagram, peer: UdpPeer) => void = () => {}): Promise<UdpPeer> {
  const socket = createSocket('udp4');
  const received: ReceivedDatagram[] = [];
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let closing: Promise<void> | undefined;
  const peer: UdpPeer = {
    port: socket.address().port,
    socket,
    received,
    send: (text, to) => {
      if (closing === undefined) socket.send(text, to.port, to.address);
    },
    close: () => (closing ??= new Promise((resolve) => socket.close(() => resolve()))),
  };
  livePeers.add(peer);
  socket.on('message', (data, from) => {
    const datagram = { text: data.toString('utf8'), at: performance.now(), from };
    received.push(datagram);
    respond(datagram, peer);
  });
  return peer;
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed). */
export async function closedUdpPort(): Promise<number> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const port = socket.address().port;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** How many UDP sockets this process has open. */
export function openUdpSockets(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'UDPWrap').length;
}

/** A seeded PRNG (mulberry32) so statistical tests are reproducible. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Resolves true once this process has `count` UDP sockets open (handles close a tick after 'close'), false after `ms`. */
export async function udpSocketsSettleTo(count: number, ms = 500): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (openUdpSockets() !== count) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}
