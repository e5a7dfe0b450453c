import type { NetConnectOpts, Socket } from 'node:net';
import { connect as connectTlsSocket, type ConnectionOptions } from 'node:tls';
import type { Observable } from 'rxjs';
import { connectStream } from './connectTcp.js';
import type { TcpConnection } from './TcpConnection.js';

/** Options of {@link connectTls}: a host and port, and what to trust. */
export interface ConnectTlsOptions {
  /** The host to connect to. Defaults to `127.0.0.1`. */
  readonly host?: string;
  /** The port to connect to. */
  readonly port: number;
  /** The certificates to trust (PEM), instead of the system's CAs: a private CA, or a self-signed server's own certificate. */
  readonly ca?: string | Buffer | ReadonlyArray<string | Buffer>;
  /** The name the server's certificate must carry, also sent as SNI. Defaults to `host` (an IP address is checked against the certificate's IP entries). */
  readonly servername?: string;
  /** Refuse a server whose certificate cannot be verified. Defaults to true; false is for tests against throwaway certificates only. */
  readonly rejectUnauthorized?: boolean;
  /** The id of the emitted connection. Defaults to a process-wide counter. */
  readonly id?: number;
  /** Disables Nagle's algorithm. Defaults to true. */
  readonly noDelay?: boolean;
  /** Called once the socket has closed, whatever closed it. */
  readonly onClosed?: () => void;
}

/**
 * A TLS client connection as an observable: exactly connectTcp's contract, over node:tls. The
 * connection is emitted after `secureConnect`, once the handshake is done and the server's
 * certificate verified; a failed handshake is an error notification with node's raw error, for
 * an untrusted certificate `DEPTH_ZERO_SELF_SIGNED_CERT`, `UNABLE_TO_VERIFY_LEAF_SIGNATURE`, or
 * `ERR_TLS_CERT_ALTNAME_INVALID` for a name the certificate does not carry.
 *
 * ```
 * subscribe -> connect, handshake ----c-------(socket closed)|
 * subscribe -> connect, handshake --#   (DEPTH_ZERO_SELF_SIGNED_CERT)
 * ```
 *
 * Example: `connectTls({ host: 'localhost', port: 9443, ca: readFileSync('cert.pem') }).subscribe((conn) => conn.send('+,1,1\n'))`
 *
 * @see connectTcp, listenTls
 */
export function connectTls(options: ConnectTlsOptions): Observable<TcpConnection> {
  const { ca, servername, rejectUnauthorized, ...rest } = options;
  const tlsOptions = {
    ...(ca === undefined ? {} : { ca: typeof ca === 'string' || Buffer.isBuffer(ca) ? ca : [...ca] }),
    ...(servername === undefined ? {} : { servername }),
    rejectUnauthorized: rejectUnauthorized ?? true,
  };
  const open = (netOptions: NetConnectOpts): Socket => connectTlsSocket({ ...(netOptions as ConnectionOptions), ...tlsOptions });
  return connectStream(rest, { open, readyEvent: 'secureConnect' });
}
