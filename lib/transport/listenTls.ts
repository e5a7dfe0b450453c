import type { Server, ServerOpts } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import type { Observable } from 'rxjs';
import { listenTcp, type ListenTcpOptions } from './listenTcp.js';
import type { TcpConnection } from './TcpConnection.js';

/** Options of {@link listenTls}: those of listenTcp plus the server's certificate. */
export interface ListenTlsOptions extends Omit<ListenTcpOptions, 'createServer' | 'connectionEvent'> {
  /** The certificate chain, PEM. */
  readonly cert: string | Buffer;
  /** The private key, PEM. */
  readonly key: string | Buffer;
}

/**
 * A TLS server as an observable of connections: exactly listenTcp's contract, over node:tls.
 * Each connection is emitted once its handshake is done; a failed handshake never reaches it.
 *
 * Example: `listenTls({ port: 9443, cert, key }).pipe(mergeMap((conn) => ...)).subscribe()`
 *
 * @see listenTcp
 */
export function listenTls(options: ListenTlsOptions): Observable<TcpConnection> {
  const { cert, key, ...rest } = options;
  const create = (serverOptions: ServerOpts): Server => createTlsServer({ ...serverOptions, cert, key });
  return listenTcp({ ...rest, createServer: create as ListenTcpOptions['createServer'], connectionEvent: 'secureConnection' });
}
