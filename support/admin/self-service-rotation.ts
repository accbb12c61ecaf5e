/**
 * Seed 002's self-service rotation: "Users will also be able to rotate their secret, via the UI" — their own
 * application's secret, which "the customer will be able to get from the Auth UI Dashboard". The kit calls the
 * interface the profile names (selfServiceRotation) as the owner (its human access token) and as callers who do not
 * own the client: the owner rotates and is shown the new secret (REQ-ROT-06); anyone else is refused and shown no
 * secret, and the owner's secret keeps working (REQ-ROT-04, REQ-ROT-05).
 *
 * Every secret an answer holds is registered with the redactor the moment it arrives, the new one included: no
 * report, log or message ever shows one. The profile's secret is put back through the control plane after the
 * scenario; a target with no control plane that can put one back is not asked to rotate at all.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { registerSecrets } from '../http/redact.ts';
import { check, couldNotJudge, reportRootCause } from '../verdict/check.ts';
import { positiveControl } from '../gateway/positive-control.ts';
import { bearer, callGateway } from '../gateway/gateway-client.ts';
import { requirementApplies } from '../target/applicability.ts';
import type { ClientCredentials, SelfServiceRotationDescription, TestUser } from '../target/target.ts';
import { pointer } from '../identity/echo.ts';
import { requestToken, tokenResponseOf } from '../oauth/token-client.ts';
import { addCleanup } from '../oauth/scenario.ts';
import { controlPlaneOf, NO_CONTROL_PLANE_REMEDY } from './control-plane.ts';
import { explainedByIssuerDefect } from '../jwt/issued-token-defect.ts';
import { secretChange } from '../oauth/signing-key-rotations.ts';
import { presentedTokenOf } from '../jwt/unpublished-key.ts';
import { humanTokenNamesItsCustomer } from '../identity/verdicts.ts';

/** What the kit needs for these checks, or why it cannot run them. */
export type SelfServiceSetup =
  | { readonly plane: SelfServiceRotationDescription; readonly client: ClientCredentials; readonly owner: TestUser }
  | { readonly notTestable: string; readonly remedy: string };

export function selfServiceSetup(world: CtkWorld): SelfServiceSetup {
  const plane = world.target.selfServiceRotation;
  if (!plane) return { notTestable: 'the target profile names no self-service rotation interface', remedy: 'describe selfServiceRotation (url, secret, owner) in the target profile' };
  const client = world.target.clients.rotation;
  if (!client) return { notTestable: 'the target profile names no rotation client', remedy: 'describe clients.rotation, the client selfServiceRotation.owner owns' };
  const owner = world.target.users.find((u) => u.username === plane.owner);
  if (!owner) return { notTestable: `no test user ${JSON.stringify(plane.owner)} (selfServiceRotation.owner) in the profile`, remedy: 'name a users[] username as selfServiceRotation.owner' };
  return { plane, client, owner };
}

/** A rotation request with `token`; any value where the owner's answer holds the secret is registered as a secret. */
export async function requestSelfServiceRotation(world: CtkWorld, plane: SelfServiceRotationDescription, client: ClientCredentials, token: string): Promise<{ exchange: Exchange; shown?: string }> {
  // A rotation may retire a signing key too, the refused ones included (secretChange says why).
  const exchange = await secretChange(world, () =>
    world.send(
      {
        method: plane.method,
        url: plane.url.replace('{clientId}', encodeURIComponent(client.clientId)),
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
        body: '{}',
      },
      { keepAsLast: false },
    ),
  );
  const value = pointer(jsonOf(exchange), plane.secret);
  const shown = typeof value === 'string' && value.length > 0 ? value : undefined;
  if (shown) registerSecrets([shown]);
  return { exchange, ...(shown ? { shown } : {}) };
}

/**
 * The owner's rotation, with the profile's secret put back after the scenario. Undefined when no control plane can
 * put it back (the caller reports that as not testable before anything is rotated).
 */
export async function rotateAsOwner(world: CtkWorld, setup: { plane: SelfServiceRotationDescription; client: ClientCredentials }, ownerToken: string): Promise<{ exchange: Exchange; shown?: string } | undefined> {
  const admin = controlPlaneOf(world, 'rotateSecret');
  if (!admin) return undefined;
  const { client } = setup;
  addCleanup(world, async () => {
    await admin.rotateSecret(client.clientId, client.clientSecret);
  });
  return requestSelfServiceRotation(world, setup.plane, client, ownerToken);
}

