/**
 * Genuine tokens the gateway must refuse, from what a real IdP offers instead of a test signer: a second issuer
 * (another realm, another tenant; profile foreignIssuer) and a client of the same IdP whose tokens are for another
 * API (profile clients.otherAudience). RFC 9068 §4: the resource server MUST check that `iss` is its issuer and that
 * `aud` contains its own identifier.
 *
 * These are test aids: a token the kit cannot get, or one that does not differ where it should (the other client's
 * token carries the API audience after all), is no evidence about the gateway. Both are not testable with what was
 * seen, never a failure of the gateway's requirement, and never a pass.
 */
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf } from '../http/exchange.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { paceTokenRequest, requestToken, tokenRequestBody, tokenResponseOf } from '../oauth/token-client.ts';
import { audienceCheckOf, type ForeignIssuerDescription } from '../target/target.ts';
import { decodeJwt } from './decode.ts';
import { readClaims } from '../identity/claims.ts';
import type { CraftedToken } from './crafted.ts';

const audiencesOf = (aud: unknown): string[] => (typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : []);
const shown = (value: unknown): string => (value === undefined ? 'none' : JSON.stringify(value));

/** A token the second issuer issued to its client: its iss must differ from the target's issuer. */
export async function foreignIssuerToken(world: CtkWorld): Promise<CraftedToken> {
  const foreign = world.target.foreignIssuer;
  if (!foreign) throw new NotTestableError('the target profile names no second issuer (foreignIssuer)', { remedy: 'name a second issuer in the target profile (foreignIssuer) or give a test-token signer (testTokenSigner)' });
  const endpoint = await foreignTokenEndpoint(world, foreign);
  const { headers, body } = tokenRequestBody(foreign.client, {}, foreign);
  await paceTokenRequest(world, undefined);
  const exchange = await world.send({ method: 'POST', url: endpoint, headers, body }, { keepAsLast: false });
  const token = tokenResponseOf(exchange)?.access_token;
  if (!token) {
    throw new NotTestableError(`the second issuer (foreignIssuer) gave its client ${foreign.client.clientId} no access token: ${describeOutcome(exchange)}`, {
      remedy: 'check foreignIssuer in the target profile (token endpoint, client, secret, scopes, tokenEndpointAuthMethod); the gateway is judged once that issuer issues a token',
    });
  }
  const claims = decodeJwt(token)?.claims;
  const iss = claims?.iss ?? foreign.issuer;
  if (iss === undefined) {
    throw new NotTestableError(`the second issuer's token is no JWT the kit can read and the profile names no foreignIssuer.issuer: nothing shows it is another issuer's`, { remedy: 'name foreignIssuer.issuer in the target profile' });
  }
  if (iss === world.target.issuer) {
    throw new NotTestableError(`the token of the second issuer (foreignIssuer) carries iss ${shown(iss)}, the target's own issuer: it is no token of another issuer`, {
      remedy: 'name an issuer the gateway does not trust in foreignIssuer (another realm or tenant)',
    });
  }
  const aud = audiencesOf(claims?.aud);
  const audNote =
    claims === undefined ? ' (an opaque token: its issuer as the profile names it)'
    : world.target.audience !== undefined && !aud.includes(world.target.audience) ? `; its aud ${shown(claims.aud)} is not the API's either, so a refusal may be for its aud alone`
    : '';
  return { token, description: `a genuine access token of another issuer (iss ${shown(iss)}; the gateway trusts ${shown(world.target.issuer)})${audNote}` };
}

/** The second issuer's token endpoint: the profile's, else its discovery document's (evidence recorded). */
async function foreignTokenEndpoint(world: CtkWorld, foreign: ForeignIssuerDescription): Promise<string> {
  if (foreign.tokenEndpoint) return foreign.tokenEndpoint;
  const exchange = await world.send({ method: 'GET', url: foreign.discoveryUrl!, headers: { accept: 'application/json' } }, { keepAsLast: false });
  const endpoint = exchange.response?.status === 200 ? jsonOf(exchange)?.token_endpoint : undefined;
  if (typeof endpoint !== 'string') {
    throw new NotTestableError(`the second issuer's metadata document names no token_endpoint: ${describeOutcome(exchange)}`, { remedy: 'check foreignIssuer.discoveryUrl, or name foreignIssuer.tokenEndpoint in the target profile' });
  }
  return endpoint;
}

/** A token of clients.otherAudience: its aud must not contain the API audience the gateway checks. */
export async function otherAudienceToken(world: CtkWorld): Promise<CraftedToken> {
  const client = world.target.clients.otherAudience;
  if (!client) throw new NotTestableError('the target profile names no client for another API (clients.otherAudience)', { remedy: 'name clients.otherAudience in the target profile or give a test-token signer (testTokenSigner)' });
  const check = audienceCheckOf(world.target);
  if (check !== 'exact' || world.target.audience === undefined) {
    throw new NotTestableError(`the target profile says its gateway checks ${check === 'none' ? 'no audience' : 'the granted scope in aud'} (gateway.audienceCheck: ${check}), not an API audience a token for another API would lack`, {
      remedy: 'set gateway.audience if the gateway does check aud against its API identifier',
    });
  }
  // The client's own parameters (Auth0's audience, RFC 8707's resource of the other API) replace the target's,
  // which name the API behind the gateway.
  const own = client.tokenRequestParameters;
  const exchange = await requestToken(world, client, { keepAsLast: false, ...(own ? { targetParameters: false, extraParams: { ...own } } : {}) });
  const token = tokenResponseOf(exchange)?.access_token;
  if (!token) {
    throw new NotTestableError(`clients.otherAudience (${client.clientId}) got no access token: ${describeOutcome(exchange)}`, {
      remedy: 'check clients.otherAudience in the target profile (secret, scopes, tokenRequestParameters); the gateway is judged once the client gets a token',
    });
  }
  // An opaque token's aud is read through the target's introspection (identity/claims.ts readClaims), where it has one.
  const read = await readClaims(world, token);
  const claims = read?.claims;
  const api = world.target.audience;
  if (claims === undefined || (read?.source === 'introspection' && claims.aud === undefined)) {
    return { token, description: `an opaque access token of ${client.clientId}, the client the profile names for another API (clients.otherAudience${client.audience ? `, audience ${shown(client.audience)}` : ''})` };
  }
  const aud = audiencesOf(claims.aud);
  if (aud.includes(api)) {
    throw new NotTestableError(`the token of clients.otherAudience (${client.clientId}) carries aud ${shown(claims.aud)}, which contains the API audience ${shown(api)}: it is no token for another audience`, {
      remedy: 'make the client get tokens for another API: clients.otherAudience.tokenRequestParameters (Auth0 audience, RFC 8707 resource) or an audience mapper at the IdP',
    });
  }
  const via = read?.source === 'introspection' ? ', read through the introspection endpoint: the token is opaque' : '';
  return { token, description: `a genuine access token of ${client.clientId} meant for another audience (aud ${shown(claims.aud)}${via}; the gateway's API is ${shown(api)})` };
}
