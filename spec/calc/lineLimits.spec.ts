import { expect } from 'chai';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { resolveTcpClientOptions } from '../../lib/client/tcpClientOptions.js';
import { createCalcClient } from '../../lib/calc/client/calcClient.js';
import { MIN_MAX_LINE_LENGTH } from '../../lib/calc/protocol/lineLimits.js';
import { resolveServerOptions } from '../../lib/calc/server/serverOptions.js';

describe('calc: its line limits are its own (issue 13)', () => {
  it('has a minimum line limit of 1 KiB', () => {
    expect(MIN_MAX_LINE_LENGTH).to.equal(1024);
  });

  it('binds the calc server and the calc client, at 1024 and not at 1023', () => {
    expect(resolveServerOptions({ maxLineLength: 1024 }).maxLineLength).to.equal(1024);
    expect(() => resolveServerOptions({ maxLineLength: 1023 })).to.throw(RxnetInvalidOptionError, 'Invalid maxLineLength "1023" (expected an integer from 1024 to 16777216)');
    for (const bad of [1023, 1024.5, (1 << 24) + 1]) {
      expect(() => createCalcClient({ tcp: { maxReplyLength: bad } })).to.throw(RxnetInvalidOptionError, `Invalid tcp.maxReplyLength "${bad}" (expected an integer from 1024 to 16777216)`);
    }
  });

  it('does not bind the generic TCP client: any reply limit from 1 (and still none above 16 MiB)', () => {
    expect(resolveTcpClientOptions({ maxReplyLength: 1 }).maxReplyLength).to.equal(1);
    expect(() => resolveTcpClientOptions({ maxReplyLength: 0 })).to.throw(RxnetInvalidOptionError, 'Invalid maxReplyLength "0" (expected an integer from 1 to 16777216)');
  });
});
