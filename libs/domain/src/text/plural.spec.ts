import { plural } from './index';

describe('plural', () => {
  it('says one of a thing in the singular, as the A/B note\'s "after 1 minute"', () => {
    expect(plural(1, 'minute')).toBe('1 minute');
    expect(plural(30, 'minute')).toBe('30 minutes');
    expect(plural(0, 'minute')).toBe('0 minutes');
    expect(plural(1000, 'message')).toBe('1,000 messages');
  });
});
