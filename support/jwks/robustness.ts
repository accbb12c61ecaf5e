/**
 * JWKS robustness (issue 20, REQ-JWKS-01..03): what the gateway does with the issuer's JWK Set when tokens name kids
 * nobody published, and when the set is down or slow. The kit needs to SEE the gateway's requests for the set and to
 * SWITCH the set off: its JWKS relay does both (relay.ts) for a gateway whose jwks_uri points at it — the reference's
 * second gateway, or a test instance of a deployment's gateway (profile jwksRelay). The scenarios call that gateway
 * (CtkWorld.gatewayBaseUrl, set for @jwks-relay scenarios), so an outage never reaches any other scenario's gateway.
 * Without a relay the checks are not applicable (capability jwks-control), with that remedy.
 *
 * The tokens presented carry the claims of a genuine access token of the system client, signed with the kit's own
 * key under a kid nobody published: a gateway can only refuse them by its keys, and one that trusts a token it could
 * not verify ("fails open") serves them, as it would serve a forgery.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { describeOutcome } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import { addCleanup } from '../oauth/scenario.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { signedWithForeignKey } from '../jwt/forge.ts';
import { callProtectedRoute } from '../jwt/gateway.ts';
import { isSuccess } from '../gateway/gateway-client.ts';
import { positiveControl, underControl } from '../gateway/positive-control.ts';
import { servedWithoutAnyCredentials } from '../gateway/verdicts.ts';
import { servedWithUnpublishedKey } from './signature-unchecked.ts';
import { jwksRelayOf, type JwksOutage } from './relay-client.ts';

/** Tokens with made-up kids sent in a row (REQ-JWKS-01), and the most JWK Set fetches they may cost. */
export const SPRAYED_KIDS = 10;
export const MAX_FETCHES = SPRAYED_KIDS / 2;

/** How long the gateway is given to ask for the key set while it is down: past the 30 s cooldown jose keeps. */
const ASK_BOUND_MS = 35_000;
const ASK_EVERY_MS = 250;

/** The claims of a genuine token of the system client (or the ones it would carry, for an opaque token). */
export async function genuineClaims(world: CtkWorld): Promise<Record<string, unknown>> {
  const token = await accessTokenFor(world, world.target.clients.system);
  const decoded = decodeJwt(token);
  if (decoded) return { ...decoded.claims };
  const now = Math.floor(Date.now() / 1000);
  const client = world.target.clients.system.clientId;
  const audience = world.target.audience;
  return { iss: world.target.issuer, sub: client, client_id: client, scope: world.target.clients.system.scopes.join(' '), iat: now, exp: now + 300, ...(audience ? { aud: audience } : {}) };
}

/** A token the gateway cannot verify with any key it holds: genuine claims, the kit's key, a kid never published. */
async function unverifiableToken(world: CtkWorld, claims: Record<string, unknown>, label: string): Promise<string> {
  return signedWithForeignKey(claims, { typ: 'at+jwt', kid: `ctk-${label}-${crypto.randomUUID()}` });
}

export interface Spray {
  readonly tokens: number;
  readonly fetches: number;
  /** Every JWK Set request the relay has seen since it started (0: the gateway never fetched its keys there). */
  readonly everAsked: number;
  readonly answers: readonly string[];
}

/** REQ-JWKS-01: SPRAYED_KIDS tokens with made-up kids, one after another, and the JWK Set requests they caused. */
export async function sprayUnknownKids(world: CtkWorld): Promise<Spray> {
  const relay = jwksRelayOf(world);
  await positiveControl(world, 'protected');
  const claims = await genuineClaims(world);
  const tokens = await Promise.all(Array.from({ length: SPRAYED_KIDS }, () => unverifiableToken(world, claims, 'sprayed')));
  const before = (await relay.state()).requests;
  const answers: string[] = [];
  for (const token of tokens) answers.push(String((await callProtectedRoute(world, token)).response?.status ?? 'no answer'));
  const after = (await relay.state()).requests;
  return { tokens: SPRAYED_KIDS, fetches: after - before, everAsked: after, answers };
}

