/**
 * REQ-CAUTH-12: the token goes to the client that authenticated. RFC 6749 §4.4.2: "The authorization server MUST
 * authenticate the client"; §3.2.1. The system client authenticates with HTTP Basic and the form body names the
 * read-only client's client_id (no secret). A server that takes the body's client_id as the client, after checking
 * the Basic secret, sells the read-only client's tokens for the system client's secret: whoever holds one secret
 * holds every client. A client_id without a secret is no second authentication method (§2.3), so a refusal of any
 * kind and a token of the system client both conform; only a token of the read-only client fails.
 *
 * Whose token it is, is read from its client_id, azp and sub (the JWT, or the introspection answer: identity/claims.ts
 * readClaims), each compared with the same claim of both clients' own tokens: a claim that differs between them says
 * whose the token is, one that does not says nothing. That keeps a target whose client_id claim is wrong for every
 * token (REQ-JWT-12's finding) from being failed here too. A token that names neither client is not testable.
 */
import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import type { ClientCredentials } from '../target/target.ts';
import { check } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { readClaims } from '../identity/claims.ts';
import { accessTokenFor, isPublicClient, registeredAuthMethod, tokenResponseOf } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';
import { isNotTestable, resolveClient, tokenRequest, type NotTestable } from './token-requests.ts';
import { reportFirstUncheckedRoot } from './unchecked-credentials.ts';
import { ordinaryControl, refusalUnderControl } from './refusal-control.ts';

export const CROSS_CLIENT_REQUIREMENT = 'REQ-CAUTH-12';

/** The claims that name the client a token was issued to (RFC 9068 §2.2 client_id and sub; OpenID Connect's azp). */
const IDENTITY_CLAIMS = ['client_id', 'azp', 'sub'] as const;

interface CrossClients {
  /** The client that authenticates (HTTP Basic): the system client. */
  readonly authenticated: ClientCredentials;
  /** The client named by client_id in the form body: the read-only client. */
  readonly named: ClientCredentials;
}

function crossClients(world: CtkWorld): CrossClients | NotTestable {
  const authenticated = world.target.clients.system;
  const named = resolveClient(world, 'readOnly');
  if (isNotTestable(named)) return named;
  if (registeredAuthMethod(authenticated) !== 'basic') {
    return {
      notTestable: `the system client ${authenticated.clientId} ${isPublicClient(authenticated) ? 'is a public client (no secret)' : 'is registered for client_secret_post'}: it does not authenticate with HTTP Basic`,
      remedy: 'describe a system client that may use HTTP Basic (no tokenEndpointAuthMethod, or client_secret_basic) to judge a Basic request that names another client',
      notApplicable: true,
    };
  }
  if (isPublicClient(named)) {
    return {
      notTestable: `the read-only client ${named.clientId} is a public client: its client id alone is its correct request (RFC 6749 §2.3.1), no secret of its own is bypassed`,
      notApplicable: true,
    };
  }
  return { authenticated, named };
}

/**
 * The system client's valid HTTP Basic credentials, the read-only client's client_id (no secret) in the form body,
 * for the read-only client's declared scopes (so that a server that serves the read-only client issues a token rather
 * than refusing a scope it may not have; the system client usually may have them too). From a failure address: a
 * conforming server refuses it.
 */
export async function requestWithAnotherClientsId(world: CtkWorld): Promise<Exchange | NotTestable> {
  const clients = crossClients(world);
  if (isNotTestable(clients)) return clients;
  const { authenticated, named } = clients;
  return tokenRequest(world, authenticated, {
    method: 'basic',
    scope: named.scopes,
    extraParams: { client_id: named.clientId },
    expectRefusal: true,
    situation: `the credentials of ${authenticated.clientId} sent with HTTP Basic, and client_id=${named.clientId} (no client_secret) in the form body`,
  });
}

/** Each identity claim's value in the token, where the two clients' own tokens differ in it: whom it names. */
export interface ClaimReading {
  readonly claim: string;
  readonly value: unknown;
  readonly names: 'authenticated' | 'named' | 'neither';
}

export function readIdentity(token: JWTPayload, ownOfAuthenticated: JWTPayload, ownOfNamed: JWTPayload): ClaimReading[] {
  const readings: ClaimReading[] = [];
  for (const claim of IDENTITY_CLAIMS) {
    const a = ownOfAuthenticated[claim];
    const b = ownOfNamed[claim];
    // A claim both clients' tokens carry alike (or one lacks) says nothing about whose a token is.
    if (typeof a !== 'string' || typeof b !== 'string' || a === b) continue;
    const value = token[claim];
    readings.push({ claim, value, names: value === b ? 'named' : value === a ? 'authenticated' : 'neither' });
  }
  return readings;
}

const describeReadings = (readings: readonly ClaimReading[]): string => readings.map((r) => `${r.claim} ${JSON.stringify(r.value)}`).join(', ');

