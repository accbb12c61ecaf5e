/**
 * The judgements of the identity features (seeds 000, 003, 004), one check() each. Where the target cannot show
 * what the check needs (no JWT access tokens, no readable echo), the result is "not testable" with the reason —
 * never a pass. Subjects and client ids appear in messages; tokens never do.
 */
import { expect } from 'chai';
import type { JWTPayload } from 'jose';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, couldNotJudge, reportRootCause } from '../verdict/check.ts';
import { bearer, callGateway } from '../gateway/gateway-client.ts';
import { accessTokenFor } from '../oauth/token-client.ts';
import { acceptedBadToken } from '../gateway/verdicts.ts';
import { applicability, requirementApplies } from '../target/applicability.ts';
import { underControl } from '../gateway/positive-control.ts';
import type { ClientCredentials, TestUser } from '../target/target.ts';
import { scenarioRequirements } from '../gateway/scenario-requirements.ts';
import { requirement as requirementById } from '../requirements/catalogue.ts';
import { describeClaims, readClaims, rolesOf, scopesOf } from './claims.ts';
import { tokenNamesAnotherClient } from './other-client.ts';
import { describeIdentity, isAnonymous, readEcho, readPublicIdentity, type EchoReading, type ObservedIdentity } from './echo.ts';
import { customerDataOutcome } from './customer-data.ts';
import { FORGED_ROLE, FORGED_SUBJECT } from './spoofing.ts';

type Verdict = void | 'skipped';

/** Whose token made a call, where a judge needs it to find a root cause: a customer's, or a system user's. */
export type Caller = { readonly human: TestUser } | { readonly system: ClientCredentials };

const notTestable = (world: CtkWorld, reason: string, remedy: string): 'skipped' => world.notTestable(scenarioRequirements(world), reason, remedy);

/** The token's claims (a JWT's, or through introspection: claims.ts readClaims), or not testable with the reason. */
async function readableClaims(world: CtkWorld, token: string): Promise<{ claims: JWTPayload; via: string } | 'skipped'> {
  const read = await readClaims(world, token);
  if (!read) {
    return notTestable(world, 'the access token is not a JWT the kit can read, and the target offers no introspection that reports it active', 'claim jwt-access-tokens for targets that issue JWT access tokens (RFC 9068), or describe introspection (RFC 7662) for opaque ones');
  }
  return { claims: read.claims, via: read.source === 'introspection' ? ' (read through the introspection endpoint: the token is opaque)' : '' };
}

/** Seed 003 / REQ-ID-01: client_id == sub == the client's id. */
export async function judgeSystemTokenClaims(world: CtkWorld, requirement: string, token: string, client: ClientCredentials): Promise<Verdict> {
  const read = await readableClaims(world, token);
  if (read === 'skipped') return read;
  const { claims } = read;
  const expected = `client_id == sub == ${JSON.stringify(client.clientId)} in a client-credentials token of ${client.clientId} (seed 003: that is what marks a system user)`;
  if (tokenNamesAnotherClient(world, claims, client, [{ requirement, expected }])) return;
  check(world, {
    requirement,
    expected,
    observed: `${describeClaims(claims)}${read.via}`,
  }, () => {
    expect(claims.client_id, 'client_id').to.equal(client.clientId);
    expect(claims.sub, 'sub').to.equal(claims.client_id);
  });
}

/** Seed 003 / REQ-ID-02: sub = the customer, client_id = the front end, so client_id != sub. */
export async function judgeHumanTokenClaims(world: CtkWorld, requirement: string, token: string, user: TestUser): Promise<Verdict> {
  const read = await readableClaims(world, token);
  if (read === 'skipped') return read;
  const { claims } = read;
  const web = world.target.clients.web;
  check(world, {
    requirement,
    expected: `sub=${JSON.stringify(user.customerId)} (the customer of ${user.username})${web ? ` and client_id=${JSON.stringify(web.clientId)} (the front end)` : ''}, so client_id != sub`,
    observed: `${describeClaims(claims)}${read.via}`,
  }, () => {
    expect(claims.sub, 'sub').to.equal(user.customerId);
    if (web) expect(claims.client_id, 'client_id').to.equal(web.clientId);
    expect(claims.client_id, 'client_id must differ from sub').to.not.equal(claims.sub);
  });
}

