import { expect } from 'chai';
import { formatSsdpMessage } from '../../lib/discovery/formatSsdpMessage.js';
import { MAX_SSDP_DATAGRAM, type ParsedSsdpMessage, type SsdpMessage } from '../../lib/discovery/SsdpMessage.js';
import { parseSsdpMessage } from '../../lib/discovery/parseSsdpMessage.js';

const USN = 'uuid:0b6f1c2e-7a8d-4c3b-9e5f-1a2b3c4d5e6f::urn:rxnet:service:calc:1';
const crlf = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('formatSsdpMessage', () => {
  const cases: Array<{ name: string; message: SsdpMessage; text: string }> = [
    {
      name: 'an M-SEARCH with HOST, the quoted MAN, MX and ST',
      message: { kind: 'search', host: '239.255.255.250:1900', st: 'urn:rxnet:service:calc:1', mx: 2 },
      text: crlf('M-SEARCH * HTTP/1.1', 'HOST: 239.255.255.250:1900', 'MAN: "ssdp:discover"', 'MX: 2', 'ST: urn:rxnet:service:calc:1'),
    },
    {
      name: 'a unicast M-SEARCH without MX',
      message: { kind: 'search', host: '10.0.0.7:1900', st: 'ssdp:all' },
      text: crlf('M-SEARCH * HTTP/1.1', 'HOST: 10.0.0.7:1900', 'MAN: "ssdp:discover"', 'ST: ssdp:all'),
    },
    {
      name: 'a 200 OK with CACHE-CONTROL, DATE, an empty EXT, LOCATION, SERVER, ST and USN',
      message: {
        kind: 'response',
        maxAge: 1800,
        location: 'tcp://127.0.0.1:9000',
        server: 'Linux/6.1 UPnP/1.1 rxnet/0.1',
        st: 'urn:rxnet:service:calc:1',
        usn: USN,
        date: 'Thu, 01 Jan 1970 00:00:00 GMT',
      },
      text: crlf(
        'HTTP/1.1 200 OK',
        'CACHE-CONTROL: max-age=1800',
        'DATE: Thu, 01 Jan 1970 00:00:00 GMT',
        'EXT:',
        'LOCATION: tcp://127.0.0.1:9000',
        'SERVER: Linux/6.1 UPnP/1.1 rxnet/0.1',
        'ST: urn:rxnet:service:calc:1',
        `USN: ${USN}`,
      ),
    },
    {
      name: 'a 200 OK without DATE',
      message: { kind: 'response', maxAge: 60, location: 'udp://[::1]:9001', server: 'x', st: 'ssdp:all', usn: USN },
      text: crlf('HTTP/1.1 200 OK', 'CACHE-CONTROL: max-age=60', 'EXT:', 'LOCATION: udp://[::1]:9001', 'SERVER: x', 'ST: ssdp:all', `USN: ${USN}`),
    },
    {
      name: 'a NOTIFY ssdp:alive with HOST, CACHE-CONTROL, LOCATION, NT, NTS, SERVER and USN',
      message: {
        kind: 'notify',
        host: '239.255.255.250:1900',
        nt: 'urn:rxnet:service:calc:1',
        nts: 'ssdp:alive',
        usn: USN,
        location: 'tcp://127.0.0.1:9000',
        maxAge: 1800,
        server: 'x',
      },
      text: crlf(
        'NOTIFY * HTTP/1.1',
        'HOST: 239.255.255.250:1900',
        'CACHE-CONTROL: max-age=1800',
        'LOCATION: tcp://127.0.0.1:9000',
        'NT: urn:rxnet:service:calc:1',
        'NTS: ssdp:alive',
        'SERVER: x',
        `USN: ${USN}`,
      ),
    },
    {
      name: 'a NOTIFY ssdp:byebye with only HOST, NT, NTS and USN',
      message: { kind: 'notify', host: '239.255.255.250:1900', nt: 'urn:rxnet:service:calc:1', nts: 'ssdp:byebye', usn: USN },
      text: crlf('NOTIFY * HTTP/1.1', 'HOST: 239.255.255.250:1900', 'NT: urn:rxnet:service:calc:1', 'NTS: ssdp:byebye', `USN: ${USN}`),
    },
    {
      name: 'extra headers after the defined ones',
      message: { kind: 'search', host: 'h:1', st: 's', mx: 1, headers: { 'USER-AGENT': 'rxnet', 'X-EMPTY': '' } },
      text: crlf('M-SEARCH * HTTP/1.1', 'HOST: h:1', 'MAN: "ssdp:discover"', 'MX: 1', 'ST: s', 'USER-AGENT: rxnet', 'X-EMPTY:'),
    },
  ];
  for (const { name, message, text } of cases) {
    it(`formats ${name}`, () => {
      expect(formatSsdpMessage(message)).to.equal(text);
    });
  }

  it('turns line breaks inside a value into spaces, so no value can add a header', () => {
    const text = formatSsdpMessage({ kind: 'search', host: 'h:1', st: 'a\r\nMX: 9' });
    expect(text).to.equal(crlf('M-SEARCH * HTTP/1.1', 'HOST: h:1', 'MAN: "ssdp:discover"', 'ST: a MX: 9'));
  });

  it('gives back what it formatted when parsed (without extra headers)', () => {
    for (const { message } of cases.filter((c) => c.message.headers === undefined)) {
      expect(parseSsdpMessage(formatSsdpMessage(message))).to.deep.equal(message);
    }
  });
});

