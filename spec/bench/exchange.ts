import { createSocket } from 'node:dgram';
import { connect } from 'node:net';

/**
 * Sends `parts` on a fresh TCP connection (`gapMs` apart, so each arrives in its own read),
 * ends our side, and resolves with everything received until close, as latin1.
 *
 * Example: `await tcpExchange(port, ['+,1,1\n'])` is `'200,2\n'`.
 */
export function tcpExchange(port: number, parts: readonly (string | Buffer)[], gapMs = 0): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (text: string) => (received += text));
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
    const send = (i: number): void => {
      if (i === parts.length) {
        socket.end();
        return;
      }
      socket.write(parts[i] as string | Buffer);
      if (gapMs === 0) send(i + 1);
      else setTimeout(() => send(i + 1), gapMs);
    };
    socket.once('connect', () => send(0));
  });
}

/**
 * Sends each payload as one datagram, one at a time, and resolves with the replies in order
 * (latin1); rejects if one gets no reply within a second.
 *
 * Example: `await udpExchange(port, ['+,1,1'])` is `['200,2\n']`.
 */
export async function udpExchange(port: number, payloads: readonly (string | Buffer)[]): Promise<string[]> {
  const socket = createSocket('udp4');
  try {
    const replies: string[] = [];
    for (const payload of payloads) {
      replies.push(
        await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no reply to ${JSON.stringify(payload.toString())}`)), 1000);
          socket.once('message', (message) => {
            clearTimeout(timer);
            resolve(message.toString('latin1'));
          });
          socket.send(payload, port, '127.0.0.1');
        }),
      );
    }
    return replies;
  } finally {
    socket.close();
  }
}
