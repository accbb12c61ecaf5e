/**
 * RFC 7523 JWT client authentication at the token endpoint (issue 19): private_key_jwt (REQ-PKJWT-*, the client signs
 * with its own key) and client_secret_jwt (REQ-CSJWT-*, it MACs with its secret). Both send client_assertion_type
 * jwt-bearer (RFC 7521 §4.2) and are judged by the same code: every negative check first gets a token with a correct
 * assertion (the positive control, the method's first requirement), then sends the same claims with one defect from a
 * failure address (a refused assertion may count as a failed login), and judges the refusal: no token under the
 * defect's own requirement, the error code under the method's invalid_client requirement (RFC 7523 §3.2).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import type { PrivateKeyJwtClient, SecretJwtClient } from '../target/target.ts';
import { check } from '../verdict/check.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { sendToTokenEndpoint, targetTokenParameters, tokenResponseOf } from './token-client.ts';
import { issuedWithAnother2xx } from './token-response.ts';
import { failureAddress, isNotTestable, rememberSituation, type NotTestable } from './token-requests.ts';
import { judgeRefusal } from './token-errors.ts';
import { ASSERTION_LIFETIME_SECONDS, assertionClaims, JWT_BEARER_ASSERTION_TYPE, macAssertion, secretJwtAlg, signAssertion, type AssertionClaims, type AssertionDefect } from '../jwt/client-assertion.ts';
import { blockWhereEveryValidRequestIsRefused } from './valid-credentials-refused.ts';

export type JwtAuthMethodName = 'private_key_jwt' | 'client_secret_jwt';
type Defect = Exclude<AssertionDefect, 'none'>;

/** One JWT client authentication method: its requirements and what each defect is, in the words of the diagnoses. */
export interface JwtAuthMethod {
  readonly name: JwtAuthMethodName;
  /** The correct assertion gets a token (also every negative check's control). */
  readonly acceptedRequirement: string;
  /** Every refusal is invalid_client (RFC 7523 §3.2). */
  readonly errorCodeRequirement: string;
  /** The same assertion a second time (RFC 7523 §3 item 7: MAY, a warning). */
  readonly replayRequirement: string;
  readonly defects: Readonly<Partial<Record<Defect, { readonly requirement: string; readonly situation: string }>>>;
  /** What to fix when the control gets no token. */
  readonly blockedRemedy: string;
}

export const JWT_AUTH_METHODS: Readonly<Record<JwtAuthMethodName, JwtAuthMethod>> = {
  private_key_jwt: {
    name: 'private_key_jwt',
    acceptedRequirement: 'REQ-PKJWT-01',
    errorCodeRequirement: 'REQ-PKJWT-08',
    replayRequirement: 'REQ-PKJWT-04',
    defects: {
      'wrong-aud': { requirement: 'REQ-PKJWT-02', situation: "a client assertion whose aud is another server's token endpoint" },
      expired: { requirement: 'REQ-PKJWT-03', situation: 'a client assertion whose exp passed ten minutes ago' },
      'alg-none': { requirement: 'REQ-PKJWT-05', situation: 'an unsigned client assertion (alg "none")' },
      'hs256-public-key': { requirement: 'REQ-PKJWT-06', situation: "a client assertion MACed with HS256 using the client's public key (PEM) as the secret" },
      'unregistered-key': { requirement: 'REQ-PKJWT-07', situation: 'a client assertion signed with a key the client never registered (the registered kid in its header, the new public key as jwk)' },
    },
    blockedRemedy: 'is the public key registered for the client, and private_key_jwt its method?',
  },
  client_secret_jwt: {
    name: 'client_secret_jwt',
    acceptedRequirement: 'REQ-CSJWT-01',
    errorCodeRequirement: 'REQ-CSJWT-08',
    replayRequirement: 'REQ-CSJWT-05',
    defects: {
      'wrong-aud': { requirement: 'REQ-CSJWT-02', situation: "a client_secret_jwt assertion whose aud is another server's token endpoint" },
      expired: { requirement: 'REQ-CSJWT-03', situation: 'a client_secret_jwt assertion whose exp passed ten minutes ago' },
      'missing-jti': { requirement: 'REQ-CSJWT-04', situation: 'a client_secret_jwt assertion without a jti claim' },
      'wrong-secret': { requirement: 'REQ-CSJWT-06', situation: "a client_secret_jwt assertion MACed with a random secret instead of the client's" },
      'alg-none': { requirement: 'REQ-CSJWT-07', situation: 'an unsecured client_secret_jwt assertion (alg "none", no MAC)' },
    },
    blockedRemedy: 'is the client registered for client_secret_jwt with the secret the profile gives, and its alg allowed?',
  },
};