describe('parseSsdpMessage', () => {
  const valid: Array<{ name: string; text: string | Buffer; message: ParsedSsdpMessage }> = [
    {
      name: 'a search from gssdp-discover (mixed-case names, MX 3, a USER-AGENT)',
      text: 'M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: "ssdp:discover"\r\nST: urn:rxnet:service:calc:1\r\nMX: 3\r\nUser-Agent: Linux/6.1 UPnP/1.0 GSSDP/1.6.2\r\n\r\n',
      message: {
        kind: 'search',
        host: '239.255.255.250:1900',
        st: 'urn:rxnet:service:calc:1',
        mx: 3,
        headers: { 'user-agent': 'Linux/6.1 UPnP/1.0 GSSDP/1.6.2' },
      },
    },
    {
      name: 'a search with LF line ends, lower-case names and no final empty line',
      text: 'M-SEARCH * HTTP/1.1\nhost: 239.255.255.250:1900\nman: "ssdp:discover"\nmx: 1\nst: ssdp:all',
      message: { kind: 'search', host: '239.255.255.250:1900', st: 'ssdp:all', mx: 1 },
    },
    {
      name: 'a search whose MAN lacks its quotes and whose values have spaces around them',
      text: 'M-SEARCH * HTTP/1.1\r\nHOST:   239.255.255.250:1900  \r\nMAN:ssdp:discover\r\nST:\tssdp:all \r\n\r\n',
      message: { kind: 'search', host: '239.255.255.250:1900', st: 'ssdp:all' },
    },
    {
      name: 'a search given as a Buffer, with a body after the empty line',
      text: Buffer.from('M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nMAN: "ssdp:discover"\r\nST: s\r\n\r\nST: ignored'),
      message: { kind: 'search', host: 'h:1', st: 's' },
    },
    {
      name: 'a 200 OK whose CACHE-CONTROL has other directives, and whose first duplicate header wins',
      text: 'HTTP/1.1 200 OK\r\nCache-Control: no-cache="Ext", max-age = 120\r\nEXT:\r\nLocation: tcp://10.0.0.7:9000\r\nServer: s\r\nST: urn:rxnet:service:calc:1\r\nST: other\r\nUSN: u\r\n\r\n',
      message: { kind: 'response', maxAge: 120, location: 'tcp://10.0.0.7:9000', server: 's', st: 'urn:rxnet:service:calc:1', usn: 'u' },
    },
    {
      name: 'a 200 OK without SERVER or EXT (forgiven), with a reason phrase other than OK',
      text: 'HTTP/1.1 200 Fine\r\nCACHE-CONTROL: max-age=5\r\nLOCATION: udp://h:1\r\nST: s\r\nUSN: u\r\n\r\n',
      message: { kind: 'response', maxAge: 5, location: 'udp://h:1', server: '', st: 's', usn: 'u' },
    },
    {
      name: 'a NOTIFY ssdp:update (no LOCATION needed) with a folded header line',
      text: 'NOTIFY * HTTP/1.1\r\nHOST: h:1\r\nNT: t\r\nNTS: ssdp:update\r\nUSN: u\r\nX-NOTE: one\r\n  two\r\n\r\n',
      message: { kind: 'notify', host: 'h:1', nt: 't', nts: 'ssdp:update', usn: 'u', headers: { 'x-note': 'one two' } },
    },
    {
      name: 'a header named __proto__ as a plain extra header',
      text: 'NOTIFY * HTTP/1.1\r\nHOST: h:1\r\nNT: t\r\nNTS: ssdp:byebye\r\nUSN: u\r\n__proto__: x\r\n\r\n',
      message: { kind: 'notify', host: 'h:1', nt: 't', nts: 'ssdp:byebye', usn: 'u', headers: JSON.parse('{"__proto__":"x"}') as Record<string, string> },
    },
  ];
  for (const { name, text, message } of valid) {
    it(`parses ${name}`, () => {
      expect(parseSsdpMessage(text)).to.deep.equal(message);
    });
  }

  const invalid: Array<{ name: string; text: string | Buffer; reason: string }> = [
    { name: 'an empty datagram', text: '', reason: 'not an SSDP start line: ""' },
    { name: 'bytes that are not text', text: Buffer.from([0, 255, 1]), reason: 'not an SSDP start line: "\u0000\ufffd\u0001"' },
    { name: 'a calc request', text: '+,1,2\n', reason: 'not an SSDP start line: "+,1,2"' },
    { name: 'a lower-case method', text: 'm-search * HTTP/1.1\r\n\r\n', reason: 'not an SSDP start line: "m-search * HTTP/1.1"' },
    { name: 'a GET', text: 'GET / HTTP/1.1\r\nHOST: h\r\n\r\n', reason: 'not an SSDP start line: "GET / HTTP/1.1"' },
    { name: 'a status other than 200', text: 'HTTP/1.1 404 Not Found\r\n\r\n', reason: 'status 404 is not 200' },
    { name: 'a header line without a colon', text: 'M-SEARCH * HTTP/1.1\r\nHOST h\r\n\r\n', reason: 'malformed header line "HOST h"' },
    { name: 'a header name with a space', text: 'M-SEARCH * HTTP/1.1\r\nMY HOST: h\r\n\r\n', reason: 'malformed header line "MY HOST: h"' },
    { name: 'a search without ST', text: 'M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n\r\n', reason: 'ST: missing' },
    { name: 'a search with an empty ST', text: 'M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nMAN: "ssdp:discover"\r\nST:\r\n\r\n', reason: 'ST: empty' },
    { name: 'a search without HOST', text: 'M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nST: s\r\n\r\n', reason: 'HOST: missing' },
    { name: 'a search without MAN', text: 'M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nST: s\r\n\r\n', reason: 'MAN: missing' },
    { name: 'a search with another MAN', text: 'M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nMAN: "ssdp:other"\r\nST: s\r\n\r\n', reason: 'MAN: expected "ssdp:discover"' },
    { name: 'a search with MX -1', text: 'M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nMAN: "ssdp:discover"\r\nMX: -1\r\nST: s\r\n\r\n', reason: 'MX: expected a whole number of seconds' },
    { name: 'a search with MX 1.5', text: 'M-SEARCH * HTTP/1.1\r\nHOST: h:1\r\nMAN: "ssdp:discover"\r\nMX: 1.5\r\nST: s\r\n\r\n', reason: 'MX: expected a whole number of seconds' },
    { name: 'a 200 OK without CACHE-CONTROL', text: 'HTTP/1.1 200 OK\r\nLOCATION: l\r\nST: s\r\nUSN: u\r\n\r\n', reason: 'CACHE-CONTROL: missing' },
    { name: 'a 200 OK without max-age', text: 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: no-cache\r\nLOCATION: l\r\nST: s\r\nUSN: u\r\n\r\n', reason: 'CACHE-CONTROL: expected max-age=SECONDS' },
    { name: 'a 200 OK with a smax-age only', text: 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: smax-age=5\r\nLOCATION: l\r\nST: s\r\nUSN: u\r\n\r\n', reason: 'CACHE-CONTROL: expected max-age=SECONDS' },
    { name: 'a 200 OK without LOCATION', text: 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=5\r\nST: s\r\nUSN: u\r\n\r\n', reason: 'LOCATION: missing' },
    { name: 'a 200 OK without USN', text: 'HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=5\r\nLOCATION: l\r\nST: s\r\n\r\n', reason: 'USN: missing' },
    { name: 'a NOTIFY with an unknown NTS', text: 'NOTIFY * HTTP/1.1\r\nHOST: h:1\r\nNT: t\r\nNTS: ssdp:maybe\r\nUSN: u\r\n\r\n', reason: 'NTS: expected ssdp:alive, ssdp:byebye, ssdp:update' },
    { name: 'a NOTIFY without NT', text: 'NOTIFY * HTTP/1.1\r\nHOST: h:1\r\nNTS: ssdp:byebye\r\nUSN: u\r\n\r\n', reason: 'NT: missing' },
    { name: 'an ssdp:alive without LOCATION', text: 'NOTIFY * HTTP/1.1\r\nHOST: h:1\r\nCACHE-CONTROL: max-age=5\r\nNT: t\r\nNTS: ssdp:alive\r\nUSN: u\r\n\r\n', reason: 'LOCATION: missing' },
    { name: 'an ssdp:alive without CACHE-CONTROL', text: 'NOTIFY * HTTP/1.1\r\nHOST: h:1\r\nLOCATION: l\r\nNT: t\r\nNTS: ssdp:alive\r\nUSN: u\r\n\r\n', reason: 'CACHE-CONTROL: missing' },
    { name: 'a datagram over the size limit', text: `M-SEARCH * HTTP/1.1\r\nX: ${'a'.repeat(MAX_SSDP_DATAGRAM)}\r\n\r\n`, reason: `longer than ${MAX_SSDP_DATAGRAM} bytes` },
  ];
  for (const { name, text, reason } of invalid) {
    it(`gives an invalid value, never a throw, for ${name}`, () => {
      const parsed = parseSsdpMessage(text);
      expect(parsed).to.deep.equal({ kind: 'invalid', reason, text: (typeof text === 'string' ? text : text.toString('utf8')).slice(0, 80) });
    });
  }
});
