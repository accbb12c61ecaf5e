/**
 * The token requests around a client secret rotation (seed 002: "Users will also be able to rotate their secret"),
 * for REQ-ROT-01 (the new secret obtains a token) and REQ-ROT-02 (the old one is refused). Two deployments that a
 * plain "rotate, then send the old secret once" passes:
 * - a cache of successful client authentications (an IdP's, or a token proxy's in front of it) warmed just before
 *   the rotation keeps taking the old secret for a while. So the old secret first obtains a token (the positive
 *   control: a refusal after the rotation proves something only of a secret that worked before it), and after the
 *   rotation it is sent at once and again about a second later;
 * - a rotation that reaches one way of authenticating only (HTTP Basic) while the form body keeps the old secret.
 *   So the old secret is also sent the other way (a correct server refuses it however it comes: no false alarm
 *   for a client registered for one way only), and the new secret in the form body where the client may
 *   authenticate there (RFC 6749 §2.3.1 makes the body a MAY; oidc-provider, for one, may be configured to hold a
 *   client to the one method it registered).
 * Every request that may be refused goes out from a failure address (source-address.ts), within the failed
 * attempts the profile allows per client IP.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { check, couldNotJudge, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { stateKey } from '../scenario-state.ts';
import { describeAuth } from './clients.ts';
import { isPublicClient, mayUseFormBody, registeredAuthMethod, requestToken, wrongSecret, type ClientAuthMethod } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';
import { judgeTokenIssued } from './token-response.ts';
import { failureAddress, isNotTestable, resolveClient, tokenRequest, type NotTestable } from './token-requests.ts';
import { reportFirstUncheckedRoot, type CredentialProbe } from './unchecked-credentials.ts';

/** The rotation client's secret before and after the scenario's rotation (the profile's is put back afterwards). */
export const ROTATED_SECRETS = stateKey<{ old: string; fresh: string }>('rotated secret');
/** The first request with the old secret after the rotation: the later one is timed from it. */
const FIRST_OLD_SECRET_REQUEST = stateKey<Exchange>('first request with the old secret after the rotation');

/**
 * How long after the first request with the old secret it is sent again. A cache, or a replica the rotation reaches
 * late, that the first request missed by a moment shows within it; the seed names no bound, so this is the kit's.
 */
export const OLD_SECRET_AGAIN_AFTER_MS = 1_000;

/** The other way of sending a client's secret: the form body for a client that uses HTTP Basic, and the reverse. */
const otherWay = (method: ClientAuthMethod): ClientAuthMethod => (method === 'body' ? 'basic' : 'body');

/**
 * REQ-ROT-02's positive control, just before the rotation: the rotation client's secret, sent the way its ordinary
 * requests are, obtains a token (and so warms any cache of client authentications). Without a token the refusal
 * after the rotation would prove nothing: the scenario is not testable, with what came back.
 */
export async function tokenBeforeRotation(world: CtkWorld): Promise<NotTestable | undefined> {
  const client = resolveClient(world, 'rotation');
  if (isNotTestable(client)) return client;
  const method = registeredAuthMethod(client);
  const exchange = await tokenRequest(world, client, { situation: `the secret of ${client.clientId} ${describeAuth(method)} just before the rotation` });
  if (isNotTestable(exchange)) return exchange;
  if (issuedAToken(exchange)) {
    world.log(`positive control: the secret of ${client.clientId} ${describeAuth(method)} obtained a token before the rotation`);
    return undefined;
  }
  return {
    notTestable: `the positive control failed: the secret of ${client.clientId} ${describeAuth(method)} got no token before the rotation (${describeOutcome(exchange)}), so a refusal of it after the rotation would prove nothing`,
    remedy: 'check clients.rotation in the target profile (its secret, scopes, tokenEndpointAuthMethod); REQ-ROT-02 is judged once that secret obtains a token',
  };
}

