import { Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';

/**
 * Makes and hashes API tokens, session tokens and invite tokens. Each is 256 random bits, so a plain
 * SHA-256 is a sound hash.
 */
@Injectable()
export class TokenCrypto {
  generate(): string {
    return `lcm_${randomBytes(32).toString('base64url')}`;
  }

  /** 256 random bits, URL-safe: session cookies, CSRF tokens, invite links. */
  random(): string {
    return randomBytes(32).toString('base64url');
  }

  hash(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  /** A short, non-secret handle for recognising a token in lists. */
  prefix(token: string): string {
    return token.slice(0, 10);
  }
}
