import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  // A small cost keeps the unit tests fast; the format and the checks are the same at any cost.
  const hasher = new PasswordHasher({ N: 1024, r: 8, p: 1 });

  it('verifies the password it hashed and refuses any other', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(await hasher.verify('correct horse battery', stored)).toBe(true);
    expect(await hasher.verify('correct horse batterY', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('stores the cost and a fresh salt, never the password', async () => {
    const first = await hasher.hash('the same password');
    const second = await hasher.hash('the same password');
    expect(first).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(first).not.toEqual(second);
    expect(first).not.toContain('password');
  });

  it('verifies a hash made at another cost (the cost can be raised later)', async () => {
    const older = await new PasswordHasher({ N: 2048, r: 8, p: 1 }).hash('an older password');
    expect(await hasher.verify('an older password', older)).toBe(true);
  });

  it('treats a missing, malformed or tampered hash as a wrong password', async () => {
    const stored = await hasher.hash('tamper with me please');
    const parts = stored.split('$');
    const key = Buffer.from(parts[5], 'base64url');
    key[0] ^= 1;
    const tampered = [...parts.slice(0, 5), key.toString('base64url')].join('$');
    expect(await hasher.verify('tamper with me please', tampered)).toBe(false);
    expect(await hasher.verify('tamper with me please', null)).toBe(false);
    expect(await hasher.verify('tamper with me please', 'plain-text-password')).toBe(false);
  });

  it('takes a no-password user as long as a wrong password (one scrypt either way)', async () => {
    const real = new PasswordHasher({ N: 2 ** 14, r: 8, p: 1 });
    const stored = await real.hash('a real password here');
    const time = async (work: () => Promise<boolean>) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < 5; i++) await work();
      return Number(process.hrtime.bigint() - start) / 1e6;
    };
    await real.verify('warm up the dummy', null);
    const wrong = await time(() => real.verify('a wrong password!!', stored));
    const missing = await time(() => real.verify('a wrong password!!', null));
    expect(missing).toBeGreaterThan(wrong * 0.5);
  });

  it('treats canonically equal spellings as the same password (NFKC)', async () => {
    const stored = await hasher.hash('ＰＡＳＳＷＯＲＤ１２３４５６');
    expect(await hasher.verify('PASSWORD123456', stored)).toBe(true);
  });
});
