/**
 * The judgements of the bearer-error features, each one check() against one requirement. The requirement is the
 * caller's (a step picks it from the scenario's tags): the same observation serves several clauses, graded by
 * each clause's own level. Messages say what a conforming gateway does and what this one did, never a token.
 *
 * A refusal is an HTTP refusal (4xx): no answer, a reset or a 5xx never counts as one. And every refusal judge
 * first runs the route's positive control (positive-control.ts): where the route does not serve a valid request
 * either, the refusal proves nothing and the judge records "could not judge" instead of a pass.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check, checkInPassing, couldNotJudge, doesNotApply, explainedBy, reportRootCause } from '../verdict/check.ts';
import { controlRoute, underControl } from './positive-control.ts';
import { explainedByIssuerDefect } from '../jwt/issued-token-defect.ts';
import { requirementApplies } from '../target/applicability.ts';
import { isTagged } from '../oauth/scenario.ts';
import { challengeProblems, describeReading, errorCodeOf, param, readChallenge, type ChallengeReading } from './bearer-challenge.ts';
import { callGateway, isClientError, isSuccess, statusOf } from './gateway-client.ts';

/**
 * Runs `judge` only when the route of the judged request serves a valid request in this scenario; otherwise records
 * that `requirement` could not be judged, with what the control got. Returns whether the judge ran.
 */
async function controlled(world: CtkWorld, requirement: string | readonly string[], expected: string, judge: () => unknown): Promise<boolean> {
  const judged = typeof requirement === 'string' ? [requirement] : requirement;
  if (!(await underControl(world, world.lastGatewayRoute ?? 'protected', judged, expected))) return false;
  await judge();
  return true;
}

/** The requirement a protected route that serves a request without any credentials breaks (RFC 6749 §7, seed 004). */
const UNPROTECTED_ROOT = 'REQ-ANON-04';

/**
 * One cause, one finding (support/verdict/check.ts explainedBy). A request that should have been refused was served
 * (2xx): a bad token, a malformed header, a token in the wrong place, a token without the scope. Where the same route
 * serves a request carrying no credentials at all, the route validates no access token, and that is REQ-ANON-04's one
 * finding (RFC 6749 §7: the resource server MUST validate the token); the requirement judging this answer is not
 * judged on it. The probe is sent only after such a 2xx, so a gateway that refuses never sees it; where the route
 * refuses the probe, the admission is the judged requirement's own finding (a gateway that checks the signature but
 * not exp). Returns true when it reported (then the scenario stops at REQ-ANON-04, a MUST).
 */
export async function servedWithoutAnyCredentials(world: CtkWorld, requirement: string | readonly string[], exchange: Exchange, expected: string): Promise<boolean> {
  const dependents = (typeof requirement === 'string' ? [requirement] : requirement).filter((id) => id !== UNPROTECTED_ROOT);
  if (!isSuccess(exchange) || dependents.length === 0) return false;
  const judged = world.lastGatewayRoute ?? 'protected';
  if (judged === 'public' || !requirementApplies(world.target, UNPROTECTED_ROOT)) return false;
  const route = controlRoute(world, judged);
  const probe = await callGateway(world, { route, keepAsLast: false });
  if (!isSuccess(probe)) return false;
  reportRootCause(
    world,
    { requirement: UNPROTECTED_ROOT, expected: `a request without any credentials is refused on the ${route} route`, observed: `${probe.request.method} ${route} route without credentials: ${outcome(probe)}` },
    () => expect(isSuccess(probe), 'served without any credentials').to.equal(false),
    dependents.map((id) => ({ requirement: id, expected })),
    { why: `the ${route} route serves a request without any credentials too (${describeOutcome(probe)}): it validates no access token` },
  );
  return true;
}

/** The requirement that a bad token never reaches a protected resource (RFC 6749 §7, RFC 9068 §4). */
const BAD_TOKEN_ROOT = 'REQ-BEARER-04';

/**
 * One cause, one finding: a failed credential (a tampered signature, an unknown kid) that was SERVED as somebody on
 * the public route (REQ-ANON-03) or reached customer data (REQ-ANON-04) is, where the protected route admits the same
 * credential too, the gateway's acceptance of a bad token: REQ-BEARER-04's finding (the gateway MUST validate the
 * token). The probe is the protected route with the same Authorization, sent only after such an answer. True when it
 * reported (the scenario stops at REQ-BEARER-04, a MUST).
 */