function echoOrNotTestable(world: CtkWorld, exchange: Exchange): { reading: EchoReading; identity: ObservedIdentity } | 'skipped' {
  const reading = readEcho(world.target, exchange);
  if (!reading.identity) {
    if (exchange.response?.status !== undefined && exchange.response.status !== 200) {
      // The echo route is a protected route called with a valid token: a refusal there is a finding of its own.
      return notTestable(world, `the identity echo refused a valid token (${describeOutcome(exchange)})`, 'check gateway.routes.identityEcho: it must accept any valid token');
    }
    return notTestable(world, `the identity echo cannot be read: ${reading.unreadable} (${describeOutcome(exchange)})`, 'describe gateway.routes.identityEchoFormat in the target profile');
  }
  return { reading, identity: reading.identity };
}

/**
 * One cause, one finding (support/verdict/check.ts explainedBy): a component that received NO identity at all for a
 * valid token shows REQ-ID-06's deviation (seed 000: the gateway adds the caller's details). The judgements that
 * read WHICH identity arrived (REQ-ID-03, -07), or what the component did with it (REQ-ID-04, -05), would only
 * repeat that finding on the same answer: they are not judged on it, and REQ-ID-06 reports it once. An identity
 * that arrived and is wrong (a human passed on as the system) is still each requirement's own finding.
 */
const NO_IDENTITY = {
  requirement: 'REQ-ID-06',
  expected: "the component receives an identity (the caller's subject and roles) for a valid token",
} as const;

/** Reports REQ-ID-06 when no identity arrived, `dependent` not judged on it; true when it did (the scenario stops). */
function noIdentityAtAll(world: CtkWorld, identity: ObservedIdentity, dependent: { readonly requirement: string; readonly expected: string }, seen: string): boolean {
  if (identity.present || dependent.requirement === NO_IDENTITY.requirement) return false;
  reportRootCause(world, { ...NO_IDENTITY, observed: seen }, () => expect(identity.present, 'an identity reached the component').to.equal(true), [dependent], {
    why: `the component received no identity at all for a valid token: ${seen}`,
  });
  return true;
}

/**
 * For a customer-data answer that is not what the token may get: which identity does the component receive for
 * that token? The identity echo, called with the same Authorization, shows it where the target describes the echo;
 * otherwise (or when the echo is unreadable) the answer is judged on its own. The root causes reported once: a system
 * user's token that does not mark it as the system (REQ-ID-01), no identity at all (REQ-ID-06), and an identity that
 * is not the caller's — a customer passed on as the system or as somebody else (REQ-ID-03), a system user passed on
 * as a human (REQ-ID-07), seed 000. What the component then serves follows from the token or the identity it was
 * given, so `dependent` is not judged on that answer. Each root only where it applies.
 */
export async function wrongIdentityBehindCustomerData(world: CtkWorld, exchange: Exchange, dependent: { readonly requirement: string; readonly expected: string }, caller?: Caller): Promise<boolean> {
  if (caller && 'system' in caller && (await systemTokenMisnamed(world, exchange, caller.system, dependent))) return true;
  const authorization = exchange.request.headers?.authorization;
  if (typeof authorization !== 'string' || !world.target.gateway?.routes.identityEcho) return false;
  const applies = (id: string) => id !== dependent.requirement && requirementApplies(world.target, id);
  const root = caller ? callerIdentityRoot(caller) : undefined;
  const judgeIdentity = root !== undefined && applies(root.requirement);
  if (!applies(NO_IDENTITY.requirement) && !judgeIdentity) return false;
  const echo = await callGateway(world, { route: 'identity echo', authorization, keepAsLast: false });
  const identity = readEcho(world.target, echo).identity;
  if (!identity || echo.response?.status !== 200) return false;
  const seen = `the identity echo, called with the same token: ${describeIdentity(identity)}`;
  if (applies(NO_IDENTITY.requirement) && noIdentityAtAll(world, identity, dependent, seen)) return true;
  if (!judgeIdentity || !identity.present || holds(() => root.expect(identity))) return false;
  reportRootCause(world, { requirement: root.requirement, expected: root.expected, observed: seen }, () => root.expect(identity), [dependent], {
    why: `the component was given another identity than ${root.whose} for that token: ${describeIdentity(identity)}`,
  });
  return true;
}

/** The identity the component must receive for the caller's token, and the requirement that says so. */
function callerIdentityRoot(caller: Caller): { requirement: string; expected: string; whose: string; expect: (identity: ObservedIdentity) => void } {
  if ('human' in caller) {
    return { requirement: HUMAN_IDENTITY.requirement, expected: HUMAN_IDENTITY.expected(caller.human), whose: `customer ${caller.human.customerId}'s`, expect: (identity) => expectHumanIdentityOf(identity, caller.human) };
  }
  const client = caller.system;
  return {
    requirement: 'REQ-ID-07',
    expected: `the component receives the system user as the system: subject ${client.clientId}, kind system where a kind is stated`,
    whose: `the system user ${client.clientId}'s`,
    expect: (identity) => expectSystemIdentityOf(identity, client),
  };
}

