import { restOfSend, RunUnderWay, underWayNote, withoutOwnHolds } from './under-way';

const now = new Date('2026-11-20T02:00:00Z');
const TZ = 'Asia/Taipei';
const run = (fields: Partial<RunUnderWay>): RunUnderWay => ({
  id: 'r',
  status: 'sending',
  scheduledAt: now,
  unsent: 0,
  messageObjects: 1,
  held: null,
  ...fields,
});

describe('restOfSend', () => {
  it('is null without a run under way', () => {
    expect(restOfSend([], now, TZ)).toBeNull();
  });

  it("an A/B test waiting: the remainder at its time, its shared reservation's unsettled part once", () => {
    const hold = { reservationId: 'res', month: '2026-11', messages: 800, cost: '160.0000' };
    const at = new Date(now.getTime() + 240 * 60_000);
    const rest = restOfSend(
      [run({ id: 'rest', status: 'scheduled', scheduledAt: at, unsent: 800, held: hold })],
      now,
      TZ,
    );
    expect(rest).toEqual({
      month: '2026-11',
      sendAt: at,
      recipients: 800,
      messageObjects: 1,
      runIds: ['rest'],
      held: { messages: 800, cost: '160.0000' },
    });
    expect(underWayNote(rest!, 'TWD').text).toContain('800 recipients');
  });

  it('variants still sending and the remainder: the shared hold counted once, now, at the largest content', () => {
    const hold = { reservationId: 'res', month: '2026-11', messages: 900, cost: '180.0000' };
    const later = new Date(now.getTime() + 60_000);
    const rest = restOfSend(
      [
        run({ id: 'a', unsent: 50, held: hold }),
        run({ id: 'b', unsent: 100, messageObjects: 6, held: hold }),
        run({ id: 'rest', status: 'scheduled', scheduledAt: later, unsent: 800, held: hold }),
      ],
      now,
      TZ,
    );
    expect(rest).toMatchObject({ sendAt: null, recipients: 950, messageObjects: 6, held: { messages: 900 } });
  });

  it("the free part sending and the rest at the reset: this month's part only; next month's alone once it is all that is left", () => {
    const reset = new Date('2026-11-30T16:00:00Z');
    const deferred = run({ id: 'later', status: 'scheduled', scheduledAt: reset, unsent: 800 });
    const hold = { reservationId: 'res', month: '2026-11', messages: 100, cost: '0.0000' };
    expect(restOfSend([run({ id: 'now', unsent: 100, held: hold }), deferred], now, TZ)).toMatchObject({
      month: '2026-11',
      recipients: 100,
      runIds: ['now'],
    });
    expect(restOfSend([deferred], now, TZ)).toMatchObject({
      month: '2026-12',
      sendAt: reset,
      recipients: 800,
      held: { messages: 0, cost: '0.0000' },
    });
  });
});

describe('withoutOwnHolds', () => {
  it('takes the campaign’s holds out of the month’s reserved figures, never below 0', () => {
    expect(withoutOwnHolds({ messages: 1000, cost: '200.0000' }, { messages: 800, cost: '160.0000' })).toEqual({
      messages: 200,
      cost: '40.0000',
    });
    expect(withoutOwnHolds({ messages: 10, cost: '1.0000' }, { messages: 800, cost: '160.0000' })).toEqual({
      messages: 0,
      cost: '0.0000',
    });
  });
});