/** "the rotation client requests a token with its new / old secret": the way its ordinary requests authenticate. */
export async function requestWithRotatedSecret(world: CtkWorld, which: 'new' | 'old'): Promise<Exchange | NotTestable> {
  const client = resolveClient(world, 'rotation');
  if (isNotTestable(client)) return client;
  const { old, fresh } = world.state.recall(ROTATED_SECRETS);
  const method = registeredAuthMethod(client);
  const situation = `the ${which} secret of ${client.clientId}, ${describeAuth(method)} after the rotation`;
  if (which === 'new') return tokenRequest(world, client, { secret: fresh, secretExpectedValid: true, situation });
  const exchange = await tokenRequest(world, client, { secret: old, expectRefusal: true, situation });
  if (!isNotTestable(exchange)) world.state.remember(FIRST_OLD_SECRET_REQUEST, exchange);
  return exchange;
}

/** REQ-ROT-02: the old secret, sent the same way again once OLD_SECRET_AGAIN_AFTER_MS have passed since the first time, gets no token. */
export async function oldSecretAgainLater(world: CtkWorld): Promise<NotTestable | undefined> {
  const client = resolveClient(world, 'rotation');
  if (isNotTestable(client)) return client;
  const first = world.state.recall(FIRST_OLD_SECRET_REQUEST);
  // Measured from when the first request went out: the steps between took part of the second already.
  const wait = first.startedAt + OLD_SECRET_AGAIN_AFTER_MS - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const method = registeredAuthMethod(client);
  return judgeOldSecretRefused(world, client, method, `the old secret of ${client.clientId} ${describeAuth(method)} again`, (label, exchange) => `${label}, ${exchange.startedAt - first.startedAt} ms after the first request with it`);
}

/** REQ-ROT-02: the old secret sent the other way (the form body where the client uses HTTP Basic, or the reverse) gets no token. */
export async function oldSecretTheOtherWay(world: CtkWorld): Promise<NotTestable | undefined> {
  const client = resolveClient(world, 'rotation');
  if (isNotTestable(client)) return client;
  const method = otherWay(registeredAuthMethod(client));
  return judgeOldSecretRefused(world, client, method, `the old secret of ${client.clientId} ${describeAuth(method)} after the rotation`);
}

/**
 * Sends the old secret `method` (from a failure address: it should be refused) and judges that it gets no token, after
 * the root ladder (an unchecked secret explains a token). `situationOf` words the judged request once it was sent.
 */
async function judgeOldSecretRefused(
  world: CtkWorld,
  client: ClientCredentials,
  method: ClientAuthMethod,
  label: string,
  situationOf: (label: string, exchange: Exchange) => string = (l) => l,
): Promise<undefined> {
  const exchange = await tokenRequest(world, client, { method, secret: world.state.recall(ROTATED_SECRETS).old, expectRefusal: true, situation: label });
  if (isNotTestable(exchange)) return couldNotSend(world, label, exchange);
  const situation = situationOf(label, exchange);
  if (await explainedByUncheckedSecret(world, client, method, exchange, situation)) return undefined;
  judgeNoToken(world, exchange, situation);
  return undefined;
}

/**
 * REQ-ROT-01: the new secret in the form body obtains a token, where the client may authenticate there and its
 * ordinary requests (judged by the scenario already) use HTTP Basic. Elsewhere nothing more is judged, and nothing
 * is recorded: the body is no way of this client's to judge.
 */
export async function newSecretInFormBody(world: CtkWorld): Promise<NotTestable | undefined> {
  const client = resolveClient(world, 'rotation');
  if (isNotTestable(client)) return client;
  if (!mayUseFormBody(world.target, client) || registeredAuthMethod(client) === 'body') {
    world.log(`the new secret is not sent in the form body: ${client.clientId} ${registeredAuthMethod(client) === 'body' ? 'already sent it there' : 'may not authenticate there (client-secret-post unclaimed, or registered for one other method)'}`);
    return undefined;
  }
  const situation = `the new secret of ${client.clientId} ${describeAuth('body')} after the rotation`;
  const exchange = await tokenRequest(world, client, { method: 'body', secret: world.state.recall(ROTATED_SECRETS).fresh, secretExpectedValid: true, situation });
  if (isNotTestable(exchange)) return exchange;
  if (await explainedByBodyRefused(world, exchange, situation)) return undefined;
  judgeTokenIssued(world, exchange, 'REQ-ROT-01', situation);
  return undefined;
}

/**
 * The same root ladder for the first request with the old secret, which the shared refusal step judges
 * (steps/token-issuance.steps.ts): true when an empty or wrong secret explains its token and the root was reported.
 */
