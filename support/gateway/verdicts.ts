/**
 * The judgements of the bearer-error features, each one check() against one requirement. The requirement is the
 * caller's (a step picks it from the scenario's tags): the same observation serves several clauses, graded by
 * each clause's own level. Messages say what a conforming gateway does and what this one did, never a token.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { check } from '../verdict/check.ts';
import { challengeProblems, describeReading, errorCodeOf, param, readChallenge } from './bearer-challenge.ts';
import { isServerError, isSuccess, statusOf } from './gateway-client.ts';

/** describeOutcome, plus what is missing from a refusal's challenge (describeOutcome shows only what is there). */
const outcome = (exchange: Exchange): string => {
  const reading = readChallenge(exchange);
  const base = describeOutcome(exchange);
  const refused = (statusOf(exchange) ?? 0) >= 400;
  return refused && !reading.bearer ? `${base} (${describeReading(reading)})` : base;
};

export function judgeReached(world: CtkWorld, requirement: string, exchange: Exchange, why: string): void {
  check(world, { requirement, expected: `a 2xx answer from the resource (${why})`, observed: outcome(exchange) }, () =>
    expect(isSuccess(exchange), 'the request did not reach the resource').to.equal(true),
  );
}

/** Not served: any answer but 2xx (a transport error or a redirect to a login page serve nothing either). */
export function judgeNotReached(world: CtkWorld, requirement: string, exchange: Exchange, why: string): void {
  check(world, { requirement, expected: `the request is refused and never reaches the resource (${why}): no 2xx`, observed: outcome(exchange) }, () =>
    expect(isSuccess(exchange), 'the gateway let the request through').to.equal(false),
  );
}

export function judgeRefusedWithBearerChallenge(world: CtkWorld, requirement: string, exchange: Exchange, why: string): void {
  const reading = readChallenge(exchange);
  check(world, { requirement, expected: `a refusal carrying WWW-Authenticate with a Bearer challenge (${why})`, observed: outcome(exchange) }, () => {
    expect(isSuccess(exchange), 'the gateway let the request through').to.equal(false);
    expect(reading.bearer, describeReading(reading)).to.not.equal(undefined);
  });
}

export function judgeStatus(world: CtkWorld, requirement: string, exchange: Exchange, status: number, why: string): void {
  check(world, { requirement, expected: `HTTP ${status} (${why})`, observed: outcome(exchange) }, () => expect(statusOf(exchange)).to.equal(status));
}

/** Status and the challenge's error code, as RFC 6750 §3.1 pairs them. */
export function judgeBearerError(world: CtkWorld, requirement: string, exchange: Exchange, status: number, error: string, why: string): void {
  const reading = readChallenge(exchange);
  check(world, { requirement, expected: `${status} with WWW-Authenticate: Bearer error="${error}" (${why})`, observed: outcome(exchange) }, () => {
    expect(statusOf(exchange)).to.equal(status);
    expect(errorCodeOf(reading), describeReading(reading)).to.equal(error);
  });
}

/** RFC 6750 §3.1: no error, error_description or error_uri when the request had no (Bearer) credentials. */
export function judgeNoErrorInformation(world: CtkWorld, requirement: string, exchange: Exchange): void {
  const reading = readChallenge(exchange);
  const present = reading.bearer ? ['error', 'error_description', 'error_uri'].filter((name) => param(reading.bearer!, name) !== undefined) : [];
  check(world, {
    requirement,
    expected: 'a Bearer challenge without error, error_description or error_uri: the request carried no Bearer credentials',
    observed: `${outcome(exchange)}${present.length ? `; error information: ${present.join(', ')}` : ''}`,
  }, () => expect(present, 'error information in the challenge').to.deep.equal([]));
}

export function judgeNoServerError(world: CtkWorld, requirement: string, exchange: Exchange, why: string): void {
  check(world, { requirement, expected: `a 4xx refusal, never a 5xx (${why})`, observed: outcome(exchange) }, () =>
    expect(isServerError(exchange), 'the gateway answered with a server error').to.equal(false),
  );
}

/** RFC 9110 §15.5.2: a 401 MUST carry a challenge; other statuses are not this check's business. */
export function judge401CarriesChallenge(world: CtkWorld, requirement: string, exchange: Exchange): void {
  const reading = readChallenge(exchange);
  if (statusOf(exchange) !== 401) {
    world.log(`${requirement}: the answer is not a 401 (${describeOutcome(exchange)}), so there is no 401 to judge here`);
    return;
  }
  check(world, { requirement, expected: 'the 401 carries WWW-Authenticate with a Bearer challenge', observed: outcome(exchange) }, () =>
    expect(reading.bearer, describeReading(reading)).to.not.equal(undefined),
  );
}

export function judgeChallengeHasParameter(world: CtkWorld, requirement: string, exchange: Exchange): void {
  const reading = readChallenge(exchange);
  if (!reading.bearer) {
    world.log(`${requirement}: no Bearer challenge to judge (${describeReading(reading)}); its absence is judged by REQ-BEARER-02/13`);
    return;
  }
  check(world, { requirement, expected: 'a Bearer challenge followed by at least one auth-param, e.g. Bearer realm="api"', observed: describeReading(reading) }, () =>
    expect(reading.bearer!.params.length, 'auth-params').to.be.greaterThan(0),
  );
}

export function judgeWellFormedChallenge(world: CtkWorld, requirement: string, exchange: Exchange): void {
  const reading = readChallenge(exchange);
  if (reading.lines.length === 0) {
    world.log(`${requirement}: the answer has no WWW-Authenticate header (${describeOutcome(exchange)}); whether it needs one is judged elsewhere`);
    return;
  }
  const problems = challengeProblems(reading);
  check(world, {
    requirement,
    expected: 'a WWW-Authenticate value that follows RFC 9110 §11.2 and RFC 6750 §3',
    observed: `${describeReading(reading)}; ${problems.length} problem(s): ${problems.join('; ')}`,
  }, () => expect(problems).to.deep.equal([]));
}

/** RFC 6750 §3.1: insufficient_scope, 403, and a scope attribute (MAY) that — when sent — names the scope needed. */
export function judgeInsufficientScope(world: CtkWorld, requirement: string, exchange: Exchange, scope: string): void {
  const reading = readChallenge(exchange);
  const advertised = reading.bearer ? param(reading.bearer, 'scope') : undefined;
  check(world, {
    requirement,
    expected: `403 with WWW-Authenticate: Bearer error="insufficient_scope" (a scope attribute, if any, naming "${scope}")`,
    observed: outcome(exchange),
  }, () => {
    expect(statusOf(exchange)).to.equal(403);
    expect(errorCodeOf(reading), describeReading(reading)).to.equal('insufficient_scope');
    if (advertised !== undefined) expect(advertised.split(' '), 'scope attribute').to.include(scope);
  });
}
