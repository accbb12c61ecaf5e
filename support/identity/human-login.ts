/**
 * Human access tokens for the identity checks (seeds 000, 003, 004). The checks judge what a human token carries
 * and what the gateway and component do with it — never HOW it was obtained. Sources are pluggable:
 *
 *   - password-style login (RFC 6749 §4.3, grant_type=password through the web client): the browserless way the
 *     reference allows for its test users (issue 3);
 *   - a browser login (authorization code + PKCE, issue 7) registers itself with registerHumanTokenSource and is
 *     then tried first.
 *
 * A source that cannot produce a token for this target says why; when none can, the check is NOT TESTABLE with
 * that reason — never failed, because the absence of a browserless login is no deviation from any seed.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { assertTokenEndpointUsable, basicAuthorization, isPublicClient, paceTokenRequest, registeredAuthMethod, targetTokenParameters, tokenResponseOf } from '../oauth/token-client.ts';
import type { TestUser } from '../target/target.ts';
import { keptTokenCurrent, signingKeyRotations } from '../oauth/signing-key-rotations.ts';

export type HumanToken = { readonly kind: 'token'; readonly token: string; readonly user: TestUser; readonly how: string };
export type HumanTokenUnavailable = { readonly kind: 'unavailable'; readonly reason: string; readonly remedy: string };
export type HumanTokenOutcome = HumanToken | HumanTokenUnavailable;

export interface HumanTokenSource {
  readonly name: string;
  obtain(world: CtkWorld, user: TestUser): Promise<HumanTokenOutcome>;
}

/** RFC 6749 §4.3.2: the web client authenticates (HTTP Basic, or as the profile registered it) and sends the user's credentials. */
export async function passwordLogin(world: CtkWorld, user: TestUser, options: { password?: string; sourceAddress?: string; keepAsLast?: boolean } = {}): Promise<Exchange> {
  const web = world.target.clients.web!;
  assertTokenEndpointUsable(world.target);
  await paceTokenRequest(world, options.sourceAddress);
  // The target's own token request parameters (audience, resource) go along; the grant's own ones win.
  const body = new URLSearchParams({ ...targetTokenParameters(world.target), grant_type: 'password', username: user.username, password: options.password ?? user.password });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const method = registeredAuthMethod(web);
  if (method === 'basic') headers.authorization = basicAuthorization(web.clientId, web.clientSecret);
  if (method !== 'basic') body.set('client_id', web.clientId);
  if (method === 'body') body.set('client_secret', web.clientSecret);
  return world.send(
    {
      method: 'POST',
      url: world.target.tokenEndpoint,
      headers,
      body: body.toString(),
      ...(options.sourceAddress ? { sourceAddress: options.sourceAddress } : {}),
    },
    { keepAsLast: options.keepAsLast ?? false },
  );
}

export const passwordGrantSource: HumanTokenSource = {
  name: 'password-style login (grant_type=password through the web client)',
  async obtain(world, user) {
    if (!world.target.clients.web) {
      return { kind: 'unavailable', reason: 'the target profile describes no web client (clients.web) to log humans in through', remedy: 'add clients.web to the target profile' };
    }
    if (isPublicClient(world.target.clients.web)) {
      // A public web client logs humans in with the authorization code and PKCE; a password grant sent for it would
      // only add failed logins that an IP block counts.
      return {
        kind: 'unavailable',
        reason: `clients.web (${world.target.clients.web.clientId}) is a public client (tokenEndpointAuthMethod: none): the kit tries no password-style login through it`,
        remedy: 'human tokens come from the browser login (authorization code + PKCE): claim human-login and describe browserLogin',
      };
    }
    const exchange = await passwordLogin(world, user);
    const token = tokenResponseOf(exchange);
    if (token) return { kind: 'token', token: token.access_token, user, how: this.name };
    const error = jsonOf(exchange)?.error;
    const refusedGrant = error === 'unsupported_grant_type' || error === 'unauthorized_client';
    return {
      kind: 'unavailable',
      reason: `the password-style login of ${user.username} gave no token (${describeOutcome(exchange)})`,
      remedy: refusedGrant
        ? 'the target does not offer the password grant to clients.web: provide human tokens through the browser login (human-login capability, issue 7)'
        : `check users[].password of ${user.username} and clients.web in the target profile`,
    };
  },
};

const sources: HumanTokenSource[] = [passwordGrantSource];

/** A better source (e.g. the browser login) goes first; the password-style login stays the fallback. */
export function registerHumanTokenSource(source: HumanTokenSource): void {
  if (!sources.some((s) => s.name === source.name)) sources.unshift(source);
}

/** Tokens per user for the run, reused during the first half of their lifetime (less load on the token endpoint). */
const cache = new Map<string, { token: HumanToken; until: number; rotations: number }>();

/**
 * `browserlessFirst`: the password-style login before the browser, for a check that needs some human token and judges
 * nothing about the login (REQ-ID-09's human row): no browser is started where the target allows the password grant.
 */
export async function humanAccessToken(world: CtkWorld, user: TestUser, options: { browserlessFirst?: boolean } = {}): Promise<HumanTokenOutcome> {
  const hit = cache.get(user.username);
  // Not across a signing-key or secret rotation (support/oauth/signing-key-rotations.ts): the key may be retired.
  if (hit && hit.until > Date.now() && keptTokenCurrent(hit.rotations)) return hit.token;
  const rotations = signingKeyRotations();
  const reasons: HumanTokenUnavailable[] = [];
  const ordered = options.browserlessFirst ? [passwordGrantSource, ...sources.filter((s) => s !== passwordGrantSource)] : sources;
  for (const source of ordered) {
    const outcome = await source.obtain(world, user);
    if (outcome.kind === 'token') {
      const ttl = world.target.clients.web?.ttlSeconds ?? 60;
      if (ttl >= 20) cache.set(user.username, { token: outcome, until: Date.now() + (ttl * 1000) / 2, rotations });
      return outcome;
    }
    reasons.push(outcome);
  }
  return {
    kind: 'unavailable',
    reason: reasons.map((r) => r.reason).join('; ') || 'no source of human tokens is registered',
    remedy: reasons.map((r) => r.remedy).join('; ') || 'describe clients.web and users in the target profile',
  };
}

/** The n-th test user ("first", "second"), or undefined when the profile has fewer. */
export function testUser(world: CtkWorld, ordinal: string): TestUser | undefined {
  const index = ['first', 'second', 'third'].indexOf(ordinal);
  if (index < 0) throw new Error(`unknown ordinal "${ordinal}" in the feature file (first, second, third)`);
  return world.target.users[index];
}
