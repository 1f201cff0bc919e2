import { LAST_SEND_AT, scheduleProblems } from './campaign-schedule';

describe('scheduleProblems', () => {
  const now = new Date('2026-12-02T00:00:00Z');

  it('takes a one-off send up to the last instant that is 9999-12 in every zone', () => {
    expect(scheduleProblems({ at: LAST_SEND_AT }, now)).toEqual([]);
    // 9999-12-31T23:59:59.999Z is 10000-01-01 07:59 in Asia/Taipei: a month nothing can count.
    expect(scheduleProblems({ at: new Date('9999-12-31T23:59:59.999Z') }, now)).toEqual([
      { field: 'at', problem: 'must be no later than 9999-12-31T09:59:59.999Z' },
    ]);
  });

  it('refuses a one-off send in the past', () => {
    expect(scheduleProblems({ at: new Date('2026-12-01T00:00:00Z') }, now)).toEqual([
      { field: 'at', problem: 'must be in the future' },
    ]);
  });
});