export async function acceptedBadToken(world: CtkWorld, dependent: { readonly requirement: string; readonly expected: string }, exchange: Exchange): Promise<boolean> {
  const authorization = exchange.request.headers?.authorization;
  if (typeof authorization !== 'string' || !isSuccess(exchange) || dependent.requirement === BAD_TOKEN_ROOT) return false;
  if (!requirementApplies(world.target, BAD_TOKEN_ROOT)) return false;
  const probe = await callGateway(world, { route: 'protected', authorization, keepAsLast: false });
  if (!isSuccess(probe)) return false;
  // A protected route that serves a request without any credentials validates nothing: REQ-ANON-04's root, not this
  // one, and it explains the dependent too (a gateway with its authentication switched off, gateway-validates-nothing).
  const bare = await callGateway(world, { route: 'protected', keepAsLast: false });
  if (isSuccess(bare)) {
    if (dependent.requirement === UNPROTECTED_ROOT || !requirementApplies(world.target, UNPROTECTED_ROOT)) return false;
    reportRootCause(
      world,
      { requirement: UNPROTECTED_ROOT, expected: 'a request without any credentials is refused on the protected route', observed: `${bare.request.method} protected route without credentials: ${outcome(bare)}` },
      () => expect(isSuccess(bare), 'served without any credentials').to.equal(false),
      [dependent],
      { why: `the protected route admits the same credential, and a request without any credentials too (${describeOutcome(bare)}): it validates no access token` },
    );
    return true;
  }
  reportRootCause(
    world,
    { requirement: BAD_TOKEN_ROOT, expected: 'a request with a failed credential never reaches the protected resource', observed: `the protected route with the same credential: ${outcome(probe)}` },
    () => expect(isSuccess(probe), 'the gateway let the failed credential through').to.equal(false),
    [dependent],
    { why: `the protected route admits the same credential (${describeOutcome(probe)}): the gateway accepts a token it should have refused` },
  );
  return true;
}

/** describeOutcome, plus what is missing from a refusal's challenge (describeOutcome shows only what is there). */
const outcome = (exchange: Exchange): string => {
  const reading = readChallenge(exchange);
  const base = describeOutcome(exchange);
  const refused = (statusOf(exchange) ?? 0) >= 400;
  return refused && !reading.bearer ? `${base} (${describeReading(reading)})` : base;
};

/**
 * A valid request served (2xx). REQ-BEARER-01 is itself the control of every refusal on the route; any other
 * requirement judged this way (REQ-BEARER-09: the scheme's letter case) varies one thing of a valid request, and is
 * judged only where the canonical request is served.
 */
export async function judgeReached(world: CtkWorld, requirement: string, exchange: Exchange, why: string): Promise<void> {
  const expected = `a 2xx answer from the resource (${why})`;
  const judge = () =>
    check(world, { requirement, expected, observed: outcome(exchange) }, () => expect(isSuccess(exchange), 'the request did not reach the resource').to.equal(true));
  if (requirement === 'REQ-BEARER-01') {
    // A token the issuer got wrong (RFC 9068 §4: typ, iss, signature, aud) is the issuer's finding, not the gateway's.
    if (!(await explainedByIssuerDefect(world, requirement, exchange, expected))) judge();
  } else {
    // The negative control: a route that serves a request without any credentials serves "bearer <token>" whatever it
    // makes of the scheme, so the 2xx says nothing about it; REQ-ANON-04 reports the route (servedWithoutAnyCredentials).
    await controlled(world, requirement, expected, async () => (await servedWithoutAnyCredentials(world, requirement, exchange, expected)) || judge());
  }
}

/**
 * A 401 without a Bearer challenge is ONE deviation, RFC 9110 §15.5.2's with RFC 6750 §3 (REQ-BEARER-13), wherever
 * it shows. A judge that reads the challenge of a 401 (its scheme for REQ-BEARER-02, its error code for
 * REQ-BEARER-05) reports it under REQ-BEARER-13 and does not judge its own requirement on it (one cause, one
 * finding; its own requirement is "not judged" there, never passed). The scenario's other checks go on: a gateway
 * that refused a forged token without a challenge still refused it (REQ-BEARER-04). Returns true when it reported.
 */
