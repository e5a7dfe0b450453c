import type { Socket } from 'node:dgram';

/**
 * Closes a dgram socket, then removes its error listener and reports `onClosed`; a socket that
 * is already closed (its bind failed) is reported at once. Internal to the UDP transports.
 *
 * Example: `closeUdpSocket(socket, onError, () => options.onClosed?.())`
 */
export function closeUdpSocket(socket: Socket, onError: (err: Error) => void, onClosed: () => void): void {
  const done = (): void => {
    socket.off('error', onError);
    onClosed();
  };
  try {
    socket.close(done);
  } catch {
    // Already closed (the bind failed): nothing left to release.
    done();
  }
}
