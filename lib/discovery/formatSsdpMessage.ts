import type { ExtraHeaders, SsdpMessage } from './SsdpMessage.js';
import { SSDP_DISCOVER } from './SsdpMessage.js';

/** A header value on one line: any CR or LF becomes a space, so no value can inject a header. */
const oneLine = (value: string | number): string => String(value).replace(/[\r\n]+/g, ' ');

/**
 * Formats an SSDP message as the text of one datagram: a start line, `NAME: value` headers in
 * upper case, each ending in CRLF, and an empty line. Optional fields left undefined are not
 * written; `headers` are appended as given.
 *
 * Example: `formatSsdpMessage({ kind: 'search', host: '239.255.255.250:1900', st: 'ssdp:all', mx: 2 })` is
 * `'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 2\r\nST: ssdp:all\r\n\r\n'`.
 *
 * @see parseSsdpMessage
 */
export function formatSsdpMessage(message: SsdpMessage): string {
  switch (message.kind) {
    case 'search':
      return compose('M-SEARCH * HTTP/1.1', [
        ['HOST', message.host],
        ['MAN', `"${SSDP_DISCOVER}"`],
        ['MX', message.mx],
        ['ST', message.st],
      ], message.headers);
    case 'response':
      return compose('HTTP/1.1 200 OK', [
        ['CACHE-CONTROL', `max-age=${message.maxAge}`],
        ['DATE', message.date],
        ['EXT', ''],
        ['LOCATION', message.location],
        ['SERVER', message.server],
        ['ST', message.st],
        ['USN', message.usn],
      ], message.headers);
    case 'notify':
      return compose('NOTIFY * HTTP/1.1', [
        ['HOST', message.host],
        ['CACHE-CONTROL', message.maxAge === undefined ? undefined : `max-age=${message.maxAge}`],
        ['LOCATION', message.location],
        ['NT', message.nt],
        ['NTS', message.nts],
        ['SERVER', message.server],
        ['USN', message.usn],
      ], message.headers);
  }
}

/** Joins a start line and the defined headers into one CRLF-terminated message. */
function compose(startLine: string, fields: ReadonlyArray<readonly [string, string | number | undefined]>, extra?: ExtraHeaders): string {
  const lines = [startLine];
  for (const [name, value] of [...fields, ...Object.entries(extra ?? {})]) {
    if (value !== undefined) lines.push(value === '' ? `${oneLine(name)}:` : `${oneLine(name)}: ${oneLine(value)}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
