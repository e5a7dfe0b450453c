import { createInterface } from 'node:readline';
import { parseClientArgs } from './clientCommand.js';
import { CLIENT_USAGE } from './clientUsage.js';
import { runClient, type ClientIo } from './runClient.js';
import { EXIT_OK, runMain } from './runMain.js';

/** The exit status after Ctrl-C in an interactive session. */
const EXIT_INTERRUPTED = 130;

/** `node cli/client.js`: parse flags, send the requests from the arguments or stdin, print the answers. */
export async function main(argv: readonly string[]): Promise<number | undefined> {
  const request = parseClientArgs(argv);
  if (request.help) {
    process.stdout.write(`${CLIENT_USAGE}\n`);
    return EXIT_OK;
  }
  const io: ClientIo = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  };
  if (request.requests !== undefined) return runClient(request, request.requests, io);

  const interactive = process.stdin.isTTY === true;
  // The prompt never goes to a stdout that is piped: there, stdout carries the answers only.
  const rl = interactive
    ? createInterface({ input: process.stdin, output: process.stdout.isTTY ? process.stdout : process.stderr, terminal: true, prompt: '> ' })
    : createInterface({ input: process.stdin, crlfDelay: Infinity });
  let interrupted = false;
  rl.on('SIGINT', () => {
    interrupted = true;
    rl.close();
  });
  if (interactive) rl.prompt();
  try {
    const status = await runClient(request, rl, interactive ? { ...io, prompt: () => rl.prompt() } : io);
    return interrupted ? EXIT_INTERRUPTED : status;
  } finally {
    rl.close();
    process.stdin.destroy();
  }
}

runMain('rxnet client', () => main(process.argv.slice(2)));
