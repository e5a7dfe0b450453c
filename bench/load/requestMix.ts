/**
 * The load generator's request mix: every request has a known answer, computed here with plain
 * JavaScript arithmetic (never with rxnet's own functions), so a reply is verified, not trusted.
 * About one request in eight is invalid or an arithmetic error (`300,-1`), so the servers' error
 * path is measured too.
 */

/** One request: the line to send (no terminator) and the exact reply text expected (no `\n`). */
export interface MixedRequest {
  readonly text: string;
  readonly expected: string;
}

/** Fixed cases with hand-checked answers: formatting edge cases, spaces, CRLF, invalid input. */
export const FIXED_CASES: readonly MixedRequest[] = [
  { text: '/,1,0', expected: '300,-1' },
  { text: '+, 1 ,\t2.5', expected: '200,3.5' },
  { text: 'x', expected: '300,-1' },
  { text: '+,0.1,0.2', expected: '200,0.30000000000000004' },
  { text: '', expected: '300,-1' },
  { text: '*,0,-1', expected: '200,0' },
  { text: '+,1', expected: '300,-1' },
  { text: '*,-1.5e3,2', expected: '200,-3000' },
  { text: '+,0x1,1', expected: '300,-1' },
  { text: '+,2,2\r', expected: '200,4' },
  { text: '+,Infinity,1', expected: '300,-1' },
  { text: '^,-8,0.5', expected: '300,-1' },
  { text: '%,1,0', expected: '300,-1' },
  { text: '^,10,400', expected: '300,-1' },
  { text: '/,1,3', expected: '200,0.3333333333333333' },
  { text: '-,1e-7,0', expected: '200,1e-7' },
];

/**
 * The `k`-th request of the mix. Requests are distinct (they carry `k`), so a reply that arrives
 * out of order or for another request is caught as a mismatch.
 *
 * Example: `mixedRequest(0)` is `{ text: '+,0,1', expected: '200,1' }`.
 */
export function mixedRequest(k: number): MixedRequest {
  switch (k & 7) {
    case 0:
      return { text: `+,${k},1`, expected: `200,${k + 1}` };
    case 1:
      return { text: `*,${k},2`, expected: `200,${k * 2}` };
    case 2:
      return { text: `-,${k},0.5`, expected: `200,${String(k - 0.5)}` };
    case 3:
      return { text: `/,${k},4`, expected: `200,${String(k / 4)}` };
    case 4:
      return { text: `%,${k}, 7`, expected: `200,${k % 7}` };
    case 5:
      return { text: `^,2,${k % 20}`, expected: `200,${2 ** (k % 20)}` };
    case 6:
      return FIXED_CASES[(k >>> 3) % FIXED_CASES.length] as MixedRequest;
    default:
      return { text: `+,${k},oops`, expected: '300,-1' };
  }
}
