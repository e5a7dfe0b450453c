import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { createCalcClient } from '../../lib/calc/client/calcClient.js';
import { startProxyServer, type RunningProxyServer } from '../../lib/proxy/startProxyServer.js';
import { startServer, type RunningServer } from '../../lib/calc/server/startServer.js';
import { api } from './fixtures/apiClient.js';

/** A random source that returns `values` in order, then `rest` forever. */
function sequence(values: number[], rest: number): () => number {
  return () => values.shift() ?? rest;
}

describe('issue 14: the calc client rides out a packet_loss proxy in front of the UDP server', function () {
  this.timeout(10000);
  let calc: RunningServer;
  let proxy: RunningProxyServer;

  afterEach(async () => {
    await proxy?.close();
    await calc?.close();
  });

  it('with --expb backoff, retries until a request gets through the lossy proxy', async () => {
    calc = await startServer({ transport: 'udp', host: '127.0.0.1', port: 0, success: 1 });
    // toxicity roll 0 (applies), then the first two requests are lost (0.1, 0.2 < 0.5), the rest pass
    proxy = await startProxyServer({ port: 0, random: sequence([0, 0.1, 0.2], 0.9) });
    const call = api(proxy.address.port);
    const created = await call('POST', '/proxies', { name: 'calc', listen: '127.0.0.1:0', upstream: `127.0.0.1:${calc.address.port}`, protocol: 'udp' });
    await call('POST', '/proxies/calc/toxics', { type: 'packet_loss', stream: 'upstream', attributes: { loss_rate: 0.5 } });
    const port = Number((created.json as { listen: string }).listen.split(':').pop());
    const attempts: number[] = [];
    const client = createCalcClient({
      transport: 'udp',
      host: '127.0.0.1',
      port,
      retry: { initial: 50, factor: 2, max: 800 },
      onAttempt: (_line, attempt) => attempts.push(attempt),
    });
    const reply = await firstValueFrom(client.request('*,6,7'));
    expect(reply.text).to.equal('200,42');
    expect(attempts).to.deep.equal([1, 2, 3]);
    await client.close();
  });

  it('without retries the same loss is a timeout', async () => {
    calc = await startServer({ transport: 'udp', host: '127.0.0.1', port: 0, success: 1 });
    proxy = await startProxyServer({ port: 0, random: sequence([0, 0.1], 0.9) });
    const call = api(proxy.address.port);
    const created = await call('POST', '/proxies', { name: 'calc', listen: '127.0.0.1:0', upstream: `127.0.0.1:${calc.address.port}`, protocol: 'udp' });
    await call('POST', '/proxies/calc/toxics', { type: 'packet_loss', stream: 'upstream', attributes: { loss_rate: 0.5 } });
    const port = Number((created.json as { listen: string }).listen.split(':').pop());
    const client = createCalcClient({ transport: 'udp', host: '127.0.0.1', port, retry: { initial: 100, retry: false } });
    const outcome = await firstValueFrom(client.request('*,6,7')).then(
      () => 'answered',
      (err: { code?: string }) => err.code,
    );
    expect(outcome).to.equal('ERR_RXNET_TIMEOUT');
    await client.close();
  });
});