const holds = (assertion: () => void): boolean => {
  try {
    assertion();
    return true;
  } catch {
    return false;
  }
};

/** REQ-ID-03 (seed 000): a human's token reaches the component as that human: the customer as subject, kind human. */
const HUMAN_IDENTITY = {
  requirement: 'REQ-ID-03',
  expected: (user: TestUser) => `the component receives a human identity (kind human, where the component states a kind) whose subject is ${user.customerId}`,
} as const;

function expectHumanIdentityOf(identity: ObservedIdentity, user: TestUser): void {
  expect(identity.present, 'an identity reached the component').to.equal(true);
  expect(identity.subject, 'subject').to.equal(user.customerId);
  if (identity.rawKind !== undefined) expect(identity.kind, 'kind').to.equal('human');
}

/** REQ-ID-07 (seed 000): a system user's token reaches the component as the system, under its client id. */
function expectSystemIdentityOf(identity: ObservedIdentity, client: ClientCredentials): void {
  expect(identity.present, 'an identity reached the component').to.equal(true);
  expect(identity.subject, 'subject').to.equal(client.clientId);
  if (identity.clientId !== undefined) expect(identity.clientId, 'client id').to.equal(client.clientId);
  if (identity.rawKind !== undefined) expect(identity.kind, 'kind').to.equal('system');
}

/**
 * Requirements whose verdict follows from what the system client's token says. Not REQ-ID-16: the front end's system
 * user getting a client-credentials token that marks it as the website is that requirement's own clause (seed 000);
 * only a token that names another client altogether (REQ-JWT-12), or a gateway that passes no system user on as
 * the system (REQ-ID-07, everySystemUserMisnamed), explains it.
 */
const JUDGED_ON_THE_SYSTEM_TOKEN: readonly string[] = ['REQ-ID-05', 'REQ-ID-07'];

/**
 * One cause, one finding: a system user's client-credentials token whose client_id and sub are not both its client id
 * is REQ-ID-01's finding (seed 003: client_id == sub marks a system user). How the gateway passes it on (REQ-ID-07) and
 * what the component serves it (REQ-ID-05) follow from the token: not judged on it. The token is the one the call
 * carried; an unreadable token (opaque, no introspection) leaves the dependent to be judged on its own.
 */
async function systemTokenMisnamed(world: CtkWorld, exchange: Exchange, client: ClientCredentials, dependent: { readonly requirement: string; readonly expected: string }): Promise<boolean> {
  const root = 'REQ-ID-01';
  const authorization = exchange.request.headers?.authorization;
  const token = typeof authorization === 'string' ? /^bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] : undefined;
  if (!token) return false;
  const read = await readClaims(world, token);
  if (!read || (read.claims.client_id === client.clientId && read.claims.sub === client.clientId)) return false;
  const { claims } = read;
  // A token that names another client (REQ-JWT-12) explains any identity judged on it, REQ-ID-16's front end too
  // (fault client-id-claim-other-client: REQ-ID-16 failed beside REQ-JWT-12 in a whole run).
  if (tokenNamesAnotherClient(world, claims, client, [dependent])) return true;
  if (!JUDGED_ON_THE_SYSTEM_TOKEN.includes(dependent.requirement) || !requirementApplies(world.target, root)) return false;
  reportSystemTokenMisnamed(world, client, claims, dependent, `the system user's token itself does not mark it as the system (${describeClaims(claims)})`);
  return true;
}

/** REQ-ID-01's finding on `client`'s client-credentials token (`claims`), `dependent` explained by it; true when reported. */
function reportSystemTokenMisnamed(world: CtkWorld, client: ClientCredentials, claims: JWTPayload, dependent: { readonly requirement: string; readonly expected: string }, why: string): boolean {
  return !reportRootCause(
    world,
    { requirement: 'REQ-ID-01', expected: `client_id == sub == ${JSON.stringify(client.clientId)} in a client-credentials token of ${client.clientId} (seed 003: that is what marks a system user)`, observed: describeClaims(claims) },
    () => {
      expect(claims.client_id, 'client_id').to.equal(client.clientId);
      expect(claims.sub, 'sub').to.equal(claims.client_id);
    },
    [dependent],
    { why },
  );
}

