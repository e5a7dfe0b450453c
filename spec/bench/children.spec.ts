import { expect } from 'chai';
import { collectOutput, startChild } from '../../bench/run/children.js';

describe('bench: collectOutput', () => {
  it('waits for stdout to close, not only for the exit, so the last line is never lost', async () => {
    // The command exits at once; a process it left behind still holds stdout and writes the
    // result line 200 ms later. Resolving at 'exit' would give "".
    const child = startChild({ command: ['sh', '-c', '(sleep 0.2; echo \'{"verified":1}\') & exit 3'] });
    const { stdout, code } = await collectOutput(child, 5000);
    expect(stdout).to.equal('{"verified":1}\n');
    expect(code).to.equal(3);
  });
});