export const NO_PUT_BACK =
  `the kit could not put the profile's secret back after a self-service rotation (${NO_CONTROL_PLANE_REMEDY}); a self-service interface sets no given secret`;

/** Whether `secret` obtains a token for `client` (a token request the report shows, the secret masked). */
export async function secretObtainsToken(world: CtkWorld, client: ClientCredentials, secret: string): Promise<{ works: boolean; outcome: string }> {
  // The secret a rotation showed: expected valid, so guarded like the profile's own (own-address-guard.ts).
  const exchange = await requestToken(world, client, { secret, secretExpectedValid: true, keepAsLast: false });
  return { works: tokenResponseOf(exchange) !== undefined, outcome: describeOutcome(exchange) };
}

/** REQ-ROT-06: the owner was shown a new secret, and it obtains a token. */
export async function judgeOwnerRotation(world: CtkWorld, requirement: string, client: ClientCredentials, owner: TestUser, rotation: { exchange: Exchange; shown?: string }): Promise<void> {
  const status = rotation.exchange.response?.status;
  const accepted = status !== undefined && status >= 200 && status < 300;
  const fresh = rotation.shown;
  const tried = accepted && fresh !== undefined && fresh !== client.clientSecret ? await secretObtainsToken(world, client, fresh) : undefined;
  const expected = `the owner's rotation of ${client.clientId} accepted (2xx), the answer showing a new secret at the profile's pointer, and that secret obtaining a token`;
  // One cause, one finding: an owner's token the issuer got wrong (RFC 9068 §4) is refused rightly (issued-token-defect.ts).
  if (await explainedByIssuerDefect(world, requirement, rotation.exchange, expected)) return;
  // The owner is known by the token's sub: an owner's token that does not name its customer (REQ-ID-02, fault
  // human-sub-is-client: a 403 here beside it) is refused for what it says, not for the interface's rule.
  const token = presentedTokenOf(rotation.exchange);
  if (!accepted && token !== undefined && !(await humanTokenNamesItsCustomer(world, token, owner))) return;
  if (!accepted && token !== undefined && (await refusedByEveryResourceServer(world, requirement, rotation.exchange, token, expected))) return;
  check(
    world,
    {
      requirement,
      expected,
      observed: `rotation: ${describeOutcome(rotation.exchange)}; ${fresh === undefined ? 'no secret shown' : fresh === client.clientSecret ? 'the old secret shown again' : 'a new secret shown'}${tried ? `; token request with it: ${tried.outcome}` : ''}`,
    },
    () => {
      expect(accepted, 'the owner\'s rotation accepted').to.equal(true);
      expect(fresh !== undefined, 'a secret shown to the owner').to.equal(true);
      expect(fresh !== client.clientSecret, 'a new secret').to.equal(true);
      expect(tried?.works, 'the new secret obtains a token').to.equal(true);
    },
  );
}

/**
 * One cause, one finding: the interface refused the owner's token as invalid (401), and so does the gateway, which
 * does not serve even the system client's own token (its positive control). Every resource server of the target
 * refuses what the issuer issues — fault hs256-tokens, a symmetric signature no published key verifies: REQ-ROT-06
 * failed beside REQ-BEARER-01, which reports the gateway's refusal. Not judged then (never passed); an interface that
 * refuses the owner's token where the gateway serves tokens is REQ-ROT-06's own finding, as is any other answer.
 */
async function refusedByEveryResourceServer(world: CtkWorld, requirement: string, refused: Exchange, ownerToken: string, expected: string): Promise<boolean> {
  if (refused.response?.status !== 401 || !world.target.gateway || !requirementApplies(world.target, 'REQ-BEARER-01')) return false;
  const control = await positiveControl(world, 'protected');
  if (control.held) return false;
  const atGateway = await callGateway(world, { route: 'protected', keepAsLast: false, authorization: bearer(ownerToken) });
  if (atGateway.response?.status !== 401) return false;
  couldNotJudge(world, {
    requirement,
    expected,
    why: `the gateway refuses the owner's token as well (${describeOutcome(atGateway)}) and does not serve the system client's own token either (${control.observed}): the issuer's tokens are refused by every resource server of the target, which REQ-BEARER-01 reports (or the issuer's requirement their defect breaks), not the self-service interface`,
  });
  return true;
}

