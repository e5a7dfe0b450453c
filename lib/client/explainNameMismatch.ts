/** node's code for a server certificate that does not carry the name connected to. */
const ALTNAME_INVALID = 'ERR_TLS_CERT_ALTNAME_INVALID';

/** The parts of node's ERR_TLS_CERT_ALTNAME_INVALID error read here. */
interface AltnameError extends Error {
  readonly code: string;
  /** The name that was checked: the servername, else the host. */
  readonly host?: unknown;
  /** The server's certificate, as `getPeerCertificate()` gives it. */
  readonly cert?: { readonly subjectaltname?: unknown; readonly subject?: { readonly CN?: unknown } };
}

/**
 * The names a certificate holds, as one would connect to them: its DNS and IP entries
 * (`subjectaltname` `DNS:localhost, IP Address:0:0:0:0:0:0:0:1` gives `localhost`, `::1`), else
 * its subject's CN.
 */
function namesOf(cert: AltnameError['cert']): string[] {
  const entries = typeof cert?.subjectaltname === 'string' ? cert.subjectaltname.split(/,\s*/) : [];
  const names = entries.flatMap((entry) => {
    if (entry.startsWith('DNS:')) return [entry.slice(4)];
    if (entry.startsWith('IP Address:')) return [shortIp(entry.slice(11))];
    return [];
  });
  const cn = cert?.subject?.CN;
  return names.length > 0 || typeof cn !== 'string' ? names : [cn];
}

/** node writes IPv6 entries in full (`0:0:0:0:0:0:0:1`); the URL parser gives the short form (`::1`). */
function shortIp(ip: string): string {
  if (!ip.includes(':')) return ip;
  try {
    return new URL(`tcp://[${ip}]`).hostname.slice(1, -1);
  } catch {
    return ip;
  }
}

function list(names: readonly string[]): string {
  return names.length < 2 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}`;
}

/**
 * Gives node's "the certificate does not carry this name" error (ERR_TLS_CERT_ALTNAME_INVALID,
 * `IP: 127.0.0.1 is not in the cert's list: `) a `reason` that names what it does carry and
 * what to connect to: `the certificate is for localhost, not 127.0.0.1; connect to localhost`.
 * Any other error is returned as it is. The result keeps node's `code`, and has the original
 * as its `cause`. Internal to the TCP client (see connectEndpoint).
 *
 * Example: `connectTls(options).pipe(catchError((err) => throwError(() => explainNameMismatch(err))))`
 *
 * @see isTlsHandshakeError
 */
export function explainNameMismatch(err: unknown): unknown {
  if (!(err instanceof Error) || (err as { code?: unknown }).code !== ALTNAME_INVALID) return err;
  const { host, cert } = err as AltnameError;
  const names = namesOf(cert);
  if (names.length === 0) return err;
  const hint = names.length === 1 && !names[0]?.startsWith('*') ? `connect to ${names[0] ?? ''}` : 'connect to a name it holds';
  const reason = `the certificate is for ${list(names)}, not ${typeof host === 'string' ? host : 'the name connected to'}; ${hint}`;
  return Object.assign(new Error(reason, { cause: err }), { code: ALTNAME_INVALID, reason, host, cert });
}
