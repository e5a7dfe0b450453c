/**
 * Root hooks: after the run (in parallel mode: after each spec file, in its worker), no socket,
 * server, timer or child process may be left open. Mocha would hang on such a leak; this fails
 * the run with the list instead.
 */
const LEAKY = new Set(['TCPSocketWrap', 'TCPServerWrap', 'TCPWrap', 'UDPWrap', 'Timeout', 'TLSWrap', 'ProcessWrap']);

/** Gives closing sockets and short timers up to 2 s to finish (polling with setImmediate, not a timer). */
async function settle(): Promise<void> {
  const deadline = Date.now() + 2000;
  while (openResources().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function openResources(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => LEAKY.has(kind));
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    // Mocha's own timer for this very hook must not count as a leak; mocha starts it just after
    // this function returns its promise, so yield once before clearing it.
    await Promise.resolve();
    (this.runnable() as Mocha.Runnable & { clearTimeout(): void }).clearTimeout();
    await settle();
    const open = openResources();
    if (open.length > 0) throw new Error(`resources left open after the test run: ${open.join(', ')}`);
  },
};
