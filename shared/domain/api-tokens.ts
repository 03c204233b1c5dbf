import { createHash, randomBytes } from 'node:crypto';

/**
 * API tokens. A token is `agt_` followed by 32 random bytes in base64url (256 bits), shown to its
 * owner once. Only its SHA-256 hash is stored: a high-entropy random secret needs no slow,
 * salted hash, and a hash lets the gateway find the token with one indexed lookup. A short prefix
 * of the token (`agt_` and 8 characters, 48 of its 256 bits) is kept in clear to recognise it in
 * lists.
 */

/** What every generated token starts with, so leaked tokens are easy to spot and scan for. */
export const TOKEN_SCHEME = 'agt_';
/** Characters of the token kept in clear for display: the scheme and 8 more. */
export const TOKEN_PREFIX_LENGTH = TOKEN_SCHEME.length + 8;
/** Shortest token accepted, also for bootstrap tokens chosen by an operator. */
export const MIN_TOKEN_LENGTH = 32;
/** Longest token accepted; longer `Authorization` values are refused without hashing. */
export const MAX_TOKEN_LENGTH = 256;

/** A tenant id: letters, digits, `_`, `.` and `-`, 1–64 characters, starting with a letter or digit. */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
/** A token name: 1–100 printable characters. */
export const TOKEN_NAME_MAX = 100;

/** A stored API token. The secret itself is never stored. */
export interface ApiToken {
  id: string;
  /** The tenant whose objects the token sees, and the only one. */
  tenantId: string;
  /** What the token is for, e.g. `ci`. */
  name: string;
  /** The token's first {@link TOKEN_PREFIX_LENGTH} characters, not secret, for display. */
  prefix: string;
  createdAt: Date;
  /** Last authenticated request, recorded at most once per minute per gateway; null when never used. */
  lastUsedAt: Date | null;
  /** Set once the token is revoked; a revoked token authenticates nothing. */
  revokedAt: Date | null;
}

/** A fresh random token. */
export function generateToken(): string {
  return `${TOKEN_SCHEME}${randomBytes(32).toString('base64url')}`;
}

/** The stored form of a token: SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function tokenPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX_LENGTH);
}

/** True for a string that may be a token: the right length and printable ASCII, no spaces. */
export function isPlausibleToken(token: string): boolean {
  return (
    token.length >= MIN_TOKEN_LENGTH &&
    token.length <= MAX_TOKEN_LENGTH &&
    /^[\x21-\x7e]+$/.test(token)
  );
}