export async function oldSecretTokenExplained(world: CtkWorld, exchange: Exchange, situation: string): Promise<boolean> {
  const client = resolveClient(world, 'rotation');
  if (isNotTestable(client)) return false;
  return explainedByUncheckedSecret(world, client, registeredAuthMethod(client), exchange, situation);
}

/**
 * One cause, one finding: an old secret that gets a token where a plainer bad secret of the same client, sent the
 * same way, gets one too shows no rotation defect but a token endpoint that checks no secret sent that way. Most basic
 * first, as for the wrong-secret checks (unchecked-credentials.ts): an empty secret (no client authentication, RFC
 * 6749 §3.2: REQ-CAUTH-07's finding), then a wrong one (REQ-CAUTH-03's with HTTP Basic, REQ-CAUTH-04's in the form
 * body). The probes are sent only after such a token, so a conforming server never sees one. True when it reported
 * a root (the scenario stops there).
 */
async function explainedByUncheckedSecret(world: CtkWorld, client: ClientCredentials, method: ClientAuthMethod, exchange: Exchange, situation: string): Promise<boolean> {
  if (!issuedAToken(exchange) || isPublicClient(client)) return false;
  const probes: CredentialProbe[] = [
    { root: 'REQ-CAUTH-07', client, method, secret: '', what: `the client id of ${client.clientId} with an empty secret ${describeAuth(method)}` },
    { root: method === 'body' ? 'REQ-CAUTH-04' : 'REQ-CAUTH-03', client, method, secret: wrongSecret(), what: `a wrong secret of ${client.clientId} ${describeAuth(method)}` },
  ];
  return reportFirstUncheckedRoot(
    world,
    probes.filter((probe) => requirementApplies(world.target, probe.root)),
    { requirement: 'REQ-ROT-02', expected: `no access token for ${situation}` },
    (what) => `${what} gets a token too: the token endpoint does not check the secret sent that way, rotated or not`,
  );
}

/**
 * One cause, one finding: the new secret refused in the form body, where the system client's own credentials in the
 * form body get no token either, shows no rotation defect: the body is not accepted at all, REQ-CAUTH-02's finding.
 * Sent only after such a refusal, and only where REQ-CAUTH-02 applies. True when it reported the root.
 */
async function explainedByBodyRefused(world: CtkWorld, exchange: Exchange, situation: string): Promise<boolean> {
  if (issuedAToken(exchange) || !requirementApplies(world.target, 'REQ-CAUTH-02')) return false;
  const system = world.target.clients.system;
  const address = failureAddress(world);
  if (isNotTestable(address)) return false;
  const probe = await requestToken(world, system, { method: 'body', keepAsLast: false, ...address });
  const what = `the credentials of ${system.clientId} ${describeAuth('body')}`;
  const held = reportRootCause(
    world,
    { requirement: 'REQ-CAUTH-02', expected: `200 with an access_token for ${what}`, observed: probe },
    () => expect(issuedAToken(probe), `a token issued for ${what}`).to.equal(true),
    [{ requirement: 'REQ-ROT-01', expected: `200 with an access_token for ${situation}` }],
    { why: `${what} get no token either: the token endpoint does not take credentials in the form body, rotated or not` },
  );
  return !held;
}

/** An old secret gets no token; no HTTP answer at all shows nothing either way. */
function judgeNoToken(world: CtkWorld, exchange: Exchange, situation: string): void {
  const expected = `no access token for ${situation}`;
  if (!exchange.response) return couldNotJudge(world, { requirement: 'REQ-ROT-02', expected, why: `no HTTP answer came (${describeOutcome(exchange)})` });
  const observed = issuedAToken(exchange) ? `${describeOutcome(exchange)} with an access_token` : describeOutcome(exchange);
  check(world, { requirement: 'REQ-ROT-02', expected, observed }, () => expect(issuedAToken(exchange), 'token issued for the old secret').to.equal(false));
}

/** No failure address left for a request that may be refused: that part of REQ-ROT-02 is not judged, said why. */
function couldNotSend(world: CtkWorld, label: string, why: NotTestable): undefined {
  couldNotJudge(world, { requirement: 'REQ-ROT-02', expected: `no access token for ${label}`, why: `not sent: ${why.notTestable}` });
  return undefined;
}
