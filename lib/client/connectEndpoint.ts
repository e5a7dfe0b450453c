import { catchError, map, throwError, type Observable } from 'rxjs';
import { connectTcp } from '../transport/connectTcp.js';
import { connectTls } from '../transport/connectTls.js';
import type { TcpConnection } from '../transport/TcpConnection.js';
import { explainNameMismatch } from './explainNameMismatch.js';
import type { TcpClientOptions } from './tcpClientOptions.js';
import { wiretapConnection } from '../transport/wiretapConnection.js';

/** What each connection of a client gets of its own. */
export interface EndpointHooks {
  /** The connection's id (the seed's "session id"). */
  readonly id: number;
  /** Called once its socket has closed. */
  readonly onClosed: () => void;
}

/**
 * One connection to a TCP client's server over its stream transport: connectTcp for `tcp`,
 * connectTcp with `path` for `unix`, connectTls (with `ca`, `servername`, `rejectUnauthorized`)
 * for `tls`. The only place in the client that knows there is more than one transport. A TLS
 * certificate that does not carry the name connected to fails with the names it does carry
 * (explainNameMismatch). With `wiretap`, the connection's bytes are logged both ways
 * (wiretapConnection); without it nothing is added.
 *
 * Example: `connectEndpoint(resolveTcpClientOptions({ transport: 'unix', path: '/tmp/calc.sock' }), { id: 1, onClosed })`
 *
 * @see connectTcp, connectTls, sessionSlot
 */
export function connectEndpoint(options: Readonly<TcpClientOptions>, hooks: EndpointHooks): Observable<TcpConnection> {
  const tap = options.wiretap;
  const connection$ = connectOver(options, hooks);
  return tap === undefined ? connection$ : connection$.pipe(map((connection) => wiretapConnection(connection, tap)));
}

/** The connection over the options' transport, untapped. */
function connectOver(options: Readonly<TcpClientOptions>, hooks: EndpointHooks): Observable<TcpConnection> {
  const { id, onClosed } = hooks;
  if (options.transport === 'unix') return connectTcp({ path: options.path ?? '', id, onClosed });
  if (options.transport === 'tcp') return connectTcp({ host: options.host, port: options.port, id, onClosed });
  return connectTls({
    host: options.host,
    port: options.port,
    id,
    onClosed,
    ...(options.ca === undefined ? {} : { ca: options.ca }),
    ...(options.servername === undefined ? {} : { servername: options.servername }),
    ...(options.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: options.rejectUnauthorized }),
  }).pipe(catchError((err: unknown) => throwError(() => explainNameMismatch(err))));
}