export function missingChallengeOf401(world: CtkWorld, exchange: Exchange, requirement: string, expected: string): boolean {
  const reading = readChallenge(exchange);
  if (statusOf(exchange) !== 401 || reading.bearer) return false;
  checkInPassing(world, { requirement: 'REQ-BEARER-13', expected: 'the 401 carries WWW-Authenticate with a Bearer challenge', observed: outcome(exchange) }, () =>
    expect(reading.bearer, describeReading(reading)).to.not.equal(undefined),
  );
  couldNotJudge(world, { requirement, expected, why: `the 401 carries no Bearer challenge (${describeReading(reading)}): reported once, as REQ-BEARER-13` });
  return true;
}

/**
 * A bad token (or a request without one) answered with a 5xx, or with no answer at all, is ONE deviation: RFC 9110
 * §15.6's, REQ-BEARER-12 ("never
 * a 5xx"). It is neither an admission nor a refusal, so the judge of the token's refusal (REQ-BEARER-04, -10, -17)
 * does not report it a second time as "let through": it records REQ-BEARER-12's finding (in passing where the
 * scenario does not judge REQ-BEARER-12 itself) and is not judged on that answer. Returns true when it reported.
 */
export function serverErrorForBadToken(world: CtkWorld, exchange: Exchange, requirement: string | readonly string[], expected: string): boolean {
  const status = statusOf(exchange);
  if (status !== undefined && status < 500) return false;
  const noServerError = { requirement: 'REQ-BEARER-12', expected: 'a 4xx refusal of a bad token, never a 5xx or no answer', observed: outcome(exchange) };
  const assertion = () => {
    expect(status, 'an HTTP answer').to.not.equal(undefined);
    expect(status!, 'the gateway answered with a server error').to.be.below(500);
  };
  for (const id of typeof requirement === 'string' ? [requirement] : requirement) {
    couldNotJudge(world, { requirement: id, expected, why: `neither served nor refused (${outcome(exchange)}): reported once, as REQ-BEARER-12` });
  }
  if (isTagged(world, 'REQ-BEARER-12')) check(world, noServerError, assertion);
  else checkInPassing(world, noServerError, assertion);
  return true;
}

/** Not served, and refused: a 4xx. A reset, no answer or a 5xx serves nothing, but it is no conforming refusal. */
export async function judgeNotReached(world: CtkWorld, requirement: string, exchange: Exchange, why: string): Promise<void> {
  const expected = `the request is refused with a 4xx and never reaches the resource (${why})`;
  await controlled(world, requirement, expected, async () => {
    if (await servedWithoutAnyCredentials(world, requirement, exchange, expected)) return;
    if (requirement === UNPROTECTED_ROOT && (await acceptedBadToken(world, { requirement, expected }, exchange))) return;
    // A 5xx to a bad token, or to none (an anonymous caller, REQ-ANON-04: fault no-credentials-server-error failed it
    // beside REQ-BEARER-12), serves nothing and refuses nothing: REQ-BEARER-12's one finding.
    if ((BAD_TOKEN_REFUSALS.includes(requirement) || requirement === UNPROTECTED_ROOT) && serverErrorForBadToken(world, exchange, requirement, expected)) return;
    check(world, { requirement, expected, observed: outcome(exchange) }, () => {
      expect(isSuccess(exchange), 'the gateway let the request through').to.equal(false);
      expect(isClientError(exchange), 'an HTTP refusal (4xx)').to.equal(true);
    });
  });
}

/** The refusals of a bad token, whose 5xx is REQ-BEARER-12's finding (serverErrorForBadToken). */
export const BAD_TOKEN_REFUSALS: readonly string[] = ['REQ-BEARER-04', 'REQ-BEARER-10', 'REQ-BEARER-17', 'REQ-BEARER-18', 'REQ-BEARER-19'];

export async function judgeRefusedWithBearerChallenge(world: CtkWorld, requirement: string, exchange: Exchange, why: string): Promise<void> {
  const reading = readChallenge(exchange);
  const expected = `a 4xx refusal carrying WWW-Authenticate with a Bearer challenge (${why})`;
  await controlled(world, requirement, expected, async () => {
    if (await servedWithoutAnyCredentials(world, requirement, exchange, expected)) return;
    if (missingChallengeOf401(world, exchange, requirement, expected)) return;
    if (serverErrorForBadToken(world, exchange, requirement, expected)) return;
    check(world, { requirement, expected, observed: outcome(exchange) }, () => {
      expect(isSuccess(exchange), 'the gateway let the request through').to.equal(false);
      expect(isClientError(exchange), 'an HTTP refusal (4xx)').to.equal(true);
      expect(reading.bearer, describeReading(reading)).to.not.equal(undefined);
    });
  });
}

