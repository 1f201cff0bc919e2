import { FollowerPaging } from './index';

describe('FollowerPaging', () => {
  it('goes on while LINE gives new tokens, and ends on the last page', () => {
    const paging = new FollowerPaging(10, null);
    expect(paging.stopReason(1, 'a')).toBeNull();
    expect(paging.stopReason(2, 'b')).toBeNull();
    expect(paging.stopReason(3, null)).toBeNull();
  });

  it('stops when a token comes back, the one resumed from included', () => {
    const paging = new FollowerPaging(10, null);
    paging.stopReason(1, 'a');
    paging.stopReason(2, 'b');
    expect(paging.stopReason(3, 'a')).toMatch(/repeated a continuation token after page 3/);
    expect(new FollowerPaging(10, 'x').stopReason(6, 'x')).toMatch(/repeated/);
  });

  it('stops at the page limit unless that page was the last', () => {
    const paging = new FollowerPaging(2, null);
    expect(paging.stopReason(1, 'a')).toBeNull();
    expect(paging.stopReason(2, null)).toBeNull();
    expect(paging.stopReason(2, 'b')).toMatch(/past 2 pages/);
    expect(() => new FollowerPaging(0, null)).toThrow(RangeError);
  });
});
