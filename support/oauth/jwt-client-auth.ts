/**
 * RFC 7523 private_key_jwt at the token endpoint (issue 19, REQ-PKJWT-*): the client authenticates with a JWT it signed
 * with its own key (client_assertion_type jwt-bearer, RFC 7521 §4.2). Every negative check first gets a token with a
 * correct assertion (the positive control, REQ-PKJWT-01's request), then sends the same claims with one defect from a
 * failure address (a refused assertion may count as a failed login), and judges the refusal: no token under its own
 * requirement, the error code under REQ-PKJWT-08.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import type { PrivateKeyJwtClient } from '../target/target.ts';
import { check } from '../verdict/check.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { sendToTokenEndpoint, targetTokenParameters, tokenResponseOf } from './token-client.ts';
import { failureAddress, isNotTestable, rememberSituation, type NotTestable } from './token-requests.ts';
import { judgeRefusal } from './token-errors.ts';
import { assertionClaims, JWT_BEARER_ASSERTION_TYPE, signAssertion, type AssertionDefect } from '../jwt/client-assertion.ts';

/** What each defect is, in the words of the diagnoses. */
export const DEFECTS: Readonly<Record<Exclude<AssertionDefect, 'none'>, { readonly requirement: string; readonly situation: string }>> = {
  'wrong-aud': { requirement: 'REQ-PKJWT-02', situation: "a client assertion whose aud is another server's token endpoint" },
  expired: { requirement: 'REQ-PKJWT-03', situation: 'a client assertion whose exp passed ten minutes ago' },
  'alg-none': { requirement: 'REQ-PKJWT-05', situation: 'an unsigned client assertion (alg "none")' },
  'hs256-public-key': { requirement: 'REQ-PKJWT-06', situation: "a client assertion MACed with HS256 using the client's public key (PEM) as the secret" },
  'unregistered-key': { requirement: 'REQ-PKJWT-07', situation: "a client assertion signed with a key the client never registered (the registered kid in its header, the new public key as jwk)" },
};

export const ERROR_CODE_REQUIREMENT = 'REQ-PKJWT-08';

/** The private_key_jwt client of the target, or why there is none. */
export function assertionClient(world: CtkWorld): PrivateKeyJwtClient | NotTestable {
  return (
    world.target.privateKeyJwtClient ?? {
      notTestable: 'the target profile describes no private_key_jwt client',
      remedy: 'add privateKeyJwtClient (clientId, privateJwk: ${VAR} holding the private JWK, alg, scopes) to the target profile; README "Asymmetric client authentication"',
    }
  );
}

/** A client_credentials request authenticated by `assertion` alone (RFC 7521 §4.2: no client_id needed, no secret). */
export function sendAssertion(world: CtkWorld, client: PrivateKeyJwtClient, assertion: string, sourceAddress?: string): Promise<Exchange> {
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (client.scopes.length > 0) form.set('scope', client.scopes.join(' '));
  for (const [k, v] of Object.entries(targetTokenParameters(world.target))) form.set(k, v);
  form.set('client_assertion_type', JWT_BEARER_ASSERTION_TYPE);
  form.set('client_assertion', assertion);
  return sendToTokenEndpoint(world, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    ...(sourceAddress ? { sourceAddress } : {}),
  });
}

export interface ControlResult {
  readonly exchange: Exchange;
  /** The aud the server took (the token endpoint, else the issuer); undefined when neither got a token. */
  readonly audience?: string;
  /** The assertion that got the token (the replay check sends it again). */
  readonly assertion?: string;
}

/**
 * A correct assertion: aud the token endpoint (RFC 7523 §3 item 3 names it), and where that is refused with
 * invalid_client the issuer identifier (OpenID Connect Core §9 allows both). Sent from the default address.
 */
