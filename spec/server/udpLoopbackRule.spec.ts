import { expect } from 'chai';
import type { Subscription } from 'rxjs';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { calcPipeline } from '../../lib/calc/server/calcPipeline.js';
import { isLoopbackAddress } from '../../lib/server/isLoopbackAddress.js';
import { serveUdp, type ServeUdpOptions } from '../../lib/server/serveUdp.js';
import { ServerStats } from '../../lib/server/ServerStats.js';
import { bindUdp, DEFAULT_RECV_BUFFER_SIZE } from '../../lib/transport/bindUdp.js';
import { openUdpProbe } from '../helpers/rawUdp.js';

/** Serves calc over UDP with `options`, sends 20 requests from 127.0.0.1, returns the stats once they are read. */
async function twentyFromLoopback(options: Partial<ServeUdpOptions>): Promise<ServerStats> {
  const stats = new ServerStats();
  let subscription: Subscription | undefined;
  const port = await new Promise<number>((resolve) => {
    subscription = serveUdp({ port: 0, stats, ...options, onListening: (a) => resolve(a.port) }, calcPipeline()).subscribe();
  });
  const probe = await openUdpProbe();
  try {
    for (let i = 0; i < 20; i += 1) probe.send('+,1,1', port);
    await probe.waitFor(20, 300);
    return stats;
  } finally {
    await probe.close();
    subscription?.unsubscribe();
  }
}

describe('the UDP rate limit and loopback (issue 12)', () => {
  it('knows loopback sources: 127.0.0.0/8, ::1 and 127.x mapped into IPv6, and nothing else', () => {
    expect(['127.0.0.1', '127.255.0.9', '::1', '::ffff:127.0.0.1'].map(isLoopbackAddress)).to.deep.equal([true, true, true, true]);
    expect(['10.0.0.1', '128.0.0.1', '::2', '::ffff:10.0.0.1', '1.127.0.0', ''].map(isLoopbackAddress)).to.deep.equal([false, false, false, false, false, false]);
  });

  it('never limits a loopback source: all 20 requests answered with a burst of 2', async () => {
    const stats = await twentyFromLoopback({ udpRate: 1, udpBurst: 2 });
    expect(stats.replies).to.equal(20);
    expect(stats.rateLimited).to.equal(0);
  });

  it('limits a loopback source too with udpRateLoopback', async () => {
    const stats = await twentyFromLoopback({ udpRate: 1, udpBurst: 2, udpRateLoopback: true });
    expect(stats.replies).to.equal(2);
    expect(stats.rateLimited).to.equal(18);
  });
});

describe('bindUdp recvBufferSize (issue 12)', () => {
  const granted = (recvBufferSize?: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const subscription = bindUdp({
        port: 0,
        ...(recvBufferSize === undefined ? {} : { recvBufferSize }),
        onListening: (_, info) => {
          resolve(info.recvBufferSize);
          setImmediate(() => subscription.unsubscribe());
        },
      }).subscribe({ error: reject });
    });

  it('asks for the given receive buffer and reports what the kernel granted', async () => {
    const small = await granted(64 * 1024);
    const large = await granted(1024 * 1024);
    expect(small).to.be.at.least(64 * 1024);
    expect(large).to.be.greaterThan(small);
  });

  it('asks for 4 MiB by default (the kernel may grant less: net.core.rmem_max)', async () => {
    expect(DEFAULT_RECV_BUFFER_SIZE).to.equal(4 * 1024 * 1024);
    expect(await granted()).to.be.at.least(await granted(64 * 1024));
  });

  it('refuses a size that is not a positive whole number, with a coded error', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => bindUdp({ recvBufferSize: bad })).to.throw(RxnetInvalidOptionError, 'recvBufferSize');
  });
});
