import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, insertLineAccount, TestDatabase } from './support/database';

/**
 * contacts.line_account_id is held to line_accounts by triggers, once per statement, instead of a
 * foreign key once per row (migration contacts_account_check): the same guarantees, checked here in
 * plain SQL, with the races a foreign key decides.
 */
describe('a contact belongs to an existing LINE account', () => {
  let db: TestDatabase;
  const clients: Client[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
    await db.drop();
  });

  async function connect(): Promise<Client> {
    const client = new Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
    return client;
  }

  async function account(): Promise<string> {
    const id = randomUUID();
    await insertLineAccount(db.pool, id);
    return id;
  }

  const insertContacts = (client: Pick<Client, 'query'>, rows: [accountId: string, userId: string][]) =>
    client.query(
      `INSERT INTO contacts (id, line_account_id, line_user_id, updated_at)
       SELECT gen_random_uuid(), a, u, now() FROM unnest($1::uuid[], $2::text[]) AS r(a, u)`,
      [rows.map(([a]) => a), rows.map(([, u]) => u)],
    );
  const contactsOf = async (accountId: string) =>
    (await db.pool.query('SELECT count(*)::int AS n FROM contacts WHERE line_account_id = $1', [accountId])).rows[0].n;

  it('refuses a statement with any row naming a missing account, as a foreign key violation, writing none', async () => {
    const real = await account();
    const missing = randomUUID();
    const failure = await insertContacts(db.pool, [
      [real, 'U1'],
      [missing, 'U2'],
    ]).catch((error: { code?: string; constraint?: string; detail?: string }) => error);
    expect(failure).toMatchObject({
      code: '23503',
      constraint: 'contacts_line_account_id_fkey',
      detail: `Key (line_account_id)=(${missing}) is not present in table "line_accounts".`,
    });
    expect(await contactsOf(real)).toBe(0);
    await insertContacts(db.pool, [
      [real, 'U1'],
      [real, 'U2'],
    ]);
    expect(await contactsOf(real)).toBe(2);
  });

  it("keeps a contact in its account and an account's id as it is", async () => {
    const [one, two] = [await account(), await account()];
    await insertContacts(db.pool, [[one, 'U1']]);
    await expect(
      db.pool.query('UPDATE contacts SET line_account_id = $2 WHERE line_account_id = $1', [one, two]),
    ).rejects.toThrow("a contact's line_account_id can't change");
    await expect(db.pool.query(`UPDATE line_accounts SET id = $2 WHERE id = $1`, [one, randomUUID()])).rejects.toThrow(
      "a LINE account's id can't change",
    );
    // Other updates of either go through.
    await db.pool.query(`UPDATE contacts SET display_name = 'Mei' WHERE line_account_id = $1`, [one]);
    await db.pool.query(`UPDATE line_accounts SET name = 'Renamed' WHERE id = $1`, [one]);
    expect(await contactsOf(one)).toBe(1);
  });

  it("deletes an account's contacts with it, and no other account's", async () => {
    const [gone, kept] = [await account(), await account()];
    await insertContacts(db.pool, [
      [gone, 'U1'],
      [gone, 'U2'],
      [kept, 'U1'],
    ]);
    await db.pool.query('DELETE FROM line_accounts WHERE id = $1', [gone]);
    expect(await contactsOf(gone)).toBe(0);
    expect(await contactsOf(kept)).toBe(1);
  });

  it('an account deleted while an insert is uncommitted waits for it, then takes its contacts too', async () => {
    const id = await account();
    const [inserter, deleter] = [await connect(), await connect()];
    await inserter.query('BEGIN');
    await insertContacts(inserter, [
      [id, 'U1'],
      [id, 'U2'],
    ]);
    let deleted = false;
    const deleting = deleter.query('DELETE FROM line_accounts WHERE id = $1', [id]).then(() => (deleted = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deleted).toBe(false); // held by the insert's key-share lock on the account
    await inserter.query('COMMIT');
    await deleting;
    expect(await contactsOf(id)).toBe(0);
  });

  it('an insert meeting an uncommitted delete of its account waits for it, then fails and writes nothing', async () => {
    const id = await account();
    const [inserter, deleter] = [await connect(), await connect()];
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM line_accounts WHERE id = $1', [id]);
    let settled = false;
    const inserting = insertContacts(inserter, [[id, 'U1']])
      .then(() => 'inserted')
      .catch((error: { code?: string }) => error.code)
      .finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await deleter.query('COMMIT');
    expect(await inserting).toBe('23503');
    expect(await contactsOf(id)).toBe(0);
  });

  it('under REPEATABLE READ, neither race leaves a contact without its account', async () => {
    // The delete cascades on its own snapshot there; the insert's bump of the account's
    // contact_changes counter is what makes it a serialization failure (see the migration).
    const early = await account();
    {
      const [inserter, deleter] = [await connect(), await connect()];
      await deleter.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await deleter.query('SELECT 1 FROM line_accounts LIMIT 1'); // its snapshot, before the insert
      await insertContacts(inserter, [[early, 'U1']]);
      const failure = await deleter
        .query('DELETE FROM line_accounts WHERE id = $1', [early])
        .then(() => deleter.query('COMMIT'))
        .then(() => null)
        .catch((error: { code?: string }) => error.code);
      await deleter.query('ROLLBACK').catch(() => undefined);
      expect(failure).toBe('40001');
    }
    const waited = await account();
    {
      const [inserter, deleter] = [await connect(), await connect()];
      await deleter.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await deleter.query('SELECT 1 FROM line_accounts LIMIT 1');
      await inserter.query('BEGIN');
      await insertContacts(inserter, [[waited, 'U1']]);
      const deleting = deleter
        .query('DELETE FROM line_accounts WHERE id = $1', [waited])
        .then(() => deleter.query('COMMIT'))
        .then(() => null)
        .catch((error: { code?: string }) => error.code);
      await new Promise((resolve) => setTimeout(resolve, 300));
      await inserter.query('COMMIT');
      expect(await deleting).toBe('40001');
      await deleter.query('ROLLBACK').catch(() => undefined);
    }
    const orphans = await db.pool.query(
      'SELECT count(*)::int AS n FROM contacts c WHERE NOT EXISTS (SELECT 1 FROM line_accounts a WHERE a.id = c.line_account_id)',
    );
    expect(orphans.rows[0].n).toBe(0);
    expect([await contactsOf(early), await contactsOf(waited)]).toEqual([1, 1]);
  });

  it('an insert into an account whose delete rolls back goes through once the delete is gone', async () => {
    const id = await account();
    const [inserter, deleter] = [await connect(), await connect()];
    await deleter.query('BEGIN');
    await deleter.query('DELETE FROM line_accounts WHERE id = $1', [id]);
    const inserting = insertContacts(inserter, [[id, 'U1']]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await deleter.query('ROLLBACK');
    await inserting;
    expect(await contactsOf(id)).toBe(1);
  });
});