/** Requirements whose verdict follows from what a customer's token says: judged only on one that names its customer. */
const JUDGED_ON_THE_HUMAN_TOKEN: readonly string[] = ['REQ-ID-03', 'REQ-ID-04', 'REQ-ID-10', 'REQ-ID-12', 'REQ-ID-15', 'REQ-ROT-06'];

/**
 * One cause, one finding: a human token that does not name its customer as sub, or whose client_id equals its sub
 * (seed 003: such a token reads as the system's), is REQ-ID-02's finding. What the gateway, the component and the
 * self-service interface do with it (the scenario's requirements among REQ-ID-03, -04, -10, -12, -15, REQ-ROT-06: the
 * owner is known by the token's sub) follows from the token, not
 * from them: they are not judged on it, and REQ-ID-02 reports it (the scenario stops there). True when the token
 * names its customer, or cannot be read (the scenario's own checks then judge on their own).
 */
export async function humanTokenNamesItsCustomer(world: CtkWorld, token: string, user: TestUser): Promise<boolean> {
  const dependents = world.requirementIds.filter((id) => JUDGED_ON_THE_HUMAN_TOKEN.includes(id));
  if (dependents.length === 0) return true;
  const read = await readClaims(world, token);
  if (!read) return true;
  const { claims } = read;
  return reportRootCause(
    world,
    {
      requirement: 'REQ-ID-02',
      expected: `a human token of ${user.username} whose sub is the customer ${JSON.stringify(user.customerId)} and whose client_id differs from its sub (seed 003)`,
      observed: `${describeClaims(claims)}${read.source === 'introspection' ? ' (read through the introspection endpoint)' : ''}`,
    },
    () => {
      expect(claims.sub, 'sub').to.equal(user.customerId);
      expect(claims.client_id, 'client_id must differ from sub').to.not.equal(claims.sub);
    },
    dependents.map((id) => ({ requirement: id, expected: `judged on a human token that names its customer: ${requirementById(id).title}` })),
    { why: `the human token of ${user.username} itself does not name the customer (${describeClaims(claims)}): what the gateway and the component do with it follows from the token` },
  );
}

/** Seed 000 / REQ-ID-03: a human is passed on as a human, the customer as subject. */
export function judgeHumanIdentityPassed(world: CtkWorld, requirement: string, exchange: Exchange, user: TestUser): Verdict {
  const echo = echoOrNotTestable(world, exchange);
  if (echo === 'skipped') return echo;
  const { identity } = echo;
  const expected = HUMAN_IDENTITY.expected(user);
  if (noIdentityAtAll(world, identity, { requirement, expected }, describeIdentity(identity))) return;
  check(world, {
    requirement,
    expected,
    observed: describeIdentity(identity),
  }, () => expectHumanIdentityOf(identity, user));
}

/** Seed 000 / REQ-ID-07: a system user is passed on as the system (its client id), not as a human. */
export async function judgeSystemIdentityPassed(world: CtkWorld, requirement: string, exchange: Exchange, client: ClientCredentials): Promise<Verdict> {
  const echo = echoOrNotTestable(world, exchange);
  if (echo === 'skipped') return echo;
  const { identity } = echo;
  const expected = `the component receives the system user as the system: subject ${client.clientId}${identity.clientId !== undefined ? ` and client id ${client.clientId}` : ''}, kind system where a kind is stated`;
  if (noIdentityAtAll(world, identity, { requirement, expected }, describeIdentity(identity))) return;
  if (identity.subject !== client.clientId && (await systemTokenMisnamed(world, exchange, client, { requirement, expected }))) return;
  if (!holds(() => expectSystemIdentityOf(identity, client)) && (await everySystemUserMisnamed(world, requirement, expected))) return;
  check(world, {
    requirement,
    expected,
    observed: describeIdentity(identity),
  }, () => expectSystemIdentityOf(identity, client));
}

/**
 * One cause, one finding: where the front end's system user (REQ-ID-16, seed 000) does not reach the component as
 * the system, and the run's ordinary system client does not either, the cause is common to every system user:
 * - the system client's own token does not mark it as the system (client_id == sub, seed 003): REQ-ID-01's finding
 *   (fault sub-not-client-id gives every client-credentials token another sub);
 * - its token is right but the gateway passes it on wrongly (fault forward-system-as-human: kind human for every
 *   client-credentials token): REQ-ID-07's finding.
 * Reported here, and REQ-ID-16 is not judged on it. Where the ordinary system client is passed on as the system, the
 * front end's own deviation is REQ-ID-16's (front-end-token-names-a-customer).
 */
