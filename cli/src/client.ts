import { createInterface } from 'node:readline';
import { discover } from '../../lib/index.js';
import { parseClientArgs, serverOptions, type ClientDiscovery, type ClientRequest } from './clientCommand.js';
import { pickServer } from './clientPickServer.js';
import { CLIENT_USAGE } from './clientUsage.js';
import { runClient, type ClientIo } from './runClient.js';
import { EXIT_FAILED, EXIT_OK, runMain } from './runMain.js';

/** The exit status after Ctrl-C in an interactive session. */
const EXIT_INTERRUPTED = 130;

/** `node cli/client.js`: parse flags, find the server if asked to, send the requests from the arguments or stdin, print the answers. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const parsed = parseClientArgs(argv);
  if (parsed.help) {
    process.stdout.write(`${CLIENT_USAGE}\n`);
    return EXIT_OK;
  }
  const io: ClientIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  const interactive = process.stdin.isTTY === true;
  const request = parsed.discover === undefined ? parsed : await withDiscoveredServer(parsed, parsed.discover, io, interactive);
  if (request === undefined) return EXIT_FAILED;
  if (request.requests !== undefined) return runClient(request, request.requests, io);

  // The prompt never goes to a stdout that is piped: there, stdout carries the answers only.
  const terminal = process.stdout.isTTY ? process.stdout : process.stderr;
  const rl = interactive
    ? createInterface({ input: process.stdin, output: terminal, terminal: true, prompt: '> ' })
    : createInterface({ input: process.stdin, crlfDelay: Infinity });
  let interrupted = false;
  let closed = false;
  /** A prompt is on the screen, waiting: the cursor is after `> ` (or what was typed after it). */
  let prompting = false;
  rl.on('line', () => (prompting = false));
  rl.on('close', () => (closed = true));
  rl.on('SIGINT', () => {
    interrupted = true;
    rl.close();
  });
  const prompt = (): void => {
    if (closed) return;
    prompting = true;
    rl.prompt();
  };
  try {
    const status = await runClient(request, rl, interactive ? { ...io, prompt } : io, { interactive });
    return interrupted ? EXIT_INTERRUPTED : status;
  } finally {
    rl.close();
    // Ctrl-D or Ctrl-C at the prompt: end its line, so the shell's prompt starts on a line of its own.
    if (prompting) terminal.write('\n');
    process.stdin.destroy();
  }
}

type Run = Extract<ClientRequest, { help: false }>;

/** `--discover`: finds the servers, picks one (see pickServer), and aims the request at it; undefined when none was picked. */
async function withDiscoveredServer(request: Run, discovery: ClientDiscovery, io: ClientIo, interactive: boolean): Promise<Run | undefined> {
  const { first, mx, network } = discovery;
  const found$ = discover({ ...network, mx });
  const server = await pickServer(found$, { first, windowS: mx + 1 }, { err: io.err, ask: interactive ? askOnTerminal : undefined });
  if (server === undefined) return undefined;
  // --discover rules out every flag that names a server, so the options hold nothing else of one.
  return {
    ...request,
    options: { ...serverOptions(server.transport, server.host, server.port), retry: request.options.retry, policy: request.options.policy },
  };
}

/** Asks one question on the terminal (on stderr, so stdout keeps the answers only); undefined at Ctrl-D or Ctrl-C. */
function askOnTerminal(question: string): Promise<string | undefined> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  return new Promise((resolve) => {
    let answered = false;
    rl.once('close', () => {
      if (!answered) resolve(undefined);
    });
    rl.once('SIGINT', () => rl.close());
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

runMain('rxnet client', () => main(process.argv.slice(2)));
