/**
 * A lossy UDP calc server with a custom drop rule: a request whose result is an odd integer never
 * gets a reply, and of the rest only a fraction (`--success`) do, at random. The rule is an
 * ordinary RxJS operator slotted into the calc pipeline between `evaluate()` and `encode()`.
 *
 *   node dist/examples/lossyUdpServer.js [--port 9000] [--success 0.8]   serve until Ctrl-C
 *   node dist/examples/lossyUdpServer.js --demo                          serve on a free port, query it, exit
 *
 * Try it: `node cli/client.js --udp --expb --timeout 0.1 +,1,1 +,1,2` (the first never answers).
 */
import { parseArgs } from 'node:util';
import { catchError, filter, firstValueFrom, forkJoin, of, pipe, throwError, type MonoTypeOperatorFunction, type OperatorFunction } from 'rxjs';
import {
  encode,
  evaluate,
  formatAddress,
  isTimeoutError,
  parse,
  randomDrop,
  startServer,
  udpRequest,
  type CalcOutcome,
  type Frame,
} from '../lib/index.js';

/** The custom rule: drops every outcome that is an odd integer; failures (`300,-1`) still pass. */
function dropOddResults(): MonoTypeOperatorFunction<CalcOutcome> {
  return filter((outcome) => !(outcome.ok && Number.isInteger(outcome.value) && outcome.value % 2 !== 0));
}

/** parse -> evaluate -> drop odd results -> drop at random -> encode: from a datagram's text to its reply. */
function lossyPipeline(success: number): OperatorFunction<Frame, string> {
  return pipe(parse(), evaluate(), dropOddResults(), randomDrop(success), encode());
}

async function demo(): Promise<void> {
  const watchdog = setTimeout(() => {
    console.error('demo: no result within 5 s');
    process.exit(1);
  }, 5000);
  const success = 0.8;
  await using server = await startServer({ transport: 'udp', host: '127.0.0.1', port: 0 }, lossyPipeline(success));
  console.log(`lossy udp server on ${formatAddress(server.address)}: no reply to odd results, ${success * 100}% of the rest`);

  // 12 requests at once; each waits 50 ms, then 100, then 200, then gives up (350 ms in all).
  const requests = Array.from({ length: 12 }, (_, index) => `+,${index + 1},0`);
  const answers = await firstValueFrom(
    forkJoin(
      requests.map((line) =>
        udpRequest(line, { port: server.address.port, retry: { initial: 50, factor: 2, max: 200 } }).pipe(
          catchError((err: unknown) => (isTimeoutError(err) ? of(`no answer after ${err.info.attempts} attempts`) : throwError(() => err))),
        ),
      ),
    ),
  );
  requests.forEach((line, index) => console.log(`${line.padEnd(7)} -> ${answers[index]}`));
  const answered = (odd: boolean) => answers.filter((answer, index) => (index % 2 === 0) === odd && answer.startsWith('200,')).length;
  console.log(`answered ${answered(false)} of 6 even results, ${answered(true)} of 6 odd results`);
  clearTimeout(watchdog);
}

async function serve(port: number, success: number): Promise<void> {
  const server = await startServer({ transport: 'udp', host: '127.0.0.1', port }, lossyPipeline(success));
  console.log(`listening udp ${formatAddress(server.address)}`);
  const stop = (): void => void server.close();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

const { values } = parseArgs({
  options: { demo: { type: 'boolean' }, port: { type: 'string', default: '9000' }, success: { type: 'string', default: '0.8' } },
});
try {
  if (values.demo === true) await demo();
  else await serve(Number(values.port), Number(values.success));
} catch (err) {
  // A bad option (RxnetInvalidOptionError) or a port in use (RxnetConnectionError): one line, exit 1.
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
