import { expect } from 'chai';
import { mergeMap, of } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { answerSearches, type SearchAnswer } from '../../lib/discovery/answerSearches.js';
import { searchResponse, type AnnouncedService } from '../../lib/discovery/AnnouncedService.js';
import { type ParsedSsdpMessage, type ReceivedSsdp } from '../../lib/discovery/SsdpMessage.js';

const service: AnnouncedService = {
  serviceType: 'urn:rxnet:service:calc:1',
  uuid: '0b6f1c2e-7a8d-4c3b-9e5f-1a2b3c4d5e6f',
  location: 'tcp://127.0.0.1:9000',
  server: 'x',
  maxAge: 1800,
};
const sender = { address: '127.0.0.1', port: 40000, family: 'IPv4' };
const search = (st: string, mx?: number): ReceivedSsdp => ({
  message: { kind: 'search', host: '239.255.255.250:1900', st, ...(mx === undefined ? {} : { mx }) },
  sender,
});
const received = (message: ParsedSsdpMessage): ReceivedSsdp => ({ message, sender });
/** The answer to `st`, made within the first virtual second (the DATE is then the epoch). */
const answer = (st: string, delayMs: number, searched = st): SearchAnswer => ({
  message: searchResponse(service, st === 'ssdp:all' ? service.serviceType : st, new Date(0)),
  to: sender,
  searched,
  delayMs,
});

describe('answerSearches', () => {
  let testScheduler: TestScheduler;

  beforeEach(() => {
    testScheduler = new TestScheduler((actual, expected) => {
      expect(actual).to.deep.equal(expected);
    });
  });

  it('answers a search after random() of its MX, another target never, ssdp:all with MX 0 at once', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s--x--a-|', {
        s: search(service.serviceType, 1),
        x: search('urn:other:service:x:1', 1),
        a: search('ssdp:all', 0),
      });
      const subs = '      ^--------!';
      const expected = '  -------A 493ms (S|)';
      expectObservable(source.pipe(answerSearches(service, { random: () => 0.5, scheduler: testScheduler }))).toBe(expected, {
        A: answer('ssdp:all', 0, 'ssdp:all'),
        S: answer(service.serviceType, 500),
      });
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('ignores notifications, answers and invalid datagrams', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-n-r-i-|', {
        n: received({ kind: 'notify', host: 'h', nt: service.serviceType, nts: 'ssdp:alive', usn: 'u', location: 'tcp://h:1', maxAge: 1 }),
        r: received({ kind: 'response', maxAge: 1, location: 'tcp://h:1', server: '', st: service.serviceType, usn: 'u' }),
        i: received({ kind: 'invalid', reason: 'r', text: 't' }),
      });
      const subs = '      ^------!';
      const expected = '  -------|';
      expectObservable(source.pipe(answerSearches(service, { random: () => 0, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('answers every copy of a search, each after its own delay', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const delays = [0.2, 0.1];
      const source = hot('-s-s-|', { s: search(service.serviceType, 2) });
      const expected = '  - 202ms b 197ms (a|)';
      expectObservable(source.pipe(answerSearches(service, { random: () => delays.shift() ?? 0, scheduler: testScheduler }))).toBe(expected, {
        a: answer(service.serviceType, 400),
        b: answer(service.serviceType, 200),
      });
    });
  });

  it('answers a search without MX (unicast) at once and caps MX 120 at 5 s', () => {
    testScheduler.run(({ hot, expectObservable }) => {
      const source = hot('-u-m-|', { u: search(service.serviceType), m: search(service.serviceType, 120) });
      const expected = '  -u- 2500ms (m|)';
      expectObservable(source.pipe(answerSearches(service, { random: () => 0.5, scheduler: testScheduler }))).toBe(expected, {
        u: answer(service.serviceType, 0),
        m: { ...answer(service.serviceType, 2500), message: searchResponse(service, service.serviceType, new Date(2503)) },
      });
    });
  });

  it('passes on an error of its source', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-#', { s: search(service.serviceType, 1) });
      const subs = '      ^--!';
      const expected = '  ---#';
      expectObservable(source.pipe(answerSearches(service, { random: () => 0.5, scheduler: testScheduler }))).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should allow unsubscribing explicitly and early (pending answers are cancelled)', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-s------', { s: search(service.serviceType, 1) });
      const unsub = '     ^-----!';
      const subs = '      ^-----!';
      const expected = '  -------';
      expectObservable(source.pipe(answerSearches(service, { random: () => 0.5, scheduler: testScheduler })), unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('should not break unsubscription chain when unsubscribed explicitly', () => {
    testScheduler.run(({ hot, expectObservable, expectSubscriptions }) => {
      const source = hot('-s-s------', { s: search(service.serviceType, 1) });
      const unsub = '     ^-----!';
      const subs = '      ^-----!';
      const expected = '  -------';
      const result = source.pipe(
        mergeMap((x) => of(x)),
        answerSearches(service, { random: () => 0.5, scheduler: testScheduler }),
        mergeMap((x) => of(x)),
      );
      expectObservable(result, unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });
});
