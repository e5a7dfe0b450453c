import { expect } from 'chai';
import fc from 'fast-check';
import { encodeOutcome, ERROR_REPLY, formatNumber } from '../../lib/calc/protocol/encodeOutcome.js';
import { encodeRequest } from '../../lib/calc/protocol/encodeRequest.js';
import { evaluateRequest } from '../../lib/calc/protocol/evaluateRequest.js';
import { parseReply } from '../../lib/calc/protocol/parseReply.js';
import { parseRequest } from '../../lib/calc/protocol/parseRequest.js';
import { OPERATORS, type CalcRequest } from '../../lib/calc/protocol/types.js';
import { check, finiteDouble } from './fastCheck.js';
import { referenceEvaluate, referenceNumber, referenceReplyValue, referenceRequest } from './reference.js';

/** What a number becomes on the wire: itself, except that -0 is sent as 0. */
const wire = (value: number): number => (value === 0 ? 0 : value);

const operator = (): fc.Arbitrary<(typeof OPERATORS)[number]> => fc.constantFrom(...OPERATORS);
const request = (): fc.Arbitrary<CalcRequest> => fc.record({ op: operator(), a: finiteDouble(), b: finiteDouble() });

/** Decimal-looking text, valid or nearly so: optional sign, digits, fraction, exponent, each possibly broken. */
const decimalText = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom('', '', '+', '-', '--', '+-'),
      fc.oneof(fc.stringMatching(/^\d{1,6}$/), fc.constantFrom('', '0', '007', '\u0663', 'x', '9'.repeat(400))),
      fc.oneof(fc.constant(''), fc.constant(''), fc.stringMatching(/^\.\d{0,4}$/), fc.constantFrom('.', '..5', '.e', '5.')),
      fc.oneof(
        fc.constant(''),
        fc.constant(''),
        fc.stringMatching(/^[eE][+-]?\d{1,3}$/),
        fc.constantFrom('e', 'E+', 'e-', 'e999', 'E-400', 'e+308'),
      ),
    )
    .map((parts) => parts.join(''));

/** Spaces and tabs, or other characters that look blank but are not allowed around a field. */
const padding = (): fc.Arbitrary<string> => fc.constantFrom('', '', '', ' ', '\t', ' \t ', '\u00a0', '\r', '\v');

/** A request-like line: three fields (sometimes two or four), each padded, each possibly invalid. */
const requestLikeLine = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.oneof(operator(), fc.constantFrom('', '++', 'x', '**', '÷', '+ +', 'a', 'e', 'E', 'S', '!', '&', '=', '.', '0', '\\', ']', '-+')),
      fc.array(fc.oneof(decimalText(), finiteDouble().map(formatNumber)), { minLength: 1, maxLength: 4 }),
      fc.array(padding(), { minLength: 10, maxLength: 10 }),
    )
    .map(([op, numbers, pads]) =>
      [op, ...numbers].map((field, i) => `${pads[(2 * i) % 10] ?? ''}${field}${pads[(2 * i + 1) % 10] ?? ''}`).join(','),
    );

