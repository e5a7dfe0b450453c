import type { TrustedCertificates } from './tcpClientOptions.js';

/** Where a client connects, and how it trusts a TLS server: the options every client shares. */
export interface EndpointOptions {
  /** The server's host (`::1` for IPv6 loopback). Defaults to `127.0.0.1`. Not used by `unix`. */
  readonly host: string;
  /** The server's port. Defaults to 9000. Not used by `unix`. */
  readonly port: number;
  /** `unix` only, and required there: the path of the server's socket file. */
  readonly path?: string | undefined;
  /** `tls` only: the certificates to trust instead of the system's CAs, e.g. a self-signed server's own certificate. */
  readonly ca?: TrustedCertificates | undefined;
  /** `tls` only: the name the server's certificate must carry (and SNI). Defaults to `host`. */
  readonly servername?: string | undefined;
  /** `tls` only: refuse a server whose certificate cannot be verified. Defaults to true. */
  readonly rejectUnauthorized?: boolean | undefined;
}