async function claimsOfOwnToken(world: CtkWorld, client: ClientCredentials): Promise<JWTPayload | undefined> {
  return (await readClaims(world, await accessTokenFor(world, client)))?.claims;
}

/**
 * REQ-CAUTH-12 (MUST): no token of the read-only client. A refusal holds whatever its form, where the system client's
 * same request without the other client_id gets a token (else blocked: refusal-control.ts); a token holds when the
 * claims that tell the two clients apart name the system client. A token whose claims name the read-only client is
 * the failure, unless the read-only client's id alone in the form body gets a token too: then no client
 * authentication is checked for it at all, REQ-CAUTH-07's finding, and REQ-CAUTH-12 is not judged on it.
 */
export async function judgeTokenOfAuthenticatedClient(world: CtkWorld, exchange: Exchange, situation: string): Promise<void> {
  const clients = crossClients(world);
  if (isNotTestable(clients)) throw new NotTestableError(clients.notTestable, clients.remedy ? { remedy: clients.remedy } : {});
  const { authenticated, named } = clients;
  const expected = `no access token of ${named.clientId} for ${situation}: only ${authenticated.clientId} authenticated (a refusal, or a token of ${authenticated.clientId})`;
  if (!issuedAToken(exchange)) {
    // The good request beside it: the same Basic credentials for the same scopes, without the other client's id. Where
    // that is refused too, the refusal is not about the client_id (an endpoint that refuses every request).
    await refusalUnderControl(world, exchange, situation, ordinaryControl(world, authenticated, named.scopes));
    check(world, { requirement: CROSS_CLIENT_REQUIREMENT, expected, observed: `${describeOutcome(exchange)}: no token` }, () => expect(issuedAToken(exchange), 'token issued').to.equal(false));
    return;
  }
  const token = tokenResponseOf(exchange)?.access_token ?? '';
  const read = await readClaims(world, token);
  const [ownOfAuthenticated, ownOfNamed] = [await claimsOfOwnToken(world, authenticated), await claimsOfOwnToken(world, named)];
  const readings = read && ownOfAuthenticated && ownOfNamed ? readIdentity(read.claims, ownOfAuthenticated, ownOfNamed) : [];
  const naming = readings.filter((r) => r.names !== 'neither');
  if (naming.length === 0) {
    throw new NotTestableError(
      read
        ? `the token issued for ${situation} names neither client: the claims ${IDENTITY_CLAIMS.join(', ')} either do not tell the two clients' own tokens apart or match neither${readings.length ? ` (${describeReadings(readings)})` : ''}`
        : `the token issued for ${situation} is opaque and nothing reveals whose it is (not a JWT, and no introspection answer that reports it active)`,
      { remedy: 'claim jwt-access-tokens for a target that issues JWT access tokens naming the client (client_id, azp or sub), or describe introspection (RFC 7662) for opaque ones' },
    );
  }
  const namesOther = naming.filter((r) => r.names === 'named');
  const source = read!.source === 'introspection' ? ' (read through the introspection endpoint)' : '';
  if (namesOther.length > 0 && (await explainedByIdAlone(world, named, situation))) return;
  check(
    world,
    {
      requirement: CROSS_CLIENT_REQUIREMENT,
      expected,
      observed: `HTTP ${exchange.response!.status} with an access_token whose ${describeReadings(naming)}${source} ${namesOther.length ? `name ${named.clientId}` : `name ${authenticated.clientId}`} (the two clients' own tokens differ in ${naming.map((r) => r.claim).join(', ')})`,
    },
    () => expect(namesOther.map((r) => r.claim), `claims naming ${named.clientId}, which did not authenticate: the token endpoint took the body's client_id as the client and ${authenticated.clientId}'s Basic secret as its authentication`).to.deep.equal([]),
  );
}

/**
 * One cause, one finding (unchecked-credentials.ts): where the read-only client's id alone in the form body (no
 * secret, no Basic) gets a token too, the server authenticates no one for that client id, and the system client's
 * Basic credentials beside it change nothing: REQ-CAUTH-07's finding. The probe is sent only after a token of the
 * read-only client, so a conforming server never sees it. True when it reported the root.
 */
function explainedByIdAlone(world: CtkWorld, named: ClientCredentials, situation: string): Promise<boolean> {
  return reportFirstUncheckedRoot(
    world,
    [{ root: 'REQ-CAUTH-07', client: named, method: 'body', secret: null, what: `the client id of ${named.clientId} alone in the form body (no client_secret, no HTTP Basic)` }],
    { requirement: CROSS_CLIENT_REQUIREMENT, expected: `no access token of ${named.clientId} for ${situation}` },
    (what) => `${what} gets a token too: the token endpoint authenticates no one for that client id, whatever credentials come beside it`,
  );
}
