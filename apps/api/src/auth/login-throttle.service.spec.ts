import { addressKey } from './login-throttle.service';

describe('addressKey', () => {
  it('keys an IPv4 address by itself, also when written as IPv6', () => {
    expect(addressKey('203.0.113.9')).toBe('ip:203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('ip:203.0.113.9');
  });

  it('keys every address of one IPv6 /64 alike, however it is written', () => {
    const keys = [
      '2001:db8:1:2::1',
      '2001:0db8:0001:0002:ffff:ffff:ffff:fffe',
      '2001:DB8:1:2:a:b:c:d',
      '2001:db8:1:2::5%eth0',
      '2001:db8:1:2::192.0.2.1',
    ].map(addressKey);
    expect(new Set(keys)).toEqual(new Set(['ip6:2001:db8:1:2::/64']));
  });

  it('keys neighbouring /64s apart, and compressed prefixes right', () => {
    expect(addressKey('2001:db8:1:3::1')).toBe('ip6:2001:db8:1:3::/64');
    expect(addressKey('2001:db8::1')).toBe('ip6:2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('ip6:0:0:0:0::/64');
    expect(addressKey('fe80::1:2:3:4')).toBe('ip6:fe80:0:0:0::/64');
  });
});