describe('property: the calc protocol', () => {
  describe('encodeRequest -> parseRequest', () => {
    it('gives back the same request for any operator and finite doubles (-0 arrives as 0)', () => {
      check(
        fc.property(request(), (req) => {
          expect(parseRequest(encodeRequest(req))).to.deep.equal({ ok: true, request: { op: req.op, a: wire(req.a), b: wire(req.b) } });
        }),
        1000,
      );
    });
  });

  describe('formatNumber', () => {
    it('prints a finite double so that Number() reads back the same double (-0 as 0)', () => {
      check(
        fc.property(finiteDouble(), (value) => {
          const text = formatNumber(value);
          expect(Object.is(Number(text), wire(value)), `${value} printed as ${text}`).to.equal(true);
          expect(text).to.not.match(/^-0$|Infinity|NaN/);
          // String(n)'s own form, a subset of the number rule: no leading or trailing dot, a
          // sign only for negatives and in the exponent, a lowercase e.
          expect(text).to.match(/^-?\d+(?:\.\d+)?(?:e[+-]\d+)?$/);
        }),
        1000,
      );
    });

    it('prints what a client accepts as a reply: parseReply(encodeOutcome) gives back the double', () => {
      check(
        fc.property(finiteDouble(), (value) => {
          const parsed = parseReply(`${encodeOutcome({ ok: true, value })}\r\n`);
          expect(parsed.ok).to.equal(true);
          if (parsed.ok) expect(Object.is(parsed.reply.value, wire(value))).to.equal(true);
        }),
        500,
      );
    });
  });

  describe('parseRequest against a reference parser', () => {
    it('accepts exactly the request-like lines the reference accepts, with the same values', () => {
      check(
        fc.property(requestLikeLine(), (line) => {
          const expected = referenceRequest(line);
          const parsed = parseRequest(line);
          if (expected === undefined) {
            expect(parsed.ok, `accepted ${JSON.stringify(line)}`).to.equal(false);
            if (!parsed.ok) expect(parsed.reason).to.match(/^[^\r\n]+$/);
          } else {
            expect(parsed, JSON.stringify(line)).to.deep.equal({ ok: true, request: expected });
          }
        }),
        1500,
      );
    });

    it('never throws on any text, and gives a one-line reason for what it rejects', () => {
      check(
        fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.uint8Array({ maxLength: 60 }).map((b) => Buffer.from(b).toString('utf8'))), (line) => {
          const parsed = parseRequest(line);
          expect(parsed.ok).to.equal(referenceRequest(line) !== undefined);
          if (!parsed.ok) expect(parsed.reason).to.be.a('string').and.match(/^[^\r\n]+$/);
        }),
        500,
      );
    });
  });

  describe('issue 10: the number rule', () => {
    /** Text made of the characters of numbers only: digits, dots, exponent letters and signs. */
    const numberChars = (): fc.Arbitrary<string> =>
      fc.array(fc.constantFrom('0', '5', '9', '.', '.', 'e', 'E', '+', '-'), { minLength: 1, maxLength: 7 }).map((chars) => chars.join(''));

    // Over these characters, JavaScript's Number() (and Python's float()) read exactly the
    // grammar of docs/protocol.md, so it is an oracle independent of lib/ and of the reference.
    it('over 0-9 . e E + -, a request operand and a reply result are exactly what Number() reads as a finite double', () => {
      check(
        fc.property(numberChars(), (text) => {
          const value = Number(text);
          const expected = Number.isFinite(value) ? value : undefined;
          expect(referenceNumber(text), text).to.equal(expected);
          const request = parseRequest(`+,${text},${text}`);
          const reply = parseReply(`200,${text}`);
          if (expected === undefined) {
            expect(request.ok, `accepted ${text}`).to.equal(false);
            expect(reply.ok, `accepted 200,${text}`).to.equal(false);
          } else {
            expect(request, text).to.deep.equal({ ok: true, request: { op: '+', a: expected, b: expected } });
            expect(reply.ok && Object.is(reply.reply.value, expected), `200,${text}`).to.equal(true);
          }
        }),
        2000,
      );
    });
  });

  describe('evaluateRequest against a reference evaluator', () => {
    /** Operands that reach overflow, underflow, zero divisors and negative bases with fractional exponents. */
    const operand = (): fc.Arbitrary<number> =>
      fc.oneof(
        finiteDouble(),
        fc.integer({ min: -20, max: 20 }),
        fc.constantFrom(0, -0, 0.5, -0.5, 1e308, -1e308, 1e-308, 5e-324, Number.MAX_VALUE, 400, -400, 1024),
      );

    it('gives the reference value for finite results, and a one-line failure for every non-finite one', () => {
      check(
        fc.property(operator(), operand(), operand(), (op, a, b) => {
          const expected = referenceEvaluate(op, a, b);
          const outcome = evaluateRequest({ op, a, b });
          if (expected === undefined) {
            expect(outcome).to.deep.equal({ ok: false, reason: `${a} ${op} ${b} has no finite result` });
          } else {
            expect(outcome.ok).to.equal(true);
            if (outcome.ok) expect(Object.is(outcome.value, expected), `${a} ${op} ${b}`).to.equal(true);
          }
        }),
        3000,
      );
    });

    it('never answers Infinity or NaN on the wire', () => {
      check(
        fc.property(operator(), operand(), operand(), (op, a, b) => {
          const reply = encodeOutcome(evaluateRequest({ op, a, b }));
          expect(reply === ERROR_REPLY || parseReply(reply).ok, reply).to.equal(true);
          expect(reply).to.not.match(/Infinity|NaN/);
        }),
        1000,
      );
    });
  });

  describe('parseReply against a reference reader', () => {
    const replyLike = (): fc.Arbitrary<string> =>
      fc
        .tuple(
          fc.constantFrom('', ' ', '\t', '\n', '\r', '  ', ' \t ', '\t\t'),
          fc.constantFrom('200,', '300,', '300,-1', '200', '201,', '200;', ''),
          fc.oneof(finiteDouble().map(formatNumber), decimalText(), fc.constantFrom('', '-1', '1E5', '+1', '1e+5', '1e5', '-2.5e10', '3e-7', 'NaN', 'Infinity')),
          fc.constantFrom('', '\n', '\r\n', ' \t\n', '\n\n', 'x', ',1'),
        )
        .map((parts) => parts.join(''));

    it('accepts exactly what the reference accepts, with the same value, and never throws', () => {
      check(
        fc.property(fc.oneof(replyLike(), fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('utf8'))), (text) => {
          const expected = referenceReplyValue(text);
          const parsed = parseReply(text);
          if (expected === undefined) {
            expect(parsed.ok, `accepted ${JSON.stringify(text)}`).to.equal(false);
            if (!parsed.ok) expect(parsed.reason).to.match(/^"/);
          } else {
            expect(parsed.ok, `rejected ${JSON.stringify(text)}`).to.equal(true);
            if (parsed.ok) expect(Object.is(parsed.reply.value, expected), JSON.stringify(text)).to.equal(true);
          }
        }),
        1500,
      );
    });

    // Regression (fixed in 23d1b66): parseReply took `200,1e999` and 400-digit numbers as replies
    // with value Infinity, so the clients and the CLI printed them as answers.
    it('never accepts a reply whose number is not a finite double', () => {
      check(
        fc.property(fc.constantFrom('200,1e999', '200,-1e309', `200,${'9'.repeat(400)}`), decimalText(), (big, text) => {
          expect(parseReply(big), big).to.deep.equal({ ok: false, reason: `${JSON.stringify(big.slice(0, 40))}: a result must be a finite number` });
          const parsed = parseReply(`200,${text}`);
          if (parsed.ok) expect(Number.isFinite(parsed.reply.value), text).to.equal(true);
        }),
        200,
      );
    });
  });
});
