/**
 * REQ-JWKS-04: a key removed from the issuer's JWK Set stops being accepted within the bound the deployment claims
 * (limits.gateway.retiredKeySeconds). The kit needs a key it may remove without touching the one every other token is
 * signed with: it makes one in this worker, publishes only its PUBLIC half through its JWKS relay (relay.ts) and signs
 * a token with a genuine token's claims (and its typ and alg) under it. The token is first shown to be accepted (the
 * positive control), then the key is removed from the relay's set and the token presented every POLL_EVERY_MS until it
 * is refused, or the bound (and POLL_SLACK_MS) has passed. The private key never leaves the worker, and is dropped
 * with the scenario.
 */
import { expect } from 'chai';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { callProtectedRoute, presentUntilAdmitted } from '../jwt/gateway.ts';
import { isSuccess } from '../gateway/gateway-client.ts';
import { servedWithoutAnyCredentials } from '../gateway/verdicts.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { addCleanup } from '../oauth/scenario.ts';
import { genuineClaims } from './robustness.ts';
import { servedWithUnpublishedKey } from './signature-unchecked.ts';
import { jwksRelayOf } from './relay-client.ts';

const REQUIREMENT = 'REQ-JWKS-04';
/** How long the gateway is given to accept the newly published key first (past a 30 s refetch cooldown). */
const PICKUP_BOUND_MS = 35_000;
/** Slack for the kit's polling and the requests' own time on a loaded machine. */
const POLL_SLACK_MS = 3_000;
/** Polled four times a second: a short bound (the reference's 2 s) is judged within a quarter second of it. */
const POLL_EVERY_MS = 250;
/** Algorithms the kit can make a key for; anything else (or an opaque token) gets RS256. */
const KIT_KEY_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type Retirement =
  | { readonly kind: 'never-admitted'; readonly exchange: Exchange }
  | {
      readonly kind: 'watched';
      readonly boundSeconds: number;
      readonly refusedAfterMs?: number;
      readonly watchedMs: number;
      readonly exchange: Exchange;
      /** Where the admitted token was still served at the end: a token the gateway never saw, same key, same claims but jti. */
      readonly unseenToken?: Exchange;
    };

/**
 * A token like a genuine one (its claims, typ and alg), signed with a fresh key of the kit's under a fresh kid; and
 * `another`, the same key's signature on the same claims with a fresh jti (a token string the gateway never saw).
 */
async function kitSignedToken(world: CtkWorld): Promise<{ kid: string; publicJwk: Record<string, unknown>; token: string; another: () => Promise<string> }> {
  const genuine = decodeJwt(await accessTokenFor(world, world.target.clients.system));
  const alg = typeof genuine?.header.alg === 'string' && KIT_KEY_ALGS.includes(genuine.header.alg) ? genuine.header.alg : 'RS256';
  const typ = typeof genuine?.header.typ === 'string' ? genuine.header.typ : 'at+jwt';
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = `ctk-relay-${crypto.randomUUID()}`;
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
  const claims = await genuineClaims(world);
  const sign = (c: Record<string, unknown>) => new CompactSign(new TextEncoder().encode(JSON.stringify(c))).setProtectedHeader({ alg, typ, kid }).sign(privateKey);
  const token = await sign(claims);
  return { kid, publicJwk, token, another: () => sign({ ...claims, jti: `ctk-${crypto.randomUUID()}` }) };
}

export async function retireKeyAndWatch(world: CtkWorld): Promise<Retirement> {
  const relay = jwksRelayOf(world, [REQUIREMENT]);
  const boundSeconds = world.target.limits.gateway?.retiredKeySeconds;
  if (boundSeconds === undefined) throw new NotTestableError('the profile states no bound (limits.gateway.retiredKeySeconds)', { remedy: 'state limits.gateway.retiredKeySeconds', requirementIds: [REQUIREMENT] });
  const { kid, publicJwk, token, another } = await kitSignedToken(world);
  await relay.publish(publicJwk);
  // Whatever happens below, the key leaves the set with the scenario (removing it twice is a 404, ignored).
  addCleanup(world, async () => {
    await relay.remove(kid).catch(() => undefined);
  });
  world.log(`published a key of the kit's own through the JWKS relay (kid ${kid}, ${String(publicJwk.alg)}) and signed a token with a genuine token's claims under it`);
  const admitted = await presentUntilAdmitted(world, token, PICKUP_BOUND_MS, POLL_EVERY_MS);
  if (!isSuccess(admitted)) return { kind: 'never-admitted', exchange: admitted };
  await relay.remove(kid);
  const retiredAt = Date.now();
  const deadline = retiredAt + boundSeconds * 1000 + POLL_SLACK_MS;
  for (;;) {
    const exchange = await callProtectedRoute(world, token);
    const elapsed = Date.now() - retiredAt;
    if (!isSuccess(exchange)) return { kind: 'watched', boundSeconds, refusedAfterMs: elapsed, watchedMs: elapsed, exchange };
    if (Date.now() + POLL_EVERY_MS > deadline) {
      // Still served: is the key still trusted, or is this token admitted from a decision cache kept per token string?
      const unseenToken = await callProtectedRoute(world, await another());
      return { kind: 'watched', boundSeconds, watchedMs: elapsed, exchange, unseenToken };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_EVERY_MS));
  }
}

