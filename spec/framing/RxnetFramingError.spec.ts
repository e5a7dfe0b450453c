import { expect } from 'chai';
import {
  ERR_RXNET_BAD_LENGTH_FIELD,
  ERR_RXNET_FRAME_TOO_LONG,
  ERR_RXNET_FRAME_TRUNCATED,
  ERR_RXNET_UNENCODABLE_FRAME,
  RxnetError,
  RxnetFramingError,
  RxnetProtocolError,
  isFramingError,
  isRxnetError,
  isTransientError,
} from '../../lib/errors.js';

describe('RxnetFramingError', () => {
  it('has a name, the code it was given, the message and frozen info', () => {
    const info = { framing: 'length-field', length: 70000, limit: 65536 };
    const err = new RxnetFramingError(ERR_RXNET_FRAME_TOO_LONG, 'Frame of 70000 bytes is over the maximum of 65536 (length-field framing)', info);
    expect(err.name).to.equal('RxnetFramingError');
    expect(err.code).to.equal('ERR_RXNET_FRAME_TOO_LONG');
    expect(String(err)).to.equal('RxnetFramingError: Frame of 70000 bytes is over the maximum of 65536 (length-field framing)');
    expect(err.info).to.deep.equal(info);
    expect(err.info, 'a copy').to.not.equal(info);
    expect(Object.isFrozen(err.info)).to.equal(true);
  });

  it('has one stable code for each way bytes fail to be framed', () => {
    expect([ERR_RXNET_FRAME_TOO_LONG, ERR_RXNET_BAD_LENGTH_FIELD, ERR_RXNET_FRAME_TRUNCATED, ERR_RXNET_UNENCODABLE_FRAME]).to.deep.equal([
      'ERR_RXNET_FRAME_TOO_LONG',
      'ERR_RXNET_BAD_LENGTH_FIELD',
      'ERR_RXNET_FRAME_TRUNCATED',
      'ERR_RXNET_UNENCODABLE_FRAME',
    ]);
  });

  it('is an rxnet error, found by isFramingError, and never transient (retrying cannot repair the bytes)', () => {
    const err = new RxnetFramingError(ERR_RXNET_FRAME_TRUNCATED, 'truncated', { framing: 'fixed-length', length: 3, limit: 8 });
    expect(err).to.be.instanceOf(RxnetError).and.instanceOf(Error);
    expect(isRxnetError(err)).to.equal(true);
    expect(isFramingError(err)).to.equal(true);
    expect(isFramingError(new RxnetProtocolError('bad reply', { received: 'x' }))).to.equal(false);
    expect(isFramingError(Object.assign(new Error('x'), { code: ERR_RXNET_FRAME_TRUNCATED }))).to.equal(false);
    expect(isTransientError(err)).to.equal(false);
  });
});
