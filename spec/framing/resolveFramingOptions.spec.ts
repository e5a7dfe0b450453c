import { expect } from 'chai';
import { RxnetInvalidOptionError } from '../../lib/errors.js';
import { BOOLEAN, integerIn, oneOf, resolveFramingOptions } from '../../lib/framing/resolveFramingOptions.js';

describe('resolveFramingOptions', () => {
  const defaults = { size: 4, order: 'big', strict: true };
  const rules = { size: integerIn(1, 8), order: oneOf(['big', 'little']), strict: BOOLEAN };

  it('merges the options over the defaults and freezes the result', () => {
    const resolved = resolveFramingOptions(defaults, { size: 2 }, rules);
    expect(resolved).to.deep.equal({ size: 2, order: 'big', strict: true });
    expect(Object.isFrozen(resolved)).to.equal(true);
    expect(defaults.size, 'leaves the defaults alone').to.equal(4);
  });

  it('keeps the default of an option given as undefined', () => {
    expect(resolveFramingOptions(defaults, { size: undefined }, rules).size).to.equal(4);
  });

  it('names the first bad option, its value and what is allowed', () => {
    const check = (options: Record<string, unknown>): unknown => resolveFramingOptions(defaults, options as Partial<typeof defaults>, rules);
    expect(() => check({ size: 9 }))
      .to.throw(RxnetInvalidOptionError, 'Invalid size "9" (expected an integer 1-8)')
      .with.deep.property('info', { option: 'size', value: '9', expected: 'an integer 1-8' });
    expect(() => check({ order: 'middle' })).to.throw(RxnetInvalidOptionError, 'Invalid order "middle" (expected one of "big", "little")');
    expect(() => check({ strict: null })).to.throw(RxnetInvalidOptionError, 'Invalid strict "null" (expected true or false)');
  });

  it('rejects an unknown option by name', () => {
    expect(() => resolveFramingOptions(defaults, { sise: 2 } as Partial<typeof defaults>, rules))
      .to.throw(RxnetInvalidOptionError, 'Unknown option sise')
      .with.deep.property('info', { option: 'sise', value: '2', expected: 'a known option' });
  });

  it('checks the defaults too, so a required option left out is named', () => {
    expect(() => resolveFramingOptions({ delimiter: '' }, {}, { delimiter: { expected: 'a non-empty string', allows: (value) => value !== '' } })).to.throw(
      RxnetInvalidOptionError,
      'Invalid delimiter "" (expected a non-empty string)',
    );
  });
});
