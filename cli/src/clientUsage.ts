import { CALC_CLIENT_DEFAULTS } from '../../lib/index.js';
import { programName } from './programName.js';
import { SSDP_USAGE } from './ssdpFlags.js';

/** Documented defaults, in seconds where the flag is. */
export const DEFAULT_TIMEOUT_S = 1;
export const DEFAULT_MAX_TIMEOUT_S = 2;
/** The default --mx of --discover, in seconds (as `rxnet.js discover` has it). */
export const DEFAULT_MX_S = 2;
/** The longest --timeout or --max-timeout accepted, in seconds. */
export const MAX_SECONDS = 3600;

/**
 * The client's --help text, its usage lines naming the client as `program`.
 *
 * Example: `clientUsage('rxnet client')` starts with `Usage: rxnet client [--tcp | --udp ...`.
 *
 * @param program defaults to the name this process was started as (see programName).
 */
export function clientUsage(program = programName('client')): string {
  return `Usage: ${program} [--tcp | --udp | --tls [--ca FILE] | --unix PATH] [--host H] [--port P] [--framing line|chunk] [--timeout SECONDS] [--expb] [--max-timeout SECONDS] [--wiretap text|hex] [REQUEST...]
       ${program} --discover [--first] [--mx SECONDS] [--ssdp-group ADDR] [--ssdp-port N] [--ssdp-interface ADDR] [--timeout ...] [REQUEST...]

Sends calc requests "OP,A,B" (OP one of + - * / % ^) and prints each answer, "200,RESULT" or
"300,-1", on its own stdout line, in request order.

  --tcp                  use TCP (default)
  --udp                  use UDP
  --tls                  use TLS over TCP; the server's certificate must be trusted: by the
                         system's CAs, or by --ca
  --ca FILE              with --tls, a PEM file of the certificates to trust instead of the
                         system's CAs (a private CA, or a self-signed server's own certificate)
  --unix PATH            use the Unix domain stream socket at PATH (no --host or --port)
  --host H               server address (default ${CALC_CLIENT_DEFAULTS.host}; ::1 or [::1] for IPv6)
  --port P               server port (default ${CALC_CLIENT_DEFAULTS.port})
  --framing line|chunk   TCP, TLS, Unix: "line" (default): a reply ends with a newline; "chunk"
                         for the original seed server, which sends none: bytes followed by
                         20 ms of quiet are one reply (until the server sends a newline)
  --timeout SECONDS      how long to wait for an answer (default ${DEFAULT_TIMEOUT_S}). Without --expb there is
                         one attempt that waits this long
  --expb                 exponential backoff: send, wait SECONDS; no answer: send again, wait twice
                         as long, and so on while the wait is at most --max-timeout; when the next
                         wait would exceed it, give up without another send. An answer to any copy
                         counts. --timeout 0.1 --expb sends at 0, 0.1, 0.3, 0.7, 1.5 s; gives up at 3.1 s
  --max-timeout SECONDS  with --expb, the longest wait (default ${DEFAULT_MAX_TIMEOUT_S}, the seed's limit)
  --hedge MS             UDP: send a second copy of a request when no answer came within MS;
                         the first answer wins (for idempotent requests, as calc's are)
  --circuit-breaker N    after N requests in a row got no answer, refuse requests unsent for
                         5 s, then let one trial request through (its answer closes the circuit)
  --wiretap text|hex     log the bytes of every connection or datagram on stderr (time, direction,
                         peer, length, then escaped text or hexdump -C lines); off by default
  -h, --help             print this help
  --version              print rxnet's version

Finding the server with SSDP (servers started with --announce):
  --discover             search for servers, list each as [N] transport://host:port on stderr,
                         and send the requests to the one picked: the only one that answered,
                         or, when several did, the one you pick by number (stdin a terminal)
  --first                take the first server that answers (the search stops there); without
                         it and without a terminal, several answers are a usage error
  --mx SECONDS           how long servers may wait before answering, 1-5; the search lasts
                         MX + 1 s (default ${DEFAULT_MX_S})
${SSDP_USAGE}

Requests come from the arguments, else one per line from stdin (blank lines are skipped); with
a terminal on stdin it names the server, prompts, and Ctrl-D (or Ctrl-C, exit 130) ends the
session; a server that goes away mid-session is reconnected to for the next request. A request such as -,5,3 is taken
as a request, not a flag. Requests are sent one at a time, each after the previous one's
answer, on one connection (the original seed server takes each read as one request, and its
replies, which end with no newline, need --framing chunk). A request that gets no answer
prints one line on stderr and the client goes on; a server that cannot be
reached (TCP, TLS, Unix: 4 connection attempts in about 0.7 s; UDP: port unreachable) or a TLS
certificate that is not trusted stops it at once.
When stdout is not a terminal it carries nothing but the answers.

Exit 0 when every request was answered, 1 when some were not, the server could not be reached
or (--discover) none answered, 2 on a usage error.`;
}

/** The client's --help text for this process (see clientUsage). */
export const CLIENT_USAGE = clientUsage();

