import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 1024;

export interface ScryptCost {
  /** CPU/memory cost, a power of two; memory used is about 128 × N × r bytes. */
  N: number;
  r: number;
  p: number;
}

/** 32 MiB and about 0.1 s per hash here: the cost is stored in each hash, so it can be raised later. */
export const DEFAULT_SCRYPT_COST: ScryptCost = { N: 2 ** 15, r: 8, p: 1 };
const KEY_LENGTH = 32;
const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([\w-]+)\$([\w-]+)$/;

/**
 * Passwords hashed with scrypt (node's own crypto), as `scrypt$N$r$p$salt$key` (base64url), so a
 * hash carries its cost and old hashes keep verifying after the cost is raised.
 */
@Injectable()
export class PasswordHasher {
  private readonly dummy: Promise<string>;

  constructor(private readonly cost: ScryptCost = DEFAULT_SCRYPT_COST) {
    // Verified against when the email is unknown, so that answer takes as long as a wrong password.
    this.dummy = this.hash(randomBytes(16).toString('hex'));
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(16);
    const key = await derive(password, salt, this.cost);
    const { N, r, p } = this.cost;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** False for a wrong password and for a missing or malformed hash, always after one scrypt. */
  async verify(password: string, stored: string | null): Promise<boolean> {
    const match = stored ? FORMAT.exec(stored) : null;
    if (!match) {
      await this.verify(password, await this.dummy);
      return false;
    }
    const [, N, r, p, salt, expected] = match;
    const expectedKey = Buffer.from(expected, 'base64url');
    const key = await derive(password, Buffer.from(salt, 'base64url'), { N: +N, r: +r, p: +p }, expectedKey.length);
    return key.length === expectedKey.length && timingSafeEqual(key, expectedKey);
  }
}

function derive(password: string, salt: Buffer, cost: ScryptCost, length = KEY_LENGTH): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(
      password.normalize('NFKC'),
      salt,
      length,
      { ...cost, maxmem: 256 * cost.N * cost.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    ),
  );
}
