/**
 * Seed 003's separation of system and human identities, beyond the claims of one token: customer ids and client
 * ids never overlap (REQ-ID-10), and the system client cannot take on a customer's identity through an on-behalf
 * grant (REQ-ID-11, RFC 8693 token exchange). The meeting rejected that flow ("Abgelehnt") and kept tokens
 * without a customer for the system ("darf alles"), told apart from human tokens by client_id == sub alone.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { scenarioRequirements } from '../gateway/scenario-requirements.ts';
import { check } from '../verdict/check.ts';
import type { TargetDescription, TestUser } from '../target/target.ts';
import { claimsOf, describeClaims, readClaims } from './claims.ts';
import { findMetadata } from '../discovery/metadata.ts';
import { tokenRequest, type NotTestable } from '../oauth/token-requests.ts';
import { issuedAToken } from '../oauth/token-errors.ts';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Every client id the profile names, with its role: the namespace a customer id must stay out of. */
export function knownClientIds(target: TargetDescription): ReadonlyMap<string, string> {
  const ids = new Map<string, string>();
  for (const [role, client] of Object.entries(target.clients)) if (client?.clientId) ids.set(client.clientId, `clients.${role}`);
  return ids;
}

/** REQ-ID-10: the customer's id (profile) and the sub of their token are no client's id. */
export async function judgeCustomerIdIsNoClientId(world: CtkWorld, requirement: string, user: TestUser, token: string): Promise<void | 'skipped'> {
  // The token's sub, from the JWT or, for an opaque token, through introspection (claims.ts readClaims).
  const read = await readClaims(world, token);
  if (!read) {
    return world.notTestable(scenarioRequirements(world), 'the human access token is not a JWT the kit can read, and the target offers no introspection that reports it active', 'claim jwt-access-tokens for targets that issue JWT access tokens (RFC 9068), or describe introspection (RFC 7662) for opaque ones');
  }
  const { claims } = read;
  const clients = knownClientIds(world.target);
  const clash = (id: unknown) => (typeof id === 'string' ? clients.get(id) : undefined);
  check(world, {
    requirement,
    expected: `customer id ${JSON.stringify(user.customerId)} of ${user.username} and the sub of their token are none of the client ids ${[...clients.keys()].map((c) => JSON.stringify(c)).join(', ')} (seed 003: client_id == sub marks a system token)`,
    observed: `customerId ${JSON.stringify(user.customerId)}${clash(user.customerId) ? ` = ${clash(user.customerId)}` : ''}; token ${describeClaims(claims)}${clash(claims.sub) ? ` (sub = ${clash(claims.sub)})` : ''}${read.source === 'introspection' ? ' (read through the introspection endpoint: the token is opaque)' : ''}`,
  }, () => {
    expect(clash(user.customerId), `the customer id is the id of ${clash(user.customerId)}`).to.equal(undefined);
    expect(clash(claims.sub), `the token's sub is the id of ${clash(claims.sub)}`).to.equal(undefined);
  });
}

export interface OnBehalfAttempt {
  readonly exchange: Exchange;
  /** What the metadata says about the grant: listed, not listed, or no metadata found. */
  readonly advertised: string;
}

/**
 * REQ-ID-11: the system client asks to exchange a customer's access token for one of its own (RFC 8693 §2.1) — the
 * on-behalf flow seed 003 rejected. The metadata is read first only to report whether it lists the grant.
 */
export async function requestOnBehalfToken(world: CtkWorld, human: { token: string; user: TestUser }): Promise<OnBehalfAttempt | NotTestable> {
  const found = await findMetadata(world);
  const listed = 'metadata' in found && found.metadata ? (found.metadata.grant_types_supported as unknown) : undefined;
  const advertised = !('metadata' in found && found.metadata)
    ? 'no metadata document was found'
    : Array.isArray(listed) && listed.includes(TOKEN_EXCHANGE_GRANT)
      ? 'the metadata lists token exchange in grant_types_supported'
      : 'the metadata does not list token exchange';
  const client = world.target.clients.system;
  const exchange = await tokenRequest(world, client, {
    grantType: TOKEN_EXCHANGE_GRANT,
    extraParams: { subject_token: human.token, subject_token_type: ACCESS_TOKEN_TYPE, requested_token_type: ACCESS_TOKEN_TYPE },
    expectRefusal: true,
    situation: `a token-exchange request (RFC 8693) of the system client ${client.clientId} with the access token of customer ${human.user.customerId} as subject_token`,
  });
  if ('notTestable' in exchange) return exchange;
  return { exchange, advertised };
}

/** REQ-ID-11: no token comes back; any refusal will do. */
export function judgeNoOnBehalfToken(world: CtkWorld, requirement: string, attempt: OnBehalfAttempt, human: { user: TestUser }): void {
  const { exchange } = attempt;
  const issued = issuedAToken(exchange);
  const token = jsonOf(exchange)?.access_token;
  const claims = issued && typeof token === 'string' ? claimsOf(token) : undefined;
  check(world, {
    requirement,
    expected: `no token for the system client in exchange for the token of customer ${human.user.customerId} (seed 003 rejected the "on-behalf" flow)`,
    observed: `${issued ? `${describeOutcome(exchange)} with an access_token${claims ? ` (${describeClaims(claims)})` : ''}` : describeOutcome(exchange)}; ${attempt.advertised}`,
  }, () => expect(issued, 'a token was issued on behalf of the customer').to.equal(false));
}
