import type { Server, ServerOpts } from 'node:net';
import { createSecureContext, createServer as createTlsServer } from 'node:tls';
import type { Observable } from 'rxjs';
import { RxnetInvalidOptionError } from '../errors.js';
import { guardHandshakes } from './guardHandshakes.js';
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
 * Each connection is emitted once its handshake is done; a failed handshake never reaches it, and
 * one not done within `handshakeTimeoutMs` (10 s by default) is closed (see guardHandshakes).
 *
 * Example: `listenTls({ port: 9443, cert, key }).pipe(mergeMap((conn) => ...)).subscribe()`
 *
 * @throws RxnetInvalidOptionError at once when `cert` holds no PEM certificate, `key` no PEM
 *   private key (`Invalid cert: it holds no PEM certificate (found a private key; are cert and
 *   key swapped?)`), or the two do not make a TLS context (a key that is not the certificate's).
 * @see listenTcp
 */
export function listenTls(options: ListenTlsOptions): Observable<TcpConnection> {
  const { cert, key, ...rest } = options;
  checkCredentials(cert, key);
  const create = (serverOptions: ServerOpts): Server => createTlsServer({ ...serverOptions, cert, key });
  // A handshake has a deadline; a FIN or an error during it closes the connection (issue 11).
  const guarded = (serverOptions: ServerOpts): Server => guardHandshakes(create({ ...serverOptions, allowHalfOpen: false }), rest);
  return listenTcp({ ...rest, createServer: guarded as ListenTcpOptions['createServer'], connectionEvent: 'secureConnection' });
}

/** OpenSSL's code for a key that does not belong to the certificate. */
const KEY_MISMATCH = 'ERR_OSSL_X509_KEY_VALUES_MISMATCH';
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----/;
/** `PRIVATE KEY`, `RSA PRIVATE KEY`, `EC PRIVATE KEY`, `ENCRYPTED PRIVATE KEY`. */
const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

/** Throws an RxnetInvalidOptionError naming what is wrong with a certificate and key, before node:tls gives `PEM routines::no start line`. */
function checkCredentials(cert: string | Buffer, key: string | Buffer): void {
  const certText = cert.toString();
  const keyText = key.toString();
  if (!PEM_CERTIFICATE.test(certText)) {
    throw missing('cert', PEM_PRIVATE_KEY.test(certText) ? 'a private key' : undefined);
  }
  if (!PEM_PRIVATE_KEY.test(keyText)) {
    throw missing('key', PEM_CERTIFICATE.test(keyText) ? 'a certificate' : undefined);
  }
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    const { reason, code } = err as { reason?: unknown; code?: unknown };
    const detail =
      code === KEY_MISMATCH ? "the private key is not the certificate's" : typeof reason === 'string' ? reason : err instanceof Error ? err.message : String(err);
    throw new RxnetInvalidOptionError(
      { option: 'cert', value: detail, expected: 'a certificate chain and its private key' },
      `Invalid cert and key: ${detail}${typeof code === 'string' ? ` (${code})` : ''}`,
    );
  }
}

function missing(option: 'cert' | 'key', found: string | undefined): RxnetInvalidOptionError {
  const holds = option === 'cert' ? 'PEM certificate' : 'PEM private key';
  const hint = found === undefined ? `expected "-----BEGIN ${option === 'cert' ? 'CERTIFICATE' : 'PRIVATE KEY'}-----"` : `found ${found}; are cert and key swapped?`;
  return new RxnetInvalidOptionError({ option, value: found ?? '', expected: `a ${holds}` }, `Invalid ${option}: it holds no ${holds} (${hint})`);
}
