/** Judging the stated and the real token lifetime (REQ-TTL-01..03; seed 004 "a time to live for auth_tokens"). */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { check } from '../verdict/check.ts';
import type { IssuedToken } from '../oauth/issued.ts';
import { isNumericDate } from './decode.ts';
import { dateHeaderOf, lifetimeOf } from './lifetime.ts';
import { notAJwt } from './claims.ts';
import { resolveClient, isNotTestable, type NotTestable } from '../oauth/token-requests.ts';
import type { ClientRole } from '../oauth/clients.ts';

/** Date has a 1 s resolution and expires_in is rounded: two reads of one clock, 2 s apart at most. */
export const EXPIRES_IN_TOLERANCE_S = 2;
/** How far iat may be from the response's Date before the IdP's clock is suspect (plus Date's 1 s resolution). */
export const IAT_TOLERANCE_S = 5;
/** Declared TTL versus the real lifetime. */
export const TTL_TOLERANCE_S = 1;

export type Judged = 'judged' | { readonly notTestable: string };

/**
 * REQ-TTL-01: expires_in is the lifetime counted from the token response: exp - Date (within 2 s). iat is not
 * used when the response has a Date: an IdP may backdate iat for clock skew and still state expires_in truly.
 */
export function judgeExpiresInIsLifetime(world: CtkWorld, issued: IssuedToken): Judged {
  const expiresIn = issued.response?.expires_in;
  if (typeof expiresIn !== 'number') return { notTestable: 'the token response states no expires_in (REQ-TOK-04 judges that)' };
  const date = dateHeaderOf(issued.exchange);
  const from = date !== undefined ? `the response's Date (${new Date(date).toISOString()})` : 'iat (the response has no Date)';
  if (notAJwt(world, issued, 'REQ-TTL-01', `expires_in equal to the token's exp minus ${from}, within ${EXPIRES_IN_TOLERANCE_S} s`)) return 'judged';
  const { exp, iat } = issued.decoded?.claims ?? {};
  const issuedAt = date !== undefined ? Math.floor(date / 1000) : isNumericDate(iat) ? iat : undefined;
  check(
    world,
    {
      requirement: 'REQ-TTL-01',
      expected: `expires_in equal to the token's exp minus ${from}, within ${EXPIRES_IN_TOLERANCE_S} s`,
      observed: `expires_in ${expiresIn}, exp ${JSON.stringify(exp)}${isNumericDate(exp) && issuedAt !== undefined ? ` (exp - ${date !== undefined ? 'Date' : 'iat'} = ${exp - issuedAt} s)` : ''}`,
    },
    () => {
      expect(isNumericDate(exp) && issuedAt !== undefined, 'exp and a time of issue').to.equal(true);
      expect(Math.abs(expiresIn - ((exp as number) - issuedAt!))).to.be.at.most(EXPIRES_IN_TOLERANCE_S);
    },
  );
  return 'judged';
}

/** REQ-TTL-02: iat within 5 s of the Date of the token response. */
export function judgeIatIsIssueTime(world: CtkWorld, issued: IssuedToken): Judged {
  const date = dateHeaderOf(issued.exchange);
  if (date === undefined) return { notTestable: 'the token response has no Date header to compare iat with' };
  if (notAJwt(world, issued, 'REQ-TTL-02', `iat within ${IAT_TOLERANCE_S} s of the token response's Date (${new Date(date).toISOString()})`)) return 'judged';
  const iat = issued.decoded?.claims.iat;
  const dateS = Math.floor(date / 1000);
  check(
    world,
    {
      requirement: 'REQ-TTL-02',
      expected: `iat within ${IAT_TOLERANCE_S} s of the token response's Date (${new Date(date).toISOString()})`,
      observed: isNumericDate(iat) ? `iat ${iat} (${new Date(iat * 1000).toISOString()}), ${Math.round(iat - dateS)} s from Date` : `iat ${JSON.stringify(iat)}`,
    },
    () => {
      expect(isNumericDate(iat), 'iat NumericDate').to.equal(true);
      // Date is truncated to the second: one more second of slack.
      expect(Math.abs((iat as number) - dateS)).to.be.at.most(IAT_TOLERANCE_S + 1);
    },
  );
  return 'judged';
}

/**
 * The lifetime REQ-TTL-03 judges: exp - iat, except where iat is not the time of issue (further than REQ-TTL-02's
 * bound from the token response's Date: that is REQ-TTL-02's finding), then exp - Date. A misdated iat does not
 * make a token live longer or shorter, and the same answer is not a second finding under REQ-TTL-03 (one cause, one
 * finding; REQ-TTL-02 is a SHOULD and cannot explain a seed requirement away, so the lifetime is read where it is
 * true instead). A token whose exp is wrong is still measured wrong either way.
 */
export function lifetimeFromIssue(issued: IssuedToken): { readonly seconds: number; readonly source: string } | undefined {
  const lifetime = lifetimeOf(issued);
  const date = dateHeaderOf(issued.exchange);
  const { exp, iat } = issued.decoded?.claims ?? {};
  if (lifetime?.source !== 'exp - iat' || date === undefined || !isNumericDate(exp) || !isNumericDate(iat)) return lifetime;
  const dateS = Math.floor(date / 1000);
  if (Math.abs(iat - dateS) <= IAT_TOLERANCE_S + 1) return lifetime;
  return { seconds: exp - dateS, source: `exp - the response's Date: iat is ${Math.round(iat - dateS)} s from it, REQ-TTL-02's finding` };
}

/** REQ-TTL-03: the short-TTL client's tokens live its declared TTL. */
export function judgeDeclaredTtl(world: CtkWorld, issued: IssuedToken, declaredSeconds: number): void {
  const lifetime = lifetimeFromIssue(issued);
  check(
    world,
    {
      requirement: 'REQ-TTL-03',
      expected: `tokens of ${issued.client.clientId} living its declared TTL of ${declaredSeconds} s (within ${TTL_TOLERANCE_S} s)`,
      observed: lifetime ? `a lifetime of ${lifetime.seconds} s (${lifetime.source})` : 'neither exp/iat nor expires_in to read the lifetime from',
    },
    () => {
      expect(lifetime, 'lifetime').to.not.equal(undefined);
      expect(Math.abs(lifetime!.seconds - declaredSeconds)).to.be.at.most(TTL_TOLERANCE_S);
    },
  );
}

/**
 * REQ-TTL-03: the lifetime the profile declares for `role`'s tokens. The short-TTL client exists to declare one, so
 * without it (or without its ttlSeconds) the check is not testable. For the other clients a declaration is the
 * profile's choice: none claims nothing, and the check is not applicable to them — but one that is stated is judged,
 * because a realm default or a lost per-client override changes every token while expires_in and exp still agree.
 */
export function declaredTtl(world: CtkWorld, role: ClientRole): number | NotTestable | 'not-applicable' {
  if (role !== 'shortTtl') return world.target.clients[role as Exclude<ClientRole, 'unknown'>]?.ttlSeconds ?? 'not-applicable';
  const client = resolveClient(world, role);
  if (isNotTestable(client)) return client;
  return client.ttlSeconds ?? { notTestable: `the profile states no ttlSeconds for ${client.clientId}`, remedy: 'state clients.shortTtl.ttlSeconds in the target profile' };
}
