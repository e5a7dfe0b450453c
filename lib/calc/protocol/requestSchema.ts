import { z } from 'zod';
import { numberPattern } from './numberPattern.js';
import { OPERATORS, type CalcRequest, type Operator } from './types.js';

/** Spaces and tabs around a field are allowed. */
const BLANK = '[ \\t]*';
const OPERATOR = `[${OPERATORS.map((op) => `\\${op}`).join('')}]`;

/**
 * One whole request line, `OP,A,B`, with its three fields captured: the grammar of
 * {@link requestSchema}, also run alone by parseRequest's fast path.
 */
export const REQUEST_LINE = new RegExp(`^${BLANK}(${OPERATOR})${BLANK},${BLANK}(${numberPattern})${BLANK},${BLANK}(${numberPattern})${BLANK}$`);

/**
 * The zod schema of one request line, `OP,A,B` (without its line terminator): one regular
 * expression for the grammar, then both numbers must be finite doubles. This is the hot path of
 * every server; {@link requestFieldsSchema} says precisely what is wrong with a line it rejects.
 *
 * Example: `requestSchema.safeParse('+, 1, 2.5')` gives `{ success: true, data: { op: '+', a: 1, b: 2.5 } }`.
 */
export const requestSchema: z.ZodType<CalcRequest, string> = z
  .string()
  .regex(REQUEST_LINE, { error: 'expected OP,A,B' })
  .transform((line): CalcRequest => {
    const [, op, a, b] = REQUEST_LINE.exec(line) as RegExpExecArray;
    return { op: op as Operator, a: Number(a), b: Number(b) };
  })
  .refine((request) => Number.isFinite(request.a) && Number.isFinite(request.b), {
    error: 'number is out of the range of a double',
  });

const trimField = (field: string): string => field.replace(/^[ \t]+|[ \t]+$/g, '');
const operatorSchema = z.enum(OPERATORS, { error: `operator must be one of ${OPERATORS.join(' ')}` });
const numberSchema = z
  .string()
  .regex(new RegExp(`^${numberPattern}$`), { error: 'expected a decimal number such as 12, -1.5 or 2e3' })
  .transform(Number)
  .refine(Number.isFinite, { error: 'number is out of the range of a double' });

/**
 * The same grammar field by field, for the reason a line was rejected (`field 2: expected a
 * decimal number...`). Slower than {@link requestSchema}; used only to explain a rejection.
 *
 * Example: `requestFieldsSchema.safeParse('+,x,1').error?.issues[0]?.path` is `[1]`.
 */
export const requestFieldsSchema: z.ZodType<CalcRequest, string> = z
  .string()
  .transform((line) => line.split(',').map(trimField))
  .pipe(z.tuple([operatorSchema, numberSchema, numberSchema], { error: 'expected three fields OP,A,B' }))
  .transform(([op, a, b]): CalcRequest => ({ op, a, b }));
