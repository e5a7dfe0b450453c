import { expect } from 'chai';
import { isTlsHandshakeError } from '../../lib/client/isTlsHandshakeError.js';

const withCode = (code: unknown): Error => Object.assign(new Error('boom'), { code });

describe('isTlsHandshakeError', () => {
  for (const code of ['DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'ERR_TLS_CERT_ALTNAME_INVALID', 'ERR_SSL_WRONG_VERSION_NUMBER']) {
    it(`is true for ${code}: trying again cannot help`, () => {
      expect(isTlsHandshakeError(withCode(code))).to.equal(true);
    });
  }

  for (const code of ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ENOENT', undefined, 42]) {
    it(`is false for ${String(code)}: it may be transient`, () => {
      expect(isTlsHandshakeError(withCode(code))).to.equal(false);
    });
  }

  it('is false for anything that is not an Error', () => {
    expect(isTlsHandshakeError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })).to.equal(false);
    expect(isTlsHandshakeError(undefined)).to.equal(false);
  });
});
