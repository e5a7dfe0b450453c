import { z } from 'zod';
import { OPERATORS, type CalcRequest } from './types.js';

/** A decimal number: optional sign, digits, optional fraction, optional exponent. */
const DECIMAL = /^[+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/** Spaces and tabs around a field are allowed. */
const trimField = (field: string): string => field.replace(/^[ \t]+|[ \t]+$/g, '');

const operatorSchema = z.enum(OPERATORS, { error: `operator must be one of ${OPERATORS.join(' ')}` });

const numberSchema = z
  .string()
  .regex(DECIMAL, { error: 'expected a decimal number such as 12, -1.5 or 2e3' })
  .transform(Number)
  .refine(Number.isFinite, { error: 'number is out of the range of a double' });

/**
 * The zod schema of one request line, `OP,A,B` (without its line terminator).
 *
 * Example: `requestSchema.safeParse('+, 1, 2.5')` gives `{ success: true, data: { op: '+', a: 1, b: 2.5 } }`.
 */
export const requestSchema: z.ZodType<CalcRequest, string> = z
  .string()
  .transform((line) => line.split(',').map(trimField))
  .pipe(
    z.tuple([operatorSchema, numberSchema, numberSchema], {
      error: 'expected three fields OP,A,B',
    }),
  )
  .transform(([op, a, b]): CalcRequest => ({ op, a, b }));
