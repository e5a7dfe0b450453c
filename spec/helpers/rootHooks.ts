/**
 * Root hooks: after the whole run, no socket, server or timer may be left open. Mocha would hang
 * on such a leak; this fails the run with the list instead.
 */
const LEAKY = new Set(['TCPSocketWrap', 'TCPServerWrap', 'TCPWrap', 'UDPWrap', 'Timeout', 'TLSWrap', 'ProcessWrap']);

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    if (openResources().length === 0) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function openResources(): string[] {
  return process.getActiveResourcesInfo().filter((kind) => LEAKY.has(kind));
}

export const mochaHooks = {
  async afterAll(this: Mocha.Context): Promise<void> {
    await settle();
    const open = openResources();
    if (open.length > 0) throw new Error(`resources left open after the test run: ${open.join(', ')}`);
  },
};
