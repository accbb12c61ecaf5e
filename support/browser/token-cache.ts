/**
 * Access tokens from browser logins, kept for the run so that scenarios which only USE a human token (what the
 * gateway and the component do with it) do not each drive a login through the browser: ~0.5-1 s each on 2
 * cores. Like the client-credentials cache in support/oauth/token-client.ts: a token is reused only during the
 * first half of its lifetime, so it stays comfortably valid while a scenario runs. Scenarios that judge the
 * login itself never read this cache.
 */
import type { TestUser } from '../target/target.ts';
import { keptTokenCurrent, signingKeyRotations } from '../oauth/signing-key-rotations.ts';

interface Cached {
  readonly token: string;
  readonly obtainedAt: number;
  readonly reuseUntil: number;
  /** The run's rotation count when it was kept: after a rotation it may be signed with a retired key. */
  readonly rotations: number;
}

const cache = new Map<string, Cached>();
const keyOf = (user: TestUser): string => `${user.username}|${user.customerId}`;

/** Remembers a token a browser login produced; `expiresIn` in seconds (RFC 6749 §5.1), default 60. */
export function rememberHumanToken(user: TestUser, token: string, expiresIn: unknown): void {
  const lifetimeMs = (typeof expiresIn === 'number' && expiresIn > 0 ? expiresIn : 60) * 1000;
  if (lifetimeMs < 20_000) return; // too short-lived to be worth sharing
  const now = Date.now();
  cache.set(keyOf(user), { token, obtainedAt: now, reuseUntil: now + lifetimeMs / 2, rotations: signingKeyRotations() });
}

export function cachedHumanToken(user: TestUser): { token: string; ageMs: number } | undefined {
  const hit = cache.get(keyOf(user));
  if (!hit || hit.reuseUntil <= Date.now() || !keptTokenCurrent(hit.rotations)) return undefined;
  return { token: hit.token, ageMs: Date.now() - hit.obtainedAt };
}
