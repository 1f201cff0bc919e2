import { CONTACT_COUNTS_CACHE_LIMIT, ContactCountsCache } from './contact-counts.cache';
import type { ContactCounts } from './contacts.repository';

const counts = (following: number): ContactCounts => ({ following, blocked: 0, unfollowed: 0, frequencyCap: 0 });
const rule = (tag: string) => ({ sql: `$2 = ANY(c.tags)`, params: [tag] });

describe('ContactCountsCache', () => {
  it('counts once per account, change counter, rule and parameters, however many ask at once', async () => {
    const cache = new ContactCountsCache();
    const count = jest.fn(() => Promise.resolve(counts(7)));
    const answers = await Promise.all([
      cache.get('a', '3', rule('vip'), count),
      cache.get('a', '3', rule('vip'), count),
      cache.get('a', '3', rule('vip'), count),
    ]);
    expect(answers.map((answer) => answer.following)).toEqual([7, 7, 7]);
    expect(count).toHaveBeenCalledTimes(1);
    // A statement wrote the account's contacts, another rule, another parameter, another account: counted.
    await cache.get('a', '4', rule('vip'), count);
    await cache.get('a', '4', { sql: `NOT ($2 = ANY(c.tags))`, params: ['vip'] }, count);
    await cache.get('a', '4', rule('news'), count);
    await cache.get('b', '4', rule('news'), count);
    expect(count).toHaveBeenCalledTimes(5);
  });

  it('keeps no failed count', async () => {
    const cache = new ContactCountsCache();
    await expect(cache.get('a', '1', rule('vip'), () => Promise.reject(new Error('timeout')))).rejects.toThrow(
      'timeout',
    );
    await expect(cache.get('a', '1', rule('vip'), () => Promise.resolve(counts(2)))).resolves.toMatchObject({
      following: 2,
    });
  });

  it(`keeps at most ${CONTACT_COUNTS_CACHE_LIMIT} counts, the least recently used going first`, async () => {
    const cache = new ContactCountsCache();
    const count = jest.fn(() => Promise.resolve(counts(1)));
    for (let i = 0; i < CONTACT_COUNTS_CACHE_LIMIT; i++) await cache.get('a', String(i), rule('vip'), count);
    await cache.get('a', '0', rule('vip'), count); // used again: now the most recent
    await cache.get('a', 'new', rule('vip'), count); // evicts '1'
    expect(cache.size).toBe(CONTACT_COUNTS_CACHE_LIMIT);
    count.mockClear();
    await cache.get('a', '0', rule('vip'), count);
    expect(count).not.toHaveBeenCalled();
    await cache.get('a', '1', rule('vip'), count);
    expect(count).toHaveBeenCalledTimes(1);
  });
});