async function everySystemUserMisnamed(world: CtkWorld, requirement: string, expected: string): Promise<boolean> {
  const system = world.target.clients.system;
  if (requirement !== 'REQ-ID-16' || !requirementApplies(world.target, 'REQ-ID-07')) return false;
  let token: string;
  try {
    token = await accessTokenFor(world, system);
  } catch {
    return false;
  }
  const claims = (await readClaims(world, token))?.claims;
  if (claims && (claims.client_id !== system.clientId || claims.sub !== system.clientId) && requirementApplies(world.target, 'REQ-ID-01')) {
    return reportSystemTokenMisnamed(world, system, claims, { requirement, expected }, `the run's system client's token does not mark it as the system either (${describeClaims(claims)}): the issuer's client-credentials tokens do not, the front end's among them`);
  }
  const echo = await callGateway(world, { route: 'identity echo', authorization: bearer(token), keepAsLast: false });
  const identity = readEcho(world.target, echo).identity;
  if (!identity || echo.response?.status !== 200 || holds(() => expectSystemIdentityOf(identity, system))) return false;
  return !reportRootCause(
    world,
    { requirement: 'REQ-ID-07', expected: `the component receives the system user as the system: subject ${system.clientId}, kind system where a kind is stated`, observed: `the identity echo, called with a token of ${system.clientId}: ${describeIdentity(identity)}` },
    () => expectSystemIdentityOf(identity, system),
    [{ requirement, expected }],
    { why: `the run's system client ${system.clientId} is not passed on as the system either (${describeIdentity(identity)}): the gateway passes system users on wrongly, the front end's among them` },
  );
}

/** Seed 000 / REQ-ID-06: subject and roles (scopes) of the token reach the component. */
export async function judgeSubjectReceived(world: CtkWorld, requirement: string, exchange: Exchange, token: string, client: ClientCredentials): Promise<Verdict> {
  const echo = echoOrNotTestable(world, exchange);
  if (echo === 'skipped') return echo;
  const subject = ((await readClaims(world, token))?.claims.sub as string | undefined) ?? client.clientId;
  check(world, { requirement, expected: `the component receives the caller's subject ${subject}`, observed: describeIdentity(echo.identity) }, () => {
    expect(echo.identity.present, 'an identity reached the component').to.equal(true);
    expect(echo.identity.subject, 'subject').to.equal(subject);
  });
}

export async function judgeRolesReceived(world: CtkWorld, requirement: string, exchange: Exchange, token: string): Promise<Verdict> {
  const echo = echoOrNotTestable(world, exchange);
  if (echo === 'skipped') return echo;
  const claims = (await readClaims(world, token))?.claims;
  if (!claims) return notTestable(world, 'the access token is not a JWT and no introspection reports it: the kit cannot tell which roles/scopes it carries', 'claim jwt-access-tokens for this target, or describe introspection (RFC 7662) for opaque tokens');
  const scopes = scopesOf(claims);
  const roles = rolesOf(claims);
  if (scopes.length === 0 && roles.length === 0) return notTestable(world, 'the access token carries neither scope nor roles', 'give the test client at least one scope');
  if (echo.identity.present && echo.identity.roles === undefined) {
    return notTestable(world, `the identity echo shows no list of roles or scopes (${describeIdentity(echo.identity)})`, 'name the roles/scopes lists in gateway.routes.identityEchoFormat.roles');
  }
  const received = echo.identity.roles ?? [];
  check(world, {
    requirement,
    expected: `the component receives the token's ${scopes.length ? `scopes ${JSON.stringify(scopes)}` : ''}${scopes.length && roles.length ? ' or its ' : ''}${roles.length ? `roles ${JSON.stringify(roles)}` : ''}`,
    observed: describeIdentity(echo.identity),
  }, () => {
    const hasAll = (wanted: string[]) => wanted.length > 0 && wanted.every((w) => received.includes(w));
    expect(hasAll(scopes) || hasAll(roles), 'the roles/scopes the component received').to.equal(true);
  });
}

/** REQ-ID-08: the caller's Authorization header stays at the gateway. */
export function judgeAuthorizationNotForwarded(world: CtkWorld, requirement: string, exchange: Exchange): Verdict {
  const echo = echoOrNotTestable(world, exchange);
  if (echo === 'skipped') return echo;
  if (echo.reading.authorizationReceived === undefined) {
    return notTestable(world, 'the identity echo does not say whether the component received an Authorization header', 'name that boolean in gateway.routes.identityEchoFormat.authorizationReceived');
  }
  check(world, {
    requirement,
    expected: 'the component does not receive the caller\'s Authorization header (the gateway passes an identity, not the caller\'s token)',
    observed: `the component received an Authorization header: ${echo.reading.authorizationReceived}`,
  }, () => expect(echo.reading.authorizationReceived).to.equal(false));
}

