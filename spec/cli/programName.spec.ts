import { expect } from 'chai';
import { programName } from '../../cli/src/programName.js';

describe('programName', () => {
  const cwd = '/home/me/rxnet';
  const cases = [
    ['server', '/home/me/rxnet/cli/server.js', 'node cli/server.js'],
    ['server', '/home/me/rxnet/cli/rxnet.js', 'node cli/rxnet.js server'],
    ['server', '/usr/local/bin/rxnet-server', 'rxnet-server'],
    ['server', '/usr/local/bin/rxnet', 'rxnet server'],
    ['client', '/home/me/app/node_modules/.bin/rxnet-client', 'rxnet-client'],
    ['client', '/home/me/rxnet/cli/client.js', 'node cli/client.js'],
    ['discover', '/home/me/rxnet/cli/rxnet.js', 'node cli/rxnet.js discover'],
    ['discover', '/usr/local/bin/rxnet', 'rxnet discover'],
    ['client', '/elsewhere/rxnet/cli/client.js', 'node /elsewhere/rxnet/cli/client.js'],
    ['server', '/home/me/rxnet/node_modules/mocha/bin/mocha.js', 'rxnet server'],
    ['client', '/home/me/rxnet/cli/server.js', 'rxnet client'],
    [undefined, '/home/me/rxnet/cli/rxnet.js', 'node cli/rxnet.js'],
    [undefined, '/usr/local/bin/rxnet', 'rxnet'],
    [undefined, '/usr/local/bin/rxnet-server', 'rxnet'],
  ] as const;
  for (const [command, script, expected] of cases) {
    it(`issue 10: names ${command ?? 'rxnet'} started as ${script} "${expected}"`, () => {
      expect(programName(command, script, cwd)).to.equal(expected);
    });
  }
});
