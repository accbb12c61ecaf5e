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
import { claimsOf, rolesOf } from '../identity/claims.ts';
import { describeIdentity, readEcho } from '../identity/echo.ts';

const REQUIREMENT = 'REQ-CANVAS-02';

export function judgeRolesArrive(world: CtkWorld, exchange: Exchange, token: string): void {
  const claims = claimsOf(token);
  if (!claims) {
    throw new NotTestableError('the access token is not a JWT the kit can read: it cannot tell which roles it grants', { remedy: 'claim jwt-access-tokens only for targets that issue JWT access tokens (RFC 9068)', requirementIds: [REQUIREMENT] });
  }
  const roles = rolesOf(claims);
  const expected = `the component receives every role of the token's roles claim${roles.length ? ` ${JSON.stringify(roles)}` : ''}`;
  if (roles.length === 0) {
    return doesNotApply(world, { requirement: REQUIREMENT, expected, why: 'the token carries no roles claim (RFC 9068 §2.2.3.1): the identity system granted no roles to pass on' });
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