/**
 * REQ-ID-09: the forged identity headers changed nothing: the component sees the validated token's subject (its
 * sub claim, read from the JWT or through introspection, else `fallbackSubject`), never the forged one; none of the
 * roles the caller claimed (FORGED_ROLE, a role no identity system grants) among the roles it sees; and, where it
 * states a kind, the kind it sees for the same token WITHOUT forged headers (a control call): a customer who sends
 * kind "system" stays human. The control, not the token's own kind, is the yardstick: a gateway that passes every
 * token on with the wrong kind does so without any forgery too, and that is REQ-ID-03's or -07's one finding. A
 * component that received no identity at all cannot show whether the forgery would have passed (REQ-ID-06 judges
 * the missing identity).
 */
export async function judgeForgedIdentityIgnored(world: CtkWorld, requirement: string, exchange: Exchange, token: string, fallbackSubject: string): Promise<Verdict> {
  const echo = echoOrNotTestable(world, exchange);
  if (echo === 'skipped') return echo;
  const { identity } = echo;
  if (!identity.present) return notTestable(world, 'the component received no identity at all, so it cannot show which identity won', 'see REQ-ID-06');
  const subject = ((await readClaims(world, token))?.claims.sub as string | undefined) ?? fallbackSubject;
  // A kind the control does not show either came from the caller: a gateway that sets no kind header passed the forged one.
  const control = identity.rawKind !== undefined ? await identityWithoutForgery(world, exchange) : undefined;
  const roles = identity.roles === undefined ? ' (the echo shows no roles)' : '';
  check(world, {
    requirement,
    expected:
      `the component sees the validated token's identity (subject ${subject}${control ? `, kind ${control.rawKind ?? '(none)'} as for the same token without forged headers` : ''}), ` +
      `not the forged "${FORGED_SUBJECT}", kind system or role "${FORGED_ROLE}" the caller sent in identity headers${roles}`,
    observed: `${describeIdentity(identity)}${control ? `; the same token without forged headers: ${describeIdentity(control)}` : ''}`,
  }, () => {
    expect(identity.subject, 'subject').to.not.equal(FORGED_SUBJECT);
    expect(identity.clientId, 'client id').to.not.equal(FORGED_SUBJECT);
    expect(identity.subject, 'subject').to.equal(subject);
    expect(identity.roles ?? [], 'roles/scopes the component received').to.not.include(FORGED_ROLE);
    if (control) expect(identity.rawKind, 'kind').to.equal(control.rawKind);
  });
}

/** The identity echo called again with the same Authorization and no forged header: what the token alone gives. */
async function identityWithoutForgery(world: CtkWorld, forged: Exchange): Promise<ObservedIdentity | undefined> {
  const authorization = forged.request.headers?.authorization;
  if (typeof authorization !== 'string') return undefined;
  const control = await callGateway(world, { route: 'identity echo', authorization, keepAsLast: false });
  const identity = control.response?.status === 200 ? readEcho(world.target, control).identity : undefined;
  return identity?.present ? identity : undefined;
}

/**
 * One cause, one finding: a public route that gives a caller WITHOUT any credential an identity (a service account, a
 * default user) is REQ-ANON-02's finding (seed 004). The same identity given to a caller whose credential failed
 * (REQ-ANON-03) or who forged identity headers (REQ-ID-09) follows from it: those are not judged on that answer.
 * Called only once the dependent's answer showed somebody; the control is the public route without credentials. Only
 * where REQ-ANON-02 applies (the component shows the identity it got: identity-propagation); true when it explains.
 */
async function explainedByAnonymousNotNobody(world: CtkWorld, dependent: { readonly requirement: string; readonly expected: string }, seen: ObservedIdentity): Promise<boolean> {
  const root = 'REQ-ANON-02';
  if (dependent.requirement === root || applicability(world.target, [`@${root}`, '@requires-identity-propagation']).kind !== 'applicable') return false;
  const control = await callGateway(world, { route: 'public', keepAsLast: false });
  const identity = control.response?.status === 200 ? readPublicIdentity(world.target, control).identity : undefined;
  if (!identity || isAnonymous(identity) || identity.subject !== seen.subject) return false;
  reportRootCause(
    world,
    { requirement: root, expected: 'the component served the public route to an anonymous identity (no subject, kind anonymous where a kind is stated)', observed: `the public route without credentials: ${describeIdentity(identity)}` },
    () => expect(isAnonymous(identity), 'anonymous').to.equal(true),
    [dependent],
    { why: `a caller without any credential is served as ${describeIdentity(identity)} too` },
  );
  return true;
}

