import { bearer, createTestApp, TestApp } from './support/app';
import { untilLockWait } from './support/database';
import { ContactChangesRepository } from '../apps/api/src/contacts/contact-changes.repository';

const uid = (n: number) => `U${n.toString(16).padStart(32, '0')}`;
/** Resolves with 'still waiting' after `ms`, without keeping the test process alive. */
const deadline = (ms: number) =>
  new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms).unref());

/**
 * The contact-change counter (contact_changes: a row per writing transaction, their sum read,
 * finished ones folded every minute; migration contact_changes_per_transaction): no writer waits
 * for another's counter, and folding never moves the sum.
 */
describe('contact-change counters', () => {
  let t: TestApp;
  let changes: ContactChangesRepository;

  beforeAll(async () => {
    t = await createTestApp();
    changes = t.app.get(ContactChangesRepository);
  });
  afterAll(() => t.close());

  async function account(name: string): Promise<string> {
    return (
      await t
        .http()
        .post('/api/v1/line-accounts')
        .set(bearer(t.adminToken))
        .send({
          name,
          channelId: String(1_800_000_000 + Math.floor(Math.random() * 1_000_000)),
          channelAccessToken: 'token',
          channelSecret: 'secret',
          plan: 'high',
          monthlyBudget: '500',
        })
        .expect(201)
    ).body.id;
  }
  const csv = (from: number, to: number, name: string) => {
    const lines = ['lineUserId,displayName'];
    for (let i = from; i < to; i++) lines.push(`${uid(i)},${name} ${i}`);
    return lines.join('\n');
  };
  const importCsv = (accountId: string, body: string) =>
    t
      .http()
      .post(`/api/v1/line-accounts/${accountId}/contacts/import`)
      .set(bearer(t.adminToken))
      .set('Content-Type', 'text/csv')
      .send(body)
      .then((response) => response);
  const rowsOf = async (accountId: string) =>
    (
      await t.db.pool.query<{ xact: string; seq: string }>(
        `SELECT xact::text, seq::text FROM contact_changes WHERE line_account_id = $1 ORDER BY xact`,
        [accountId],
      )
    ).rows;

  it('lets other writers of the account finish while an import waits, instead of deadlocking with it', async () => {
    // With one counter row per account, the import's first chunk locked it until commit: another
    // import (or an edit) then locked its users' rows and waited for the counter, and the import,
    // reaching those users, waited for it: PostgreSQL failed one of them (40P01).
    const accountId = await account('No deadlock');
    expect((await importCsv(accountId, csv(0, 30_000, 'First'))).body.created).toBe(30_000);
    const colleague = await t.db.pool.connect();
    try {
      await colleague.query('BEGIN');
      // A colleague's edit holds one user of the import's second chunk.
      await colleague.query(`SELECT 1 FROM contacts WHERE line_account_id = $1 AND line_user_id = $2 FOR UPDATE`, [
        accountId,
        uid(12_000),
      ]);
      const whole = importCsv(accountId, csv(0, 30_000, 'Again'));
      expect(await untilLockWait(t.db.pool, 'INSERT INTO contacts')).toBe(true);
      // Meanwhile, users further on are written by another import and by an edit: both finish
      // while the first import is still held, so neither holds anything it will need.
      const other = importCsv(accountId, csv(15_000, 16_000, 'Other'));
      const edit = t
        .http()
        .put(`/api/v1/line-accounts/${accountId}/contacts`)
        .set(bearer(t.adminToken))
        .send({ contacts: [{ lineUserId: uid(25_000), displayName: 'Edited' }] })
        .then((response) => response);
      const timeout = deadline(15_000);
      const [otherDone, editDone] = await Promise.all([Promise.race([other, timeout]), Promise.race([edit, timeout])]);
      expect(otherDone).toMatchObject({ status: 200, body: { updated: 1_000 } });
      expect(editDone).toMatchObject({ status: 200 });
      await colleague.query('COMMIT');
      expect(await whole).toMatchObject({ status: 200, body: { updated: 30_000 } });
    } finally {
      await colleague.query('ROLLBACK').catch(() => undefined);
      colleague.release();
    }
    const { rows } = await t.db.pool.query<{ name: string }>(
      `SELECT display_name AS name FROM contacts WHERE line_account_id = $1 AND line_user_id = ANY($2) ORDER BY line_user_id`,
      [accountId, [uid(15_500), uid(25_000)]],
    );
    // The held import committed last: its rows are what stays.
    expect(rows.map(({ name }) => name)).toEqual(['Again 15500', 'Again 25000']);
  });

  it('runs three overlapping imports of one account at once to the end', async () => {
    const accountId = await account('Three imports');
    expect((await importCsv(accountId, csv(0, 25_000, 'First'))).body.created).toBe(25_000);
    const forward = csv(0, 25_000, 'Forward');
    const backward = [forward.split('\n')[0], ...forward.split('\n').slice(1).reverse()].join('\n');
    const laterAndNew = [
      csv(12_000, 25_000, 'Later'),
      csv(100_000, 125_000, 'New').split('\n').slice(1).join('\n'),
    ].join('\n');
    const results = await Promise.all([
      importCsv(accountId, forward),
      importCsv(accountId, backward),
      importCsv(accountId, laterAndNew),
    ]);
    expect(results.map(({ status }) => status)).toEqual([200, 200, 200]);
    const { rows } = await t.db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1`,
      [accountId],
    );
    expect(rows[0].n).toBe(50_000);
  });

  it('counts every writing statement, folds finished transactions without moving the sum, and leaves a running one alone', async () => {
    const accountId = await account('Folded');
    expect(await changes.changeSeq(accountId)).toBe('0');
    for (let i = 0; i < 3; i++)
      await t
        .http()
        .put(`/api/v1/line-accounts/${accountId}/contacts`)
        .set(bearer(t.adminToken))
        .send({ contacts: [{ lineUserId: uid(i), displayName: `Contact ${i}` }] })
        .expect(200);
    const before = await changes.changeSeq(accountId);
    expect(Number(before)).toBeGreaterThanOrEqual(3);
    expect((await rowsOf(accountId)).length).toBe(3); // one per transaction

    // A transaction still writing: its row is invisible to the fold, and stays.
    const writer = await t.db.pool.connect();
    try {
      await writer.query('BEGIN');
      await writer.query(
        `UPDATE contacts SET display_name = 'Running' WHERE line_account_id = $1 AND line_user_id = $2`,
        [accountId, uid(0)],
      );
      await writer.query(
        `UPDATE contacts SET display_name = 'Running' WHERE line_account_id = $1 AND line_user_id = $2`,
        [accountId, uid(1)],
      );
      expect(await changes.compact()).toBeGreaterThanOrEqual(3);
      expect(await changes.changeSeq(accountId)).toBe(before);
      expect((await rowsOf(accountId)).map(({ xact }) => xact)).toEqual(['0']);
      await writer.query('COMMIT');
    } finally {
      writer.release();
    }
    // The writer's two statements, seen at its commit, and kept by the next fold.
    const after = String(Number(before) + 2);
    expect(await changes.changeSeq(accountId)).toBe(after);
    expect(await changes.compact(accountId)).toBe(1);
    expect(await rowsOf(accountId)).toEqual([{ xact: '0', seq: after }]);
    expect(await changes.compact(accountId)).toBe(0);
  });

  it("skips an account whose delete is under way, and the delete takes the account's counter with it", async () => {
    const accountId = await account('Deleted');
    await t
      .http()
      .put(`/api/v1/line-accounts/${accountId}/contacts`)
      .set(bearer(t.adminToken))
      .send({ contacts: [{ lineUserId: uid(1), displayName: 'Gone soon' }] })
      .expect(200);
    const deleting = await t.db.pool.connect();
    try {
      await deleting.query('BEGIN');
      await deleting.query(`SELECT 1 FROM line_accounts WHERE id = $1 FOR UPDATE`, [accountId]);
      // Not waited for: the fold skips the locked account.
      expect(await Promise.race([changes.compact(accountId), deadline(5_000)])).toBe(0);
      await deleting.query(`DELETE FROM line_accounts WHERE id = $1`, [accountId]);
      await deleting.query('COMMIT');
    } finally {
      deleting.release();
    }
    expect(await rowsOf(accountId)).toEqual([]);
  });
});
