/**
 * Resolves with true once `done()` holds, checking every 5 ms, or with false after `guardMs`: a
 * spec waits for the state it needs rather than for a time it guessed. The guard only keeps a
 * broken run from hanging; it is no bound on how fast anything must be.
 *
 * Example: `expect(await waitUntil(() => replies.length === 2)).to.equal(true)`
 */
export async function waitUntil(done: () => boolean, guardMs = 5000): Promise<boolean> {
  const deadline = performance.now() + guardMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}