/**
 * REQ-ANON-01 as the root of a failed credential not served: the public route does not serve a caller without
 * credentials either (a 4xx other than 429, a 5xx, or no answer: a broken component behind it answers 500 to both).
 */
async function explainedByPublicRouteClosed(world: CtkWorld, dependent: { readonly requirement: string; readonly expected: string }): Promise<boolean> {
  const root = 'REQ-ANON-01';
  if (!requirementApplies(world.target, root)) return false;
  const control = await callGateway(world, { route: 'public', keepAsLast: false });
  const status = control.response?.status;
  // Not served: a refusal, a server error or no answer at all (a component behind the public route that answers 500).
  if (status === 429 || (status !== undefined && status < 300)) return false;
  reportRootCause(
    world,
    { requirement: root, expected: 'a 2xx answer: a public resource is open to an anonymous caller (seed 004)', observed: control },
    () => expect(status, 'status of the public route without credentials').to.be.within(200, 299),
    [dependent],
    { why: `the public route refuses a caller without any credential too (${describeOutcome(control)})` },
  );
  return true;
}

/** Seed 004: on the public route, the component served an anonymous caller (REQ-ANON-02, REQ-ID-09). */
export async function judgeServedAnonymously(world: CtkWorld, requirement: string, exchange: Exchange): Promise<Verdict> {
  if (exchange.response?.status !== 200) {
    return notTestable(world, `the public route did not serve the request (${describeOutcome(exchange)}), so the identity it got cannot be seen`, 'check gateway.routes.public (REQ-ANON-01 judges whether it is served)');
  }
  const reading = readPublicIdentity(world.target, exchange);
  if (!reading.identity) return notTestable(world, reading.unreadable ?? 'the public route shows no identity', 'name it in gateway.routes.identityEchoFormat.publicIdentity');
  const identity = reading.identity;
  const expected = `the component served the public route to an anonymous identity (no subject, kind anonymous where a kind is stated, no forged role "${FORGED_ROLE}")`;
  if (!isAnonymous(identity) && identity.subject !== FORGED_SUBJECT && (await explainedByAnonymousNotNobody(world, { requirement, expected }, identity))) return;
  check(world, {
    requirement,
    expected,
    observed: describeIdentity(identity),
  }, () => {
    expect(isAnonymous(identity), 'anonymous').to.equal(true);
    expect(identity.subject ?? '', 'subject').to.not.equal(FORGED_SUBJECT);
    expect(identity.roles ?? [], 'roles/scopes the component received').to.not.include(FORGED_ROLE);
  });
}

/**
 * REQ-ANON-03 (judged only for targets claiming anonymous-fallback): a failed credential on a public route is served
 * to the caller as anonymous (seed 004). Refused, served with a non-anonymous identity, or a server error, is not.
 */
export async function judgeFailedCredentialOnPublicRoute(world: CtkWorld, requirement: string, exchange: Exchange): Promise<Verdict> {
  const status = exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) {
    const reading = readPublicIdentity(world.target, exchange);
    if (!reading.identity) {
      return notTestable(world, `the public route served the request but shows no identity (${reading.unreadable}), so whether it was anonymous cannot be seen`, 'name it in gateway.routes.identityEchoFormat.publicIdentity');
    }
    const identity = reading.identity;
    const dependent = { requirement, expected: 'served to an anonymous identity (seed 004)' };
    if (!isAnonymous(identity) && ((await explainedByAnonymousNotNobody(world, dependent, identity)) || (await acceptedBadToken(world, dependent, exchange)))) return;
    check(world, { requirement, expected: 'served to an anonymous identity (seed 004)', observed: `${describeOutcome(exchange)}; identity: ${describeIdentity(identity)}` }, () =>
      expect(isAnonymous(identity), 'the caller was served as somebody').to.equal(true),
    );
    return;
  }
  // Seed 004: the failed authentication leaves an anonymous caller, who is served the public resource. A refusal
  // (RFC 6750 §3.1 alone would allow it) breaks the fallback the target claims — unless the public route refuses a
  // caller without any credential too: that is REQ-ANON-01's one finding (one cause, one finding).
  const notServed = status !== 429 && !(status !== undefined && status >= 200 && status < 300);
  if (notServed && (await explainedByPublicRouteClosed(world, { requirement, expected: 'the public resource served to the caller as anonymous (seed 004)' }))) return;
  check(world, { requirement, expected: 'the public resource served to the caller as anonymous (seed 004: a failed authentication gives an anonymous-equivalent identity), not a refusal', observed: describeOutcome(exchange) }, () =>
    expect(status !== undefined && status >= 200 && status < 300, 'served').to.equal(true),
  );
}