/** REQ-ROT-04: another caller is refused (4xx) and the owner's current secret still obtains a token. */
export async function judgeOtherCallerRefused(world: CtkWorld, requirement: string, client: ClientCredentials, who: string, attempt: Exchange, ownerSecret: string): Promise<void> {
  const status = attempt.response?.status;
  const refused = status !== undefined && status >= 400 && status < 500;
  const still = await secretObtainsToken(world, client, ownerSecret);
  check(
    world,
    {
      requirement,
      expected: `${who} refused (a 4xx) at the self-service rotation of ${client.clientId}, and the secret the owner was shown still obtaining a token`,
      observed: `${who}: ${describeOutcome(attempt)}; afterwards the owner's secret: ${still.outcome}`,
    },
    () => {
      expect(refused, 'refused with a 4xx (a 2xx, a 5xx or no answer is no refusal)').to.equal(true);
      expect(still.works, 'the owner\'s secret still obtains a token').to.equal(true);
    },
  );
}

/** REQ-ROT-05: the answer to another caller shows no secret: nothing at the pointer, none of the client's known secrets. */
export function judgeNoSecretShown(world: CtkWorld, requirement: string, plane: SelfServiceRotationDescription, client: ClientCredentials, who: string, attempt: { exchange: Exchange; shown?: string }, known: readonly string[]): void {
  const body = attempt.exchange.response?.body ?? '';
  const leaked = known.filter((s) => s.length > 0 && [s, encodeURIComponent(s)].some((form) => body.includes(form)));
  if (rotatedForOtherCaller(world, requirement, client, who, attempt)) return;
  check(
    world,
    {
      requirement,
      expected: `the answer to ${who} holds no secret of ${client.clientId}: nothing at ${JSON.stringify(plane.secret)}, none of its secrets the kit knows (clear or URL-encoded)`,
      observed: `${attempt.shown !== undefined ? `a secret at ${JSON.stringify(plane.secret)}` : `nothing at ${JSON.stringify(plane.secret)}`}; ${leaked.length === 0 ? 'no known secret in the answer' : `${leaked.length} of the client's known secrets in the answer`}`,
    },
    () => {
      expect(attempt.shown === undefined, 'no secret where the owner\'s answer holds it').to.equal(true);
      expect(leaked.length, 'known secrets in the answer').to.equal(0);
    },
  );
}

/** The requirement a self-service rotation done for somebody other than the owner breaks (seed 002). */
const NOT_OWNER_ROOT = 'REQ-ROT-04';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). A 2xx answer to another caller that holds a
 * secret where the owner's answer holds the new one is a rotation done for that caller, answered as every rotation
 * is: REQ-ROT-04's finding (only the owner rotates), and REQ-ROT-05 is not judged on it. Seen in the same answer; a
 * refusal that still carries a secret is REQ-ROT-05's own. True when it reported (the scenario stops at REQ-ROT-04).
 */
export function rotatedForOtherCaller(world: CtkWorld, requirement: string, client: ClientCredentials, who: string, attempt: { exchange: Exchange; shown?: string }): boolean {
  const status = attempt.exchange.response?.status;
  if (requirement === NOT_OWNER_ROOT || attempt.shown === undefined || status === undefined || status < 200 || status >= 300) return false;
  if (!requirementApplies(world.target, NOT_OWNER_ROOT)) return false;
  reportRootCause(
    world,
    { requirement: NOT_OWNER_ROOT, expected: `${who} refused (a 4xx) at the self-service rotation of ${client.clientId}`, observed: `${who}: ${describeOutcome(attempt.exchange)}, with a secret where the owner's answer holds the new one` },
    () => expect(status >= 400 && status < 500, 'refused with a 4xx (a 2xx, a 5xx or no answer is no refusal)').to.equal(true),
    [{ requirement, expected: `the answer to ${who} holds no secret of ${client.clientId}` }],
    { why: `the self-service interface rotated the secret for ${who} and answered as it answers the owner, with the new secret` },
  );
  return true;
}
