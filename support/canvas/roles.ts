/**
 * REQ-CANVAS-02 (seed 000: the gateway adds "details from the Identity Management System (user, roles)"): every role
 * of the token's roles claim (RFC 9068 §2.2.3.1) reaches the component. REQ-ID-06 is content with the scopes; a
 * gateway that drops the roles claim passes it. A token without roles has none to pass on: the check does not apply.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, doesNotApply } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { readClaims, rolesOf } from '../identity/claims.ts';
import { describeIdentity, readEcho } from '../identity/echo.ts';

const REQUIREMENT = 'REQ-CANVAS-02';

/** An opaque token's roles are read through introspection (identity/claims.ts readClaims), as a JWT's from the token. */
export async function judgeRolesArrive(world: CtkWorld, exchange: Exchange, token: string): Promise<void> {
  const read = await readClaims(world, token);
  if (!read) {
    throw new NotTestableError('the access token is not a JWT the kit can read, and the target offers no introspection that reports it active: the kit cannot tell which roles it grants', {
      remedy: 'claim jwt-access-tokens for targets that issue JWT access tokens (RFC 9068), or describe introspection (RFC 7662) for opaque ones',
      requirementIds: [REQUIREMENT],
    });
  }
  const roles = rolesOf(read.claims);
  const expected = `the component receives every role of the token's roles claim${roles.length ? ` ${JSON.stringify(roles)}` : ''}`;
  if (roles.length === 0) {
    const where = read.source === 'introspection' ? 'the introspection answer for the opaque token names no roles' : 'the token carries no roles claim (RFC 9068 §2.2.3.1)';
    return doesNotApply(world, { requirement: REQUIREMENT, expected, why: `${where}: the identity system granted no roles to pass on` });
  }
  const reading = readEcho(world.target, exchange);
  if (!reading.identity) {
    throw new NotTestableError(`the identity echo cannot be read: ${reading.unreadable ?? 'no identity'} (${describeOutcome(exchange)})`, { remedy: 'describe gateway.routes.identityEcho and identityEchoFormat in the target profile', requirementIds: [REQUIREMENT] });
  }
  const { identity } = reading;
  if (identity.present && identity.roles === undefined) {
    throw new NotTestableError(`the identity echo shows no list of roles (${describeIdentity(identity)})`, { remedy: 'name the roles list in gateway.routes.identityEchoFormat.roles', requirementIds: [REQUIREMENT] });
  }
  check(world, { requirement: REQUIREMENT, expected, observed: describeIdentity(identity) }, () => {
    const received = identity.roles ?? [];
    expect(roles.filter((role) => !received.includes(role)), 'roles of the token the component did not receive').to.deep.equal([]);
  });
}
