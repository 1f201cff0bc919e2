import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { RoleName } from '../users/users.dto';
import { BOOTSTRAP_ADMIN_EMAIL, UsersService } from '../users/users.service';

/** One person per role, so the four-eyes workflow (a marketer writes, an approver approves) can be shown in the browser. */
const PEOPLE: { email: string; name: string; role: RoleName }[] = [
  { email: BOOTSTRAP_ADMIN_EMAIL, name: 'Administrator', role: 'admin' },
  { email: 'marketer@localhost', name: 'Sandbox marketer', role: 'marketer' },
  { email: 'approver@localhost', name: 'Sandbox approver', role: 'approver' },
];

export interface SandboxLogin {
  email: string;
  role: RoleName;
  password: string;
}

/**
 * The embedded default's ready console logins: the passwords are made once and kept in
 * DATA_DIR/sandbox-logins.json (mode 600, beside the admin token) so every start prints the same
 * ones; a user missing from the database is created with theirs. A password changed in the console
 * since is kept (the file then no longer knows it).
 */
export async function ensureSandboxLogins(app: INestApplication, dataDir: string): Promise<SandboxLogin[]> {
  const file = path.join(dataDir, 'sandbox-logins.json');
  const saved = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const logins = PEOPLE.map((person) => ({
    ...person,
    password: saved[person.email] ?? randomBytes(12).toString('base64url'),
  }));
  const passwords = Object.fromEntries(logins.map((login) => [login.email, login.password]));
  fs.writeFileSync(file, `${JSON.stringify(passwords, null, 2)}\n`, { mode: 0o600 });
  await app.get(UsersService).ensureLogins(logins);
  return logins.map(({ email, role, password }) => ({ email, role, password }));
}