export async function judgeStatus(world: CtkWorld, requirement: string, exchange: Exchange, status: number, why: string): Promise<void> {
  const expected = `HTTP ${status} (${why})`;
  const judge = () => check(world, { requirement, expected, observed: outcome(exchange) }, () => expect(statusOf(exchange)).to.equal(status));
  if (status < 400) judge();
  else
    await controlled(world, requirement, expected, async () => {
      if (await servedWithoutAnyCredentials(world, requirement, exchange, expected)) return;
      // A 5xx (or no answer) is no refusal at all: REQ-BEARER-12's one finding, not a wrong status too.
      if (serverErrorForBadToken(world, exchange, requirement, expected)) return;
      judge();
    });
}

/** Status and the challenge's error code, as RFC 6750 §3.1 pairs them. */
export async function judgeBearerError(world: CtkWorld, requirement: string, exchange: Exchange, status: number, error: string, why: string): Promise<void> {
  const reading = readChallenge(exchange);
  const expected = `${status} with WWW-Authenticate: Bearer error="${error}" (${why})`;
  const judged = requirement === 'REQ-BEARER-05' ? withTokenChallenge(world, [requirement]) : [requirement];
  await controlled(world, judged, expected, async () => {
    if (await servedWithoutAnyCredentials(world, judged, exchange, expected)) return;
    // Where a 401 is the answer asked for, its missing challenge is REQ-BEARER-13's finding, and a 5xx for the bad token
    // REQ-BEARER-12's: not a second one here.
    if (requirement === 'REQ-BEARER-05' && serverErrorForBadToken(world, exchange, judged, expected)) return;
    const assertion = (read: ChallengeReading) => {
      expect(statusOf(exchange)).to.equal(status);
      expect(errorCodeOf(read), describeReading(read)).to.equal(error);
    };
    // An invalid token is one that does not enable access: its challenge is RFC 6750 §3's MUST (REQ-BEARER-20).
    if (requirement === 'REQ-BEARER-05') return judgeTokenRefusal(world, exchange, { requirement, status, expected, situation: why, assertion });
    if (status === 401 && missingChallengeOf401(world, exchange, requirement, expected)) return;
    check(world, { requirement, expected, observed: outcome(exchange) }, () => assertion(reading));
  });
}

/** RFC 6750 §3: the refusal of a token that does not enable access MUST carry a Bearer challenge, whatever its status. */
export const TOKEN_REFUSAL_CHALLENGE = 'REQ-BEARER-20';

/** The requirements a judge of a token's refusal records: its own, and REQ-BEARER-20 where the scenario judges it. */
export const withTokenChallenge = (world: CtkWorld, requirements: readonly string[]): string[] =>
  isTagged(world, TOKEN_REFUSAL_CHALLENGE) ? [...requirements, TOKEN_REFUSAL_CHALLENGE] : [...requirements];

/** RFC 6750 §3.1's SHOULD for one refused token: REQ-BEARER-05 (401 invalid_token) or REQ-BEARER-07 (403 insufficient_scope). */
export interface TokenRefusalClause {
  readonly requirement: string;
  /** The status §3.1 pairs with the error code. */
  readonly status: number;
  readonly expected: string;
  /** What was refused, for REQ-BEARER-20's expectation: "a JWT with a tampered signature". */
  readonly situation: string;
  /** The clause in full, on an answer that carries a Bearer challenge: status, error code, and anything else it asks. */
  readonly assertion: (reading: ChallengeReading) => void;
}

/**
 * The refusal of an access token that does not enable access (RFC 6750 §3), judged clause by clause on one answer:
 * the challenge (MUST) and `clause`'s status and error code (SHOULD, §3.1). The caller has run the route's positive
 * control and dealt with an admission (REQ-BEARER-04/-08, MUST) and, for a bad token, a 5xx (REQ-BEARER-12).
 *
 * One cause, one finding. A refusal without a Bearer challenge lacks its error code with it: that is the missing
 * challenge's finding, not the clause's — REQ-BEARER-13's on a 401 (RFC 9110 §15.5.2), REQ-BEARER-20's on any other
 * 4xx — recorded in passing where the scenario does not judge it. Left to the clause is its status alone: a 403 for
 * an invalid token is a warning of its own (two clauses, as REQ-BEARER-16 beside REQ-BEARER-02); the right status
 * without a challenge is not judged. A refusal with a challenge is judged in full, and REQ-BEARER-20 holds. The
 * missing challenge (a MUST) is recorded in passing: the run fails on it, and the scenario's other requirements, judged
 * before it on the same answer, keep their verdicts.
 */
