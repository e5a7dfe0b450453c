import { expect } from 'chai';
import { encodeOutcome } from '../../../lib/calc/protocol/encodeOutcome.js';
import { encodeRequest } from '../../../lib/calc/protocol/encodeRequest.js';
import { parseReply } from '../../../lib/calc/protocol/parseReply.js';
import { parseRequest } from '../../../lib/calc/protocol/parseRequest.js';
import { OPERATORS } from '../../../lib/calc/protocol/types.js';

/** mulberry32: a small seeded generator of 32-bit integers, so a failure can be replayed. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Finite doubles from every binade: random bit patterns (non-finite ones skipped) plus edge values. */
function doubles(count: number, seed: number): number[] {
  const next = seeded(seed);
  const view = new DataView(new ArrayBuffer(8));
  const out = [0, -0, 1, -1, 0.1, 1e21, 1e-7, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 2 ** 53 + 2];
  while (out.length < count) {
    view.setUint32(0, next());
    view.setUint32(4, next());
    const value = view.getFloat64(0);
    if (Number.isFinite(value)) out.push(value);
  }
  return out;
}

/** What a value becomes on the wire: itself, except that -0 is sent as 0. */
const wire = (value: number): number => (value === 0 ? 0 : value);

describe('protocol round trips (5,000 seeded random doubles)', () => {
  const values = doubles(5000, 0x5eed);

  it('parseReply(encodeOutcome(value)) gives back the same double', () => {
    for (const value of values) {
      const parsed = parseReply(`${encodeOutcome({ ok: true, value })}\n`);
      expect(parsed.ok, String(value)).to.equal(true);
      if (!parsed.ok) return;
      expect(Object.is(parsed.reply.value, wire(value)), `${value} came back as ${parsed.reply.value}`).to.equal(true);
    }
  });

  it('parseRequest(encodeRequest(request)) gives back the same request', () => {
    for (let i = 0; i + 1 < values.length; i += 2) {
      const request = { op: OPERATORS[i % OPERATORS.length] ?? '+', a: values[i] ?? 0, b: values[i + 1] ?? 0 };
      const parsed = parseRequest(encodeRequest(request));
      expect(parsed, encodeRequest(request)).to.deep.equal({
        ok: true,
        request: { op: request.op, a: wire(request.a), b: wire(request.b) },
      });
    }
  });
});
