/** The transport options a client may be given, whatever else it takes. */
interface TransportChoice {
  readonly transport: string;
  readonly path?: unknown;
  readonly ca?: unknown;
  readonly servername?: unknown;
  readonly rejectUnauthorized?: unknown;
}

const TLS_ONLY = ['ca', 'servername', 'rejectUnauthorized'] as const;

/**
 * The first rule across a client's transport options that `options` break, as one sentence, or
 * undefined: `unix` needs `path`, `path` applies to `unix` only, and `ca`, `servername` and
 * `rejectUnauthorized` apply to `tls` only. Shared by the TCP and calc clients' option schemas.
 *
 * Example: `transportRuleBroken({ transport: 'tcp', ca: pem })` is `'ca applies to transport tls only'`.
 */
export function transportRuleBroken(options: TransportChoice): string | undefined {
  if (options.transport === 'unix' && options.path === undefined) return 'transport unix needs path';
  if (options.transport !== 'unix' && options.path !== undefined) return 'path applies to transport unix only';
  const misplaced = options.transport === 'tls' ? undefined : TLS_ONLY.find((name) => options[name] !== undefined);
  return misplaced === undefined ? undefined : `${misplaced} applies to transport tls only`;
}