export async function correctAssertionRequest(world: CtkWorld, client: PrivateKeyJwtClient): Promise<ControlResult> {
  let last: Exchange | undefined;
  const known = acceptedAudience.get(world.target.tokenEndpoint);
  // Once an aud got a token, the worker sends that one first: a refused attempt from the run's own address may count
  // towards an IP block (seed 001), so it is made once per worker at most.
  const candidates = [...new Set([...(known ? [known] : []), world.target.tokenEndpoint, world.target.issuer])];
  for (const audience of candidates) {
    const assertion = await signAssertion(client, assertionClaims(client.clientId, audience));
    last = await sendAssertion(world, client, assertion);
    if (tokenResponseOf(last)) {
      acceptedAudience.set(world.target.tokenEndpoint, audience);
      return { exchange: last, audience, assertion };
    }
    if (jsonOf(last)?.error !== 'invalid_client') break;
  }
  return { exchange: last! };
}

/** Per token endpoint, the aud a correct assertion got a token with (the token endpoint, or the issuer). */
const acceptedAudience = new Map<string, string>();

/** REQ-PKJWT-01: the correct assertion got a token. */
export function judgeAssertionAccepted(world: CtkWorld, client: PrivateKeyJwtClient, control: ControlResult): void {
  const situation = `a correct client assertion of ${client.clientId} (${client.alg}, iss = sub = client_id, aud the token endpoint or the issuer, exp in ${60} s, fresh jti)`;
  rememberSituation(world, situation);
  check(world, { requirement: 'REQ-PKJWT-01', expected: `200 with an access_token for ${situation}`, observed: control.audience ? `${describeOutcome(control.exchange)} (aud ${control.audience})` : control.exchange }, () => {
    expect(control.exchange.response?.status, 'status').to.equal(200);
    expect(jsonOf(control.exchange)?.access_token, 'access_token').to.be.a('string').and.not.equal('');
  });
}

/** The positive control of a negative check: a correct assertion must get a token, else the check is blocked on REQ-PKJWT-01. */
async function control(world: CtkWorld, client: PrivateKeyJwtClient): Promise<Required<ControlResult>> {
  const result = await correctAssertionRequest(world, client);
  if (!result.audience || !result.assertion) {
    throw new PrerequisiteBlocked(
      'REQ-PKJWT-01',
      `blocked: a correct client assertion of ${client.clientId} got no token (${describeOutcome(result.exchange)}), so a refusal of a faulty one would prove nothing`,
      'fix what REQ-PKJWT-01 reports (is the public key registered for the client, and private_key_jwt its method?); this requirement is judged once a correct assertion gets a token',
    );
  }
  return result as Required<ControlResult>;
}

/** After the control: the same claims but for `defect`, from a failure address. */
export async function requestWithDefectiveAssertion(world: CtkWorld, client: PrivateKeyJwtClient, defect: Exclude<AssertionDefect, 'none'>): Promise<Exchange | NotTestable> {
  const { audience } = await control(world, client);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  const assertion = await signAssertion(client, assertionClaims(client.clientId, audience, defect), defect);
  rememberSituation(world, `${DEFECTS[defect].situation}, of ${client.clientId} (the same request with a correct assertion got a token)`);
  return sendAssertion(world, client, assertion, address.sourceAddress);
}

/** After the control: the control's own assertion once more (same jti, unexpired), from a failure address. */
export async function requestWithReplayedAssertion(world: CtkWorld, client: PrivateKeyJwtClient): Promise<Exchange | NotTestable> {
  const { assertion } = await control(world, client);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  rememberSituation(world, `a client assertion of ${client.clientId} sent a second time (same jti, unexpired; its first use got a token)`);
  return sendAssertion(world, client, assertion, address.sourceAddress);
}

/** No token for the defective assertion (its requirement), and invalid_client (REQ-PKJWT-08). */
export function judgeAssertionRefused(world: CtkWorld, exchange: Exchange, requirement: string, situation: string): void {
  judgeRefusal(world, exchange, { requirement, codes: ['invalid_client'], situation, codeRequirement: ERROR_CODE_REQUIREMENT });
}