export async function judgeBoundedRefetch(world: CtkWorld, spray: Spray): Promise<void> {
  const expected = `at most ${MAX_FETCHES} requests for the JWK Set for ${spray.tokens} tokens with unknown kids sent in a row`;
  if (!(await underControl(world, 'protected', ['REQ-JWKS-01'], expected))) return;
  // No fetch at all since the relay started, though the gateway verified the control's token: its keys come from
  // elsewhere (its jwks_uri is not the relay), and "no fetch for the sprayed kids" would be a pass nothing earned.
  if (spray.everAsked === 0) {
    // A gateway that served the sprayed tokens verifies no signature at all (fault gateway-validates-nothing): say so,
    // rather than send the vendor looking for a misconfigured jwks_uri.
    const servedAll = spray.answers.every((status) => /^2\d\d$/.test(status));
    return couldNotJudge(world, {
      requirement: 'REQ-JWKS-01',
      expected,
      why: servedAll
        ? `the gateway served every token signed with a key it never saw (${spray.answers.join(', ')}) and never asked the kit's JWKS relay for the JWK Set: it verifies no signature there, which the gateway's token checks report (REQ-BEARER-04, REQ-ANON-04)`
        : "the kit's JWKS relay has seen no request for the JWK Set at all, although the gateway verified a genuine token: the gateway takes its keys from elsewhere (is its jwks_uri the relay's URL?)",
    });
  }
  check(world, {
    requirement: 'REQ-JWKS-01',
    expected,
    observed: `${spray.fetches} JWK Set requests reached the kit's JWKS relay; the gateway answered ${spray.answers.join(', ')}`,
  }, () => expect(spray.fetches, 'JWK Set requests').to.be.at.most(MAX_FETCHES));
}

export interface OutageAttempt {
  readonly outage: Exclude<JwksOutage, 'none'>;
  readonly exchange: Exchange;
  /** JWK Set requests that reached the relay while the token was presented (0: the gateway never asked). */
  readonly asked: number;
  readonly attempts: number;
}

/** Makes the JWK Set down or slow for the rest of the scenario (put back by the scenario's cleanup). */
export async function startJwksOutage(world: CtkWorld, outage: Exclude<JwksOutage, 'none'>): Promise<void> {
  const relay = jwksRelayOf(world);
  // The control comes first: a genuine token, its key cached or fetched while the set still answers.
  await positiveControl(world, 'protected');
  addCleanup(world, async () => {
    await relay.setOutage('none');
  });
  await relay.setOutage(outage);
  world.log(`the JWK Set is ${outage} (the kit's JWKS relay)`);
}

/**
 * Presents an unverifiable token until the gateway asks for the key set while it is out (a gateway with a refetch
 * cooldown may refuse the first ones without asking, which shows nothing about the outage), within ASK_BOUND_MS.
 */
export async function presentDuringOutage(world: CtkWorld, outage: Exclude<JwksOutage, 'none'>): Promise<OutageAttempt> {
  const relay = jwksRelayOf(world);
  const claims = await genuineClaims(world);
  const deadline = Date.now() + ASK_BOUND_MS;
  for (let attempts = 1; ; attempts++) {
    const before = (await relay.state()).requests;
    const exchange = await callProtectedRoute(world, await unverifiableToken(world, claims, outage));
    const asked = (await relay.state()).requests - before;
    if (asked > 0 || isSuccess(exchange) || Date.now() + ASK_EVERY_MS > deadline) return { outage, exchange, asked, attempts };
    await new Promise((resolve) => setTimeout(resolve, ASK_EVERY_MS));
  }
}

export async function judgeRefusedDuringOutage(world: CtkWorld, requirement: 'REQ-JWKS-02' | 'REQ-JWKS-03', attempt: OutageAttempt): Promise<void> {
  const what = attempt.outage === 'down' ? 'answers an error' : 'does not answer in time';
  const expected = `the gateway refuses (401 or 503, never serves) a token whose key it has not fetched, while the JWK Set ${what}`;
  if (!(await underControl(world, 'protected', [requirement], expected))) return;
  if (attempt.asked === 0 && !isSuccess(attempt.exchange)) {
    return couldNotJudge(world, {
      requirement,
      expected,
      why: `the gateway never asked for the key set in ${ASK_BOUND_MS / 1000} s (${attempt.attempts} tokens with unknown kids, each refused without a JWKS request: ${describeOutcome(attempt.exchange)}), so its refusal says nothing about the outage`,
    });
  }
  // One cause, one finding: a protected route that serves a request without any credentials serves this token too,
  // outage or not; REQ-ANON-04 reports the route (servedWithoutAnyCredentials).
  if (await servedWithoutAnyCredentials(world, requirement, attempt.exchange, expected)) return;
  // Nor is a gateway that verifies no signature at all (REQ-BEARER-04, signature-unchecked.ts).
  if (isSuccess(attempt.exchange) && (await servedWithUnpublishedKey(world, requirement, expected, async () => void (await jwksRelayOf(world).setOutage('none'))))) return;
  check(world, {
    requirement,
    expected,
    observed: `${describeOutcome(attempt.exchange)} (the gateway asked for the key set ${attempt.asked} time(s) while it was ${attempt.outage}; token ${attempt.attempts})`,
  }, () => expect(isSuccess(attempt.exchange), 'served').to.equal(false));
}
