/**
 * rxnet/calc: the calc protocol (`OP,A,B` in, `200,RESULT` or `300,-1` out) as one module on top
 * of the generic toolkit. Nothing generic in rxnet imports it; the main entry (`rxnet`)
 * re-exports all of it, so `import { createCalcClient } from 'rxnet'` works as well as
 * `import { createCalcClient } from 'rxnet/calc'`.
 *
 * Example:
 * ```ts
 * import { createCalcClient, startServer } from 'rxnet/calc';
 * const server = await startServer({ port: 0 });
 * const client = createCalcClient({ port: server.address.port });
 * console.log((await firstValueFrom(client.request('+,1,1'))).text); // 200,2
 * ```
 */

// --- Protocol: pure values and functions of the calc wire format ---
export { OPERATORS, CODE_OK, CODE_ERROR } from './protocol/types.js';
export type { Operator, CalcRequest, CalcFailure, ParsedRequest, CalcOutcome, CalcReply } from './protocol/types.js';
export { requestSchema } from './protocol/requestSchema.js';
export { parseRequest, matchRequest } from './protocol/parseRequest.js';
export { evaluateRequest } from './protocol/evaluateRequest.js';
export { encodeOutcome, formatNumber, ERROR_REPLY } from './protocol/encodeOutcome.js';
export { encodeRequest } from './protocol/encodeRequest.js';
export { parseReply, type ParsedReply } from './protocol/parseReply.js';
export { MIN_MAX_LINE_LENGTH } from './protocol/lineLimits.js';

// --- Operators: the calc steps of a server pipeline ---
export { parse } from './operators/parse.js';
export { evaluate } from './operators/evaluate.js';
export { encode } from './operators/encode.js';

// --- Server: the calc pipeline (fused), and startServer (calc's options; the calc pipeline unless given another) ---
export { calcPipeline, type CalcPipelineOptions } from './server/calcPipeline.js';
export { startServer, type RunningServer, type ServerHooks, type CloseOptions } from './server/startServer.js';
export { SERVER_DEFAULTS, type ServerOptions } from './server/serverOptions.js';

// --- Client: createCalcClient over TCP, TLS, a Unix socket or UDP ---
export { createCalcClient, type CalcClient } from './client/calcClient.js';
export {
  CALC_CLIENT_DEFAULTS,
  CALC_CLIENT_TRANSPORTS,
  type CalcClientOptions,
  type CalcClientInput,
  type CalcClientTransport,
} from './client/calcClientOptions.js';
export { CALC_CLIENT_RECONNECT } from './client/calcOverTcp.js';