export async function judgeRetiredKeyRefused(world: CtkWorld, retirement: Retirement): Promise<void> {
  if (retirement.kind === 'never-admitted') {
    return couldNotJudge(world, {
      requirement: REQUIREMENT,
      expected: 'a token signed with a key removed from the JWK Set is refused within the claimed bound',
      why: `the gateway never accepted the token signed with the newly published key in ${PICKUP_BOUND_MS / 1000} s (${describeOutcome(retirement.exchange)}), so a refusal after its removal would prove nothing; REQ-JWT-11 judges picking up new keys`,
    });
  }
  const expected = `a token signed with a key removed from the JWK Set is refused within ${retirement.boundSeconds} s (limits.gateway.retiredKeySeconds; asked every ${POLL_EVERY_MS} ms, ${POLL_SLACK_MS / 1000} s of slack)`;
  // One cause, one finding: a protected route that serves a request without any credentials serves the retired key's
  // token too; REQ-ANON-04 reports the route (servedWithoutAnyCredentials).
  if (retirement.refusedAfterMs === undefined && (await servedWithoutAnyCredentials(world, REQUIREMENT, retirement.exchange, expected))) return;
  if (retirement.refusedAfterMs === undefined && admittedFromDecisionCache(world, retirement, expected)) return;
  if (retirement.refusedAfterMs === undefined && (await servedWithUnpublishedKey(world, REQUIREMENT, expected))) return;
  check(world, {
    requirement: REQUIREMENT,
    expected,
    observed: retirement.refusedAfterMs !== undefined
      ? `refused ${(retirement.refusedAfterMs / 1000).toFixed(1)} s after the removal: ${describeOutcome(retirement.exchange)}`
      : `still accepted ${(retirement.watchedMs / 1000).toFixed(1)} s after the removal: ${describeOutcome(retirement.exchange)}`,
  }, () => expect(retirement.refusedAfterMs, 'refused after the removal').to.not.equal(undefined));
}

/**
 * One cause, one finding: the token the gateway admitted before the removal is still served, but a token it never saw,
 * signed with the same removed key (same claims, a fresh jti), is refused. The gateway has retired the key; it admits
 * the first token from a decision it keeps per token string (an authorizer result cache, an introspection cache)
 * without validating it again. That is RFC 6749 §7's "MUST validate the access token" (REQ-BEARER-04; fault
 * gateway-caches-valid-decision also serves an expired token from that cache), reported here, and REQ-JWKS-04 is not
 * judged on it. Where the unseen token is served too, the key is still trusted: REQ-JWKS-04's own finding.
 */
function admittedFromDecisionCache(world: CtkWorld, retirement: Extract<Retirement, { kind: 'watched' }>, expected: string): boolean {
  const unseen = retirement.unseenToken;
  const status = unseen?.response?.status;
  if (!unseen || status === undefined || status < 400 || status >= 500 || !requirementApplies(world.target, 'REQ-BEARER-04')) return false;
  return !reportRootCause(
    world,
    {
      requirement: 'REQ-BEARER-04',
      expected: 'every request\'s access token validated (RFC 6749 §7): a token signed with a key the gateway no longer trusts is refused, whether or not it was served before',
      observed: `the token served before its key was removed from the JWK Set is still served ${(retirement.watchedMs / 1000).toFixed(1)} s after (${describeOutcome(retirement.exchange)}), while a token the gateway never saw, signed with that key, is refused (${describeOutcome(unseen)})`,
    },
    () => expect(isSuccess(retirement.exchange), 'the earlier token served after its key was retired').to.equal(false),
    [{ requirement: REQUIREMENT, expected }],
    { why: 'the gateway refuses a fresh token of the removed key, so it has retired the key; it admits the earlier token from a decision it keeps per token string, without validating it again' },
  );
}