/**
 * The gateway-wide positive control of the customer-data checks: a gateway that serves no valid token on its
 * protected route fails REQ-BEARER-01 once; whether it serves or refuses customer data then says nothing more.
 */
const gatewayServes = (world: CtkWorld, requirement: string, expected: string): Promise<boolean> => underControl(world, 'protected', [requirement], expected);

/**
 * REQ-ID-04/05: the owner's (or, for a system user, any) customer's records are served, and nobody else's. A 2xx
 * that names no customer at all shows nothing about whose records were served: not judged, never a pass.
 */
export async function judgeCustomerDataServed(world: CtkWorld, requirement: string, exchange: Exchange, owner: TestUser, who: string, caller?: Caller): Promise<Verdict> {
  const outcome = customerDataOutcome(exchange);
  const expected = `2xx with the records of ${owner.customerId} and of no other customer, for ${who}`;
  if (!(await gatewayServes(world, requirement, expected))) return;
  if (outcome.kind === 'served' && outcome.customers.length === 0) {
    couldNotJudge(world, { requirement, expected, why: `${describeOutcome(exchange)}, but the answer names no customer (customerId / customer_id), so whose records were served cannot be seen` });
    return;
  }
  if (outcome.kind !== 'served' && (await wrongIdentityBehindCustomerData(world, exchange, { requirement, expected }, caller))) return;
  check(world, {
    requirement,
    expected,
    observed: `${describeOutcome(exchange)}${outcome.kind === 'served' ? `; customers in the answer: ${JSON.stringify(outcome.customers)}` : ''}`,
  }, () => {
    expect(outcome.kind, 'served').to.equal('served');
    if (outcome.kind === 'served') for (const id of outcome.customers) expect(id, 'customer in the answer').to.equal(owner.customerId);
  });
}

/**
 * The positive control of a refusal on the customer-data route: the same token (the refused request's Authorization
 * header) asks for its own customer's records there. Undefined where they are served (a 2xx), else what came back.
 */
async function ownCustomerDataControl(world: CtkWorld, refused: Exchange, own: TestUser): Promise<string | undefined> {
  const authorization = refused.request.headers?.authorization;
  if (typeof authorization !== 'string') return 'the refused request carried no Authorization header to repeat';
  const control = await callGateway(world, { route: 'customer data', customerId: own.customerId, authorization, keepAsLast: false });
  return customerDataOutcome(control).kind === 'served' ? undefined : describeOutcome(control);
}

/**
 * REQ-ID-04: another customer's records are refused (403, or 404 hiding the customer) and none of them shown. A
 * refusal proves something only from a route that serves the same token its own customer's records: one that refuses
 * every customer everything would pass. So a refusal is judged after that positive control, in the same scenario
 * (the same Authorization header, the caller's own customer, on the customer-data route); where the own records are
 * not served the refusal is not judged (could-not-judge, with the control's answer): REQ-ID-04's scenarios that
 * read the customer's own data report that miss. Any answer that serves the other customer fails on its own.
 */
export async function judgeCustomerDataRefused(world: CtkWorld, requirement: string, exchange: Exchange, other: TestUser, who: string, caller: { readonly human: TestUser }): Promise<Verdict> {
  const outcome = customerDataOutcome(exchange);
  if (!(await gatewayServes(world, requirement, `the records of ${other.customerId} refused to ${who}`))) return;
  const expected = `the records of ${other.customerId} are refused to ${who} (403, or 404 hiding the customer): seed 003, a customer may only do what that customer may`;
  if (outcome.kind === 'served' && (await wrongIdentityBehindCustomerData(world, exchange, { requirement, expected }, caller))) return;
  if (outcome.kind === 'refused') {
    const own = await ownCustomerDataControl(world, exchange, caller.human);
    if (own !== undefined) {
      couldNotJudge(world, {
        requirement,
        expected,
        why: `the positive control failed: the same token's request for its own customer's records (${caller.human.customerId}) on the customer-data route was not served (${own}), so the refusal of ${other.customerId}'s proves nothing; the scenarios where the customer reads its own data judge that`,
      });
      return;
    }
  }
  check(world, {
    requirement,
    expected,
    observed: describeOutcome(exchange),
  }, () => expect(outcome.kind, 'refused with a 4xx (a 5xx or no answer is no refusal)').to.equal('refused'));
}
