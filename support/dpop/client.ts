/**
 * The kit as a DPoP client (RFC 9449): token requests with a proof (§5) and gateway calls with the DPoP scheme and a
 * proof (§7). Both follow a server's nonce once (§8, §9): an answer asking for one (use_dpop_nonce with a DPoP-Nonce
 * header) gets the same request again with a proof that carries it — except where the check is about the proof's age,
 * since a nonce is the server's own clock (§4.3 check 11) and would make a stale proof rightly acceptable.
 */
import type { CtkWorld } from '../world.ts';
import { jsonOf, type Exchange } from '../http/exchange.ts';
import { stateKey } from '../scenario-state.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import { paceTokenRequest, tokenRequestBody, assertTokenEndpointUsable, sendWithRegisteredCredentials, tokenResponseOf } from '../oauth/token-client.ts';
import { addressForFailures } from '../oauth/source-address.ts';
import { callGateway, gatewayUrl } from '../gateway/gateway-client.ts';
import { gatewayOf } from '../target/target.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { decodeJwt } from '../jwt/decode.ts';
import { dpopProof, newDpopKey, type DpopKey, type ProofAlgorithm, type ProofDefect } from './proof.ts';

/** The algorithms the kit signs proofs with, in the order it prefers them. */
const KIT_ALGORITHMS: readonly ProofAlgorithm[] = ['ES256', 'PS256', 'RS256', 'EdDSA'];

/** One run is one target: its metadata's algorithm list is read once. */
let chosen: Promise<ProofAlgorithm> | undefined;

/**
 * The algorithm for the kit's proofs: ES256, unless the server's metadata lists dpop_signing_alg_values_supported
 * (RFC 9449 §5.1) without it; then the first of the kit's it lists. A list with none of them: not testable.
 */
export function proofAlgorithm(world: CtkWorld): Promise<ProofAlgorithm> {
  chosen ??= (async () => {
    const url = world.target.discoveryUrl;
    const exchange = url ? await world.send({ method: 'GET', url, headers: { accept: 'application/json' } }, { keepAsLast: false }) : undefined;
    const listed = exchange?.response?.status === 200 ? jsonOf(exchange)?.dpop_signing_alg_values_supported : undefined;
    if (!Array.isArray(listed) || listed.length === 0) return 'ES256';
    const alg = KIT_ALGORITHMS.find((a) => listed.includes(a));
    if (alg) return alg;
    throw new NotTestableError(`the server's dpop_signing_alg_values_supported (${listed.join(', ')}) names none of the algorithms the kit signs proofs with (${KIT_ALGORITHMS.join(', ')})`, {
      remedy: 'allow ES256 for DPoP proofs, or tell the kit\'s maintainers which algorithm to add',
    });
  })();
  chosen.catch(() => undefined);
  return chosen;
}

/** A fresh key of the run's proof algorithm. */
export const dpopKeyFor = async (world: CtkWorld): Promise<DpopKey> => newDpopKey(await proofAlgorithm(world));

export interface BoundToken {
  readonly exchange: Exchange;
  readonly key: DpopKey;
  /** The access token, when the answer held one. */
  readonly accessToken?: string;
  readonly tokenType?: string;
}

/** The DPoP-Nonce a 400/401 asks the proof to carry (RFC 9449 §8, §9), if it asks for one. */
export function nonceAsked(exchange: Exchange): string | undefined {
  const response = exchange.response;
  const nonce = response?.headers['dpop-nonce'];
  if (!response || !nonce) return undefined;
  if (response.status === 400 && jsonOf(exchange)?.error === 'use_dpop_nonce') return nonce;
  if (response.status === 401 && /use_dpop_nonce/.test(response.headers['www-authenticate'] ?? '')) return nonce;
  return undefined;
}

/**
 * One token request of the system client with a DPoP proof spoiled by `defect` (or valid). Refused requests may
 * count as failed attempts at the target: a spoiled proof goes out from a client IP of its own.
 */
export async function requestTokenWithProof(world: CtkWorld, key: DpopKey, defect: ProofDefect = 'none', options: { keepAsLast?: boolean } = {}): Promise<Exchange> {
  assertTokenEndpointUsable(world.target);
  const client = world.target.clients.system;
  const { headers, body } = tokenRequestBody(client, {}, world.target);
  const { sourceAddress } = defect === 'none' ? { sourceAddress: undefined } : addressForFailures(world.target, 2);
  const followNonce = defect !== 'stale-iat';
  let nonce: string | undefined;
  for (;;) {
    const proof = await dpopProof(key, { htm: 'POST', htu: world.target.tokenEndpoint, ...(nonce ? { nonce } : {}) }, defect);
    // A valid proof is the client's ordinary request: guarded as every request with its registered credentials.
    const exchange = await sendWithRegisteredCredentials(world, client, defect === 'none', sourceAddress, async (from) => {
      await paceTokenRequest(world, from);
      return world.send(
        { method: 'POST', url: world.target.tokenEndpoint, headers: { ...headers, dpop: proof.jwt }, body, ...(from ? { sourceAddress: from } : {}) },
        { keepAsLast: options.keepAsLast ?? true },
      );
    });
    const asked = nonceAsked(exchange);
    if (!followNonce || nonce !== undefined || asked === undefined) return exchange;
    world.log('the token endpoint asks for a DPoP nonce (RFC 9449 §8): the request is sent again with a proof that carries it');
    nonce = asked;
  }
}