/** The target's client of one method, and how it makes assertions. */
export interface AssertionClient {
  readonly method: JwtAuthMethod;
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** The alg of its correct assertions. */
  readonly alg: string;
  make(claims: AssertionClaims, defect?: AssertionDefect): Promise<string>;
}

const fromPrivateKey = (client: PrivateKeyJwtClient): AssertionClient => ({
  method: JWT_AUTH_METHODS.private_key_jwt,
  clientId: client.clientId,
  scopes: client.scopes,
  alg: client.alg,
  make: (claims, defect) => signAssertion(client, claims, defect),
});

const fromSecret = (client: SecretJwtClient): AssertionClient => ({
  method: JWT_AUTH_METHODS.client_secret_jwt,
  clientId: client.clientId,
  scopes: client.scopes,
  alg: secretJwtAlg(client),
  make: (claims, defect) => macAssertion(client, claims, defect),
});

/** The target's client of `method`, or why there is none. */
export function assertionClient(world: CtkWorld, method: JwtAuthMethodName): AssertionClient | NotTestable {
  if (method === 'private_key_jwt') {
    const client = world.target.privateKeyJwtClient;
    return client
      ? fromPrivateKey(client)
      : {
          notTestable: 'the target profile describes no private_key_jwt client',
          remedy: 'add privateKeyJwtClient (clientId, privateJwk: ${VAR} holding the private JWK, alg, scopes) to the target profile; README "Asymmetric client authentication"',
        };
  }
  const client = world.target.clients.secretJwt;
  return client
    ? fromSecret(client)
    : { notTestable: 'the target profile describes no client_secret_jwt client', remedy: 'add clients.secretJwt (clientId, clientSecret: ${VAR}, scopes, alg?) to the target profile; README "client_secret_jwt"' };
}