export function judgeTokenRefusal(world: CtkWorld, exchange: Exchange, clause: TokenRefusalClause): void {
  const reading = readChallenge(exchange);
  const status = statusOf(exchange);
  const judgesChallenge = isTagged(world, TOKEN_REFUSAL_CHALLENGE);
  const challenge = { requirement: TOKEN_REFUSAL_CHALLENGE, expected: `a refusal carrying WWW-Authenticate with a Bearer challenge (${clause.situation}: an access token that does not enable access)`, observed: outcome(exchange) };
  const judgeClause = () => check(world, { requirement: clause.requirement, expected: clause.expected, observed: outcome(exchange) }, () => clause.assertion(reading));
  if (!isClientError(exchange)) {
    // No refusal: a 2xx is REQ-BEARER-04/-08's finding, a 5xx or no answer REQ-BEARER-12's; no challenge is asked of it.
    if (judgesChallenge) couldNotJudge(world, { ...challenge, why: `no refusal to examine (${outcome(exchange)}): an admission is REQ-BEARER-04/-08's finding, a 5xx or no answer REQ-BEARER-12's` });
    judgeClause();
    return;
  }
  if (reading.bearer) {
    judgeClause();
    if (judgesChallenge) check(world, challenge, () => expect(reading.bearer, describeReading(reading)).to.not.equal(undefined));
    return;
  }
  const root = status === 401 ? 'REQ-BEARER-13' : TOKEN_REFUSAL_CHALLENGE;
  const why = `the ${status} carries no Bearer challenge (${describeReading(reading)}), so no error code either`;
  if (status === clause.status) explainedBy(world, { requirement: clause.requirement, expected: clause.expected, root, why });
  else {
    check(world, { requirement: clause.requirement, expected: `HTTP ${clause.status} (the missing Bearer challenge, and its error code with it, is ${root}'s finding)`, observed: outcome(exchange) }, () =>
      expect(status, 'status').to.equal(clause.status),
    );
  }
  if (root === 'REQ-BEARER-13') {
    checkInPassing(world, { requirement: root, expected: 'the 401 carries WWW-Authenticate with a Bearer challenge', observed: outcome(exchange) }, () =>
      expect(reading.bearer, describeReading(reading)).to.not.equal(undefined),
    );
    if (judgesChallenge) explainedBy(world, { ...challenge, root, why: `a 401 without a Bearer challenge (${describeReading(reading)})` });
    return;
  }
  // Recorded without stopping the scenario, as REQ-BEARER-13's missing challenge is (missingChallengeOf401): it is the
  // refusal's last clause, and the ones judged before it on the same answer (the token refused at all, REQ-BEARER-04
  // or -08; no 5xx, REQ-BEARER-12) still stand — a stopped scenario would leave them "not judged".
  checkInPassing(world, challenge, () => expect(reading.bearer, describeReading(reading)).to.not.equal(undefined));
}

/**
 * RFC 6750 §3.1: no error, error_description or error_uri when the request had no (Bearer) credentials. Judged on
 * a 4xx Bearer challenge; without one there is no challenge to examine (REQ-BEARER-13 judges that it is missing on a 401).
 */
export async function judgeNoErrorInformation(world: CtkWorld, requirement: string, exchange: Exchange): Promise<void> {
  const reading = readChallenge(exchange);
  const expected = 'a Bearer challenge without error, error_description or error_uri: the request carried no Bearer credentials';
  await controlled(world, requirement, expected, () => {
    if (!isClientError(exchange) || !reading.bearer) {
      couldNotJudge(world, { requirement, expected, why: `no 4xx Bearer challenge to examine (${outcome(exchange)}); REQ-BEARER-13 judges its absence on a 401, REQ-BEARER-02 on another refusal` });
      return;
    }
    const present = ['error', 'error_description', 'error_uri'].filter((name) => param(reading.bearer!, name) !== undefined);
    check(world, { requirement, expected, observed: `${outcome(exchange)}${present.length ? `; error information: ${present.join(', ')}` : ''}` }, () =>
      expect(present, 'error information in the challenge').to.deep.equal([]),
    );
  });
}