export function boundTokenOf(exchange: Exchange, key: DpopKey): BoundToken {
  const json = jsonOf(exchange);
  const accessToken = tokenResponseOf(exchange)?.access_token;
  const tokenType = typeof json?.token_type === 'string' ? json.token_type : undefined;
  return { exchange, key, ...(accessToken ? { accessToken } : {}), ...(tokenType ? { tokenType } : {}) };
}

const BOUND = stateKey<BoundToken>('a DPoP-bound access token of the system client');

/** A DPoP-bound token of the system client, requested once per scenario with a fresh key. */
export async function boundTokenFor(world: CtkWorld, options: { keepAsLast?: boolean } = {}): Promise<BoundToken> {
  const known = world.state.peek(BOUND);
  if (known) return known;
  const key = await dpopKeyFor(world);
  return world.state.remember(BOUND, boundTokenOf(await requestTokenWithProof(world, key, 'none', options), key));
}

/**
 * A JWT access token that names the proof key's thumbprint in cnf.jkt (RFC 9449 §6.1) is bound to that key whatever
 * its token response calls it: what a resource server sees is the token, never the token_type.
 */
const namesProofKey = (bound: BoundToken): boolean => {
  const cnf = bound.accessToken === undefined ? undefined : decodeJwt(bound.accessToken)?.claims.cnf;
  return cnf !== null && typeof cnf === 'object' && (cnf as Record<string, unknown>).jkt === bound.key.thumbprint;
};

/**
 * The bound token a gateway check needs; without one the check is blocked by REQ-DPOP-01, never failed. A token the
 * response mislabels (token_type "Bearer") but that names the proof's key in cnf.jkt is bound all the same: the gateway
 * checks are judged on it, and the label stays REQ-DPOP-01's one finding (fault dpop-token-type-bearer left eleven
 * gateway and introspection requirements not testable on a token every resource server could tell was bound).
 */
export async function requireBoundToken(world: CtkWorld): Promise<BoundToken & { readonly accessToken: string }> {
  const bound = await boundTokenFor(world, { keepAsLast: false });
  const labelledBound = bound.tokenType?.toLowerCase() === 'dpop';
  if (bound.accessToken !== undefined && !labelledBound && namesProofKey(bound)) {
    world.log(`the token response calls the token ${JSON.stringify(bound.tokenType ?? '(no token_type)')}, but the token names the proof's key in cnf.jkt: it is bound (RFC 9449 §6.1), and judged as such here; REQ-DPOP-01 reports the token_type`);
  } else if (bound.accessToken === undefined || !labelledBound) {
    throw new PrerequisiteBlocked(
      'REQ-DPOP-01',
      `no DPoP-bound access token (REQ-DPOP-01: the token request with a valid proof got ${bound.exchange.response ? `HTTP ${bound.exchange.response.status}` : 'no answer'}${bound.tokenType ? `, token_type "${bound.tokenType}"` : ''})`,
      'fix what REQ-DPOP-01 reports; the gateway\'s DPoP checks run once the token endpoint binds tokens to a proof',
    );
  }
  return bound as BoundToken & { readonly accessToken: string };
}

/** How a gateway call presents the bound token. */
export interface DpopCall {
  /** The Authorization scheme the token is sent with. */
  readonly scheme: 'DPoP' | 'Bearer';
  /** No DPoP header at all. */
  readonly withoutProof?: boolean;
  readonly defect?: ProofDefect;
  /** Signs the proof with this key instead of the token's. */
  readonly proofKey?: DpopKey;
  /** Sends this proof JWT as it is (a replay). */
  readonly proofJwt?: string;
  readonly keepAsLast?: boolean;
}

export interface DpopCallResult {
  readonly exchange: Exchange;
  /** The proof sent, when one was. */
  readonly proofJwt?: string;
}

/** One GET of the protected route with the bound token, presented as `call` says (RFC 9449 §7). */
export async function callWithBoundToken(world: CtkWorld, bound: BoundToken & { readonly accessToken: string }, call: DpopCall): Promise<DpopCallResult> {
  const htu = gatewayUrl(world.target, gatewayOf(world.target).routes.protected);
  let nonce: string | undefined;
  for (;;) {
    const proofJwt = call.withoutProof
      ? undefined
      : (call.proofJwt ?? (await dpopProof(call.proofKey ?? bound.key, { htm: 'GET', htu, accessToken: bound.accessToken, ...(nonce ? { nonce } : {}) }, call.defect)).jwt);
    const exchange = await callGateway(world, {
      route: 'protected',
      authorization: `${call.scheme} ${bound.accessToken}`,
      ...(proofJwt ? { headers: { dpop: proofJwt } } : {}),
      keepAsLast: call.keepAsLast ?? true,
    });
    const asked = nonceAsked(exchange);
    // A stale proof is not sent again with a nonce: the nonce would stand in for its age (RFC 9449 §4.3 check 11).
    const followNonce = call.proofJwt === undefined && !call.withoutProof && call.defect !== 'stale-iat';
    if (!followNonce || nonce !== undefined || asked === undefined) return { exchange, ...(proofJwt ? { proofJwt } : {}) };
    world.log('the gateway asks for a DPoP nonce (RFC 9449 §9): the request is sent again with a proof that carries it');
    nonce = asked;
  }
}
