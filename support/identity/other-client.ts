/**
 * One cause, one finding (support/verdict/check.ts reportRootCause): a client-credentials token whose client_id and
 * sub are equal, as seed 003's system marker asks, but name another client than the one that requested it, is wrong
 * in one thing only, the client it names: REQ-JWT-12's finding (RFC 9068 §2.2: client_id is the client that requested
 * the token, a MUST). Seed 003's "client_id == sub, both the client's id" (REQ-ID-01) and what follows from that token
 * (REQ-ID-05, -07) are not judged on it. Seen in the token itself, no request more. A token whose client_id differs
 * from its sub breaks the seed's marker as well and stays REQ-ID-01's own; where REQ-JWT-12 does not apply (a token
 * that is no RFC 9068 JWT), the seed's requirement is judged on its own.
 */
import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import type { CtkWorld } from '../world.ts';
import type { ClientCredentials } from '../target/target.ts';
import { reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';

const CLIENT_ID_ROOT = 'REQ-JWT-12';

/** True when it reported REQ-JWT-12's finding (a MUST: the scenario stops there). */
export function tokenNamesAnotherClient(world: CtkWorld, claims: JWTPayload, client: ClientCredentials, dependents: readonly { readonly requirement: string; readonly expected: string }[]): boolean {
  const named = claims.client_id;
  if (typeof named !== 'string' || named === client.clientId || claims.sub !== named) return false;
  if (dependents.some((d) => d.requirement === CLIENT_ID_ROOT) || !requirementApplies(world.target, CLIENT_ID_ROOT)) return false;
  reportRootCause(
    world,
    { requirement: CLIENT_ID_ROOT, expected: `client_id ${JSON.stringify(client.clientId)} (the client that requested the token)`, observed: `client_id ${JSON.stringify(named)}` },
    () => expect(named, 'client_id').to.equal(client.clientId),
    dependents,
    { why: `the token of ${client.clientId} names another client, ${JSON.stringify(named)}, as client_id and sub: the seed's client_id == sub holds, for the wrong client` },
  );
  return true;
}