/** A client_credentials request authenticated by `assertion` alone (RFC 7521 §4.2: no client_id needed, no secret). */
export function sendAssertion(world: CtkWorld, client: Pick<AssertionClient, 'scopes'>, assertion: string, sourceAddress?: string): Promise<Exchange> {
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
export async function correctAssertionRequest(world: CtkWorld, client: AssertionClient): Promise<ControlResult> {
  let last: Exchange | undefined;
  const remembered = `${client.method.name} ${world.target.tokenEndpoint}`;
  const known = acceptedAudience.get(remembered);
  // Once an aud got a token, the worker sends that one first: a refused attempt from the run's own address may count
  // towards an IP block (seed 001), so it is made once per worker and method at most.
  const candidates = [...new Set([...(known ? [known] : []), world.target.tokenEndpoint, world.target.issuer])];
  for (const audience of candidates) {
    const assertion = await client.make(assertionClaims(client.clientId, audience));
    last = await sendAssertion(world, client, assertion);
    if (tokenResponseOf(last)) {
      acceptedAudience.set(remembered, audience);
      return { exchange: last, audience, assertion };
    }
    if (jsonOf(last)?.error !== 'invalid_client') break;
  }
  return { exchange: last! };
}

/** Per method and token endpoint, the aud a correct assertion got a token with (the token endpoint, or the issuer). */
const acceptedAudience = new Map<string, string>();

/** REQ-PKJWT-01 / REQ-CSJWT-01: the correct assertion got a token. */
export async function judgeAssertionAccepted(world: CtkWorld, client: AssertionClient, control: ControlResult): Promise<void> {
  const situation = `a correct ${client.method.name} assertion of ${client.clientId} (${client.alg}, iss = sub = client_id, aud the token endpoint or the issuer, exp in ${ASSERTION_LIFETIME_SECONDS} s, fresh jti)`;
  rememberSituation(world, situation);
  if (issuedWithAnother2xx(world, control.exchange, client.method.acceptedRequirement, `200 with an access_token for ${situation}`)) return;
  await blockWhereEveryValidRequestIsRefused(world, control.exchange, situation);
  check(world, { requirement: client.method.acceptedRequirement, expected: `200 with an access_token for ${situation}`, observed: control.audience ? `${describeOutcome(control.exchange)} (aud ${control.audience})` : control.exchange }, () => {
    expect(control.exchange.response?.status, 'status').to.equal(200);
    expect(jsonOf(control.exchange)?.access_token, 'access_token').to.be.a('string').and.not.equal('');
  });
}

/** The positive control of a negative check: a correct assertion must get a token, else the check is blocked on the method's first requirement. */
async function control(world: CtkWorld, client: AssertionClient): Promise<Required<ControlResult>> {
  const result = await correctAssertionRequest(world, client);
  if (!result.audience || !result.assertion) {
    throw new PrerequisiteBlocked(
      client.method.acceptedRequirement,
      `blocked: a correct ${client.method.name} assertion of ${client.clientId} got no token (${describeOutcome(result.exchange)}), so a refusal of a faulty one would prove nothing`,
      `fix what ${client.method.acceptedRequirement} reports (${client.method.blockedRemedy}); this requirement is judged once a correct assertion gets a token`,
    );
  }
  return result as Required<ControlResult>;
}

/** What `defect` is for this client's method: its requirement and situation (an error for a defect the method has not). */
export function defectOf(client: AssertionClient, defect: Defect): { readonly requirement: string; readonly situation: string } {
  const known = client.method.defects[defect];
  if (!known) throw new Error(`the ${client.method.name} checks have no defect "${defect}": one of ${Object.keys(client.method.defects).join(', ')}`);
  return known;
}

/** After the control: the same claims but for `defect`, from a failure address. */
export async function requestWithDefectiveAssertion(world: CtkWorld, client: AssertionClient, defect: Defect): Promise<Exchange | NotTestable> {
  const { situation } = defectOf(client, defect);
  const { audience } = await control(world, client);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  const assertion = await client.make(assertionClaims(client.clientId, audience, defect), defect);
  rememberSituation(world, `${situation}, of ${client.clientId} (the same request with a correct assertion got a token)`);
  return sendAssertion(world, client, assertion, address.sourceAddress);
}

/** After the control: the control's own assertion once more (same jti, unexpired), from a failure address. */
export async function requestWithReplayedAssertion(world: CtkWorld, client: AssertionClient): Promise<Exchange | NotTestable> {
  const { assertion } = await control(world, client);
  const address = failureAddress(world);
  if (isNotTestable(address)) return address;
  rememberSituation(world, `a ${client.method.name} assertion of ${client.clientId} sent a second time (same jti, unexpired; its first use got a token)`);
  return sendAssertion(world, client, assertion, address.sourceAddress);
}

/** No token for the defective assertion (its requirement), and invalid_client (the method's error-code requirement). */
export function judgeAssertionRefused(world: CtkWorld, client: AssertionClient, exchange: Exchange, requirement: string, situation: string): void {
  judgeRefusal(world, exchange, { requirement, codes: ['invalid_client'], situation, codeRequirement: client.method.errorCodeRequirement });
}