/** A 4xx, never a 5xx, and never no answer at all: a reset is no refusal either. */
export async function judgeNoServerError(world: CtkWorld, requirement: string, exchange: Exchange, why: string): Promise<void> {
  const expected = `a 4xx refusal, never a 5xx or no answer (${why})`;
  await controlled(world, requirement, expected, () =>
    check(world, { requirement, expected, observed: outcome(exchange) }, () => {
      expect(statusOf(exchange), 'an HTTP answer').to.not.equal(undefined);
      expect(statusOf(exchange)!, 'the gateway answered with a server error').to.be.below(500);
    }),
  );
}

/** RFC 9110 §15.5.2: a 401 MUST carry a challenge; other statuses are not this check's business. */
export async function judge401CarriesChallenge(world: CtkWorld, requirement: string, exchange: Exchange): Promise<void> {
  const reading = readChallenge(exchange);
  const expected = 'the 401 carries WWW-Authenticate with a Bearer challenge';
  await controlled(world, requirement, expected, () => {
    if (statusOf(exchange) !== 401) {
      doesNotApply(world, { requirement, expected, why: `the answer is not a 401 (${describeOutcome(exchange)}), so there is no 401 to judge here` });
      return;
    }
    check(world, { requirement, expected, observed: outcome(exchange) }, () => expect(reading.bearer, describeReading(reading)).to.not.equal(undefined));
  });
}

export async function judgeChallengeHasParameter(world: CtkWorld, requirement: string, exchange: Exchange): Promise<void> {
  const reading = readChallenge(exchange);
  const expected = 'a Bearer challenge followed by at least one auth-param, e.g. Bearer realm="api"';
  await controlled(world, requirement, expected, () => {
    if (!reading.bearer) {
      couldNotJudge(world, { requirement, expected, why: `no Bearer challenge to judge (${describeReading(reading)}); its absence is judged by REQ-BEARER-02/13` });
      return;
    }
    check(world, { requirement, expected, observed: describeReading(reading) }, () => expect(reading.bearer!.params.length, 'auth-params').to.be.greaterThan(0));
  });
}

export async function judgeWellFormedChallenge(world: CtkWorld, requirement: string, exchange: Exchange): Promise<void> {
  const reading = readChallenge(exchange);
  const expected = 'a WWW-Authenticate value that follows RFC 9110 §11.2 and RFC 6750 §3';
  await controlled(world, requirement, expected, () => {
    if (reading.lines.length === 0) {
      couldNotJudge(world, { requirement, expected, why: `the answer has no WWW-Authenticate header (${describeOutcome(exchange)}); whether it needs one is judged by REQ-BEARER-02/13` });
      return;
    }
    const problems = challengeProblems(reading);
    check(world, { requirement, expected, observed: `${describeReading(reading)}; ${problems.length} problem(s): ${problems.join('; ')}` }, () =>
      expect(problems).to.deep.equal([]),
    );
  });
}

/** RFC 6750 §3.1: insufficient_scope, 403, and a scope attribute (MAY) that — when sent — names the scope needed. */
export async function judgeInsufficientScope(world: CtkWorld, requirement: string, exchange: Exchange, scope: string): Promise<void> {
  const expected = `403 with WWW-Authenticate: Bearer error="insufficient_scope" (a scope attribute, if any, naming "${scope}")`;
  const judged = withTokenChallenge(world, [requirement]);
  await controlled(world, judged, expected, async () => {
    if (await servedWithoutAnyCredentials(world, judged, exchange, expected)) return;
    // A token without the route's scope does not enable access (RFC 6750 §3): its challenge is REQ-BEARER-20's MUST.
    judgeTokenRefusal(world, exchange, {
      requirement,
      status: 403,
      expected,
      situation: `a valid token without the scope "${scope}" the route needs`,
      assertion: (reading) => {
        const advertised = reading.bearer ? param(reading.bearer, 'scope') : undefined;
        expect(statusOf(exchange)).to.equal(403);
        expect(errorCodeOf(reading), describeReading(reading)).to.equal('insufficient_scope');
        if (advertised !== undefined) expect(advertised.split(' '), 'scope attribute').to.include(scope);
      },
    });
  });
}
