import { expect } from 'chai';
import { firstValueFrom, tap } from 'rxjs';
import { createCalcClient } from '../../../lib/calc/client/calcClient.js';
import { BrokenCircuitError, ERR_RXNET_BROKEN_CIRCUIT, RxnetInvalidOptionError, RxnetTimeoutError } from '../../../lib/errors.js';
import { circuitBreaker } from '../../../lib/policies/circuitBreaker.js';
import { consecutiveBreaker } from '../../../lib/policies/breakers/consecutiveBreaker.js';
import { startServer } from '../../../lib/calc/server/startServer.js';
import { startUdpPeer } from '../../helpers/udpPeer.js';

/** The rejection of a promise, or a failure if it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection');
}

describe('createCalcClient: policy (issue 15)', () => {
  it('applies the policy around every request: a circuit breaker opens after two timeouts and the third request is refused unsent', async () => {
    const peer = await startUdpPeer(); // never answers
    const breaker = circuitBreaker({ breaker: consecutiveBreaker(2), halfOpenAfter: 60_000 });
    const client = createCalcClient({ transport: 'udp', port: peer.port, retry: { initial: 20, retry: false }, policy: breaker });
    try {
      expect(await rejection(firstValueFrom(client.request('+,1,1')))).to.be.instanceOf(RxnetTimeoutError);
      expect(await rejection(firstValueFrom(client.request('+,2,2')))).to.be.instanceOf(RxnetTimeoutError);
      const refused = await rejection(firstValueFrom(client.request('+,3,3')));
      expect(refused).to.be.instanceOf(BrokenCircuitError);
      expect((refused as BrokenCircuitError).code).to.equal(ERR_RXNET_BROKEN_CIRCUIT);
      expect(breaker.state).to.equal('open');
      expect(peer.received.map((d) => d.text)).to.deep.equal(['+,1,1', '+,2,2']);
    } finally {
      await client.close();
      await peer.close();
    }
  });

  it('sees the typed reply, once per request, outside the retries', async () => {
    const server = await startServer({ transport: 'tcp', port: 0 });
    const seen: string[] = [];
    const client = createCalcClient({ port: server.address.port, policy: tap((reply) => seen.push(reply.text)) });
    try {
      expect((await firstValueFrom(client.request({ op: '*', a: 6, b: 7 }))).text).to.equal('200,42');
      expect((await firstValueFrom(client.request('/,1,0'))).text).to.equal('300,-1');
      expect(seen).to.deep.equal(['200,42', '300,-1']);
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('refuses a policy that is not an operator function, naming the option', () => {
    expect(() => createCalcClient({ policy: 'breaker' as never }))
      .to.throw(RxnetInvalidOptionError)
      .with.nested.property('info.option', 'policy');
  });
});
