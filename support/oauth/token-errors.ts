/**
 * Judging the token endpoint's refusals (RFC 6749 §5.2), in the order that keeps each diagnosis about its own
 * requirement: an HTTP answer came, no token was issued, the body is a JSON error object (REQ-TOK-09), the error
 * code is the one the situation calls for, then the status (400, or 400/401 for invalid_client; a 401 needs a
 * challenge). A plain-text error page is therefore reported as a format problem, not as a wrong code.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { check, checkInPassing, couldNotJudge, doesNotApply } from '../verdict/check.ts';

export interface RefusalExpectation {
  /** Judges "no token" and, unless codeRequirement is given, the error code and status. */
  readonly requirement: string;
  /** Accepted error codes, the first being the one the RFC names for the situation. */
  readonly codes: readonly string[];
  /** What was sent, in the vendor's words: "a wrong client secret sent with HTTP Basic". */
  readonly situation: string;
  /** REQ-TOK-09 when the scenario judges the error format; else a format miss is REQ-TOK-09's, recorded in passing. */
  readonly formatRequirement?: string;
  /** Judges the error code when it is graded apart from "no token" (REQ-CAUTH-08). */
  readonly codeRequirement?: string;
  /** REQ-TOK-17: 400 for every code but invalid_client. Not judged when absent. */
  readonly statusRequirement?: string;
  /** REQ-CAUTH-09: a 401 carries WWW-Authenticate. Not judged when absent. */
  readonly challengeRequirement?: string;
}

/** RFC 6749 §5.2: error values are %x20-21 / %x23-5B / %x5D-7E. */
const ERROR_CODE = /^[\x20\x21\x23-\x5b\x5d-\x7e]+$/;

/** RFC 6749 §5.2's error format (REQ-TOK-09): an application/json object whose error member is one ASCII code. */
function expectJsonErrorObject(exchange: Exchange): void {
  expect(exchange.response?.headers['content-type'] ?? '(none)', 'Content-Type').to.match(/^application\/json\s*(;|$)/i);
  expect(jsonOf(exchange)?.error, 'error member').to.be.a('string').and.match(ERROR_CODE);
}

/** An error answer as REQ-TOK-09 reads it: status, Content-Type, and the error member (or the body's start). */
function describeErrorBody(exchange: Exchange): string {
  const answer = exchange.response!;
  const json = jsonOf(exchange);
  return `HTTP ${answer.status}, Content-Type ${answer.headers['content-type'] ?? '(none)'}, ${json ? `error ${JSON.stringify(json.error)}` : `body ${JSON.stringify(answer.body.slice(0, 60))}`}`;
}

export const issuedAToken = (exchange: Exchange): boolean => {
  const status = exchange.response?.status ?? 0;
  const token = jsonOf(exchange)?.access_token;
  return status >= 200 && status < 300 && typeof token === 'string' && token.length > 0;
};

export function judgeRefusal(world: CtkWorld, exchange: Exchange, e: RefusalExpectation): void {
  const named = e.codes.map((c) => `"${c}"`).join(' or ');
  // A SHOULD-level requirement only warns and lets the judge go on: each later check needs what the earlier ones saw.
  const answered = check(world, { requirement: e.requirement, expected: `an HTTP answer refusing ${e.situation} with ${named}`, observed: exchange }, () =>
    expect(exchange.response, 'HTTP answer').to.not.equal(undefined),
  );
  if (!answered) return;
  // A 429 is the rate limiter's answer, not a judgement of the request (RFC 6585 §4): no evidence either way about the
  // situation sent. Measured against global-rate-limit: REQ-AUTHZ-08's expired code got a 429 while another worker's
  // burst held the shared limit, a failure beside REQ-RL-07's. The limit is judged by the REQ-RL scenarios.
  if (exchange.response!.status === 429 && !issuedAToken(exchange)) {
    const why = `the token endpoint answered with its rate limit (${describeOutcome(exchange)}), not about ${e.situation}; the REQ-RL scenarios judge the limit`;
    for (const requirement of new Set([e.requirement, e.codeRequirement, e.statusRequirement, e.formatRequirement, e.challengeRequirement].filter((r): r is string => r !== undefined))) {
      couldNotJudge(world, { requirement, expected: `a refusal of ${e.situation} with ${named}`, why });
    }
    return;
  }
  const observed = issuedAToken(exchange) ? `${describeOutcome(exchange)} with an access_token` : describeOutcome(exchange);
  const refused = check(world, { requirement: e.requirement, expected: `no access token for ${e.situation}`, observed }, () =>
    expect(issuedAToken(exchange), 'token issued').to.equal(false),
  );
  if (!refused) return;

  const json = jsonOf(exchange);
  // The body's format is REQ-TOK-09's (RFC 6749 §5.2) wherever a refusal is read: where the scenario does not judge
  // REQ-TOK-09 itself, a miss is recorded under it in passing, and this refusal's own requirement is not judged on an
  // unreadable answer. An IdP whose errors are all plain text or RFC 9457 problems has one finding, not one per refusal.
  const formatRequirement = e.formatRequirement ?? 'REQ-TOK-09';
  const judgeFormat = e.formatRequirement === undefined ? checkInPassing : check;
  const readable = judgeFormat(
    world,
    {
      requirement: formatRequirement,
      expected: `an application/json error object {"error": ${named}} for ${e.situation}`,
      observed: describeErrorBody(exchange),
    },
    () => expectJsonErrorObject(exchange),
  );
  if (!readable) {
    // A SHOULD-level format miss lets the scenario go on, but there is no error code or status to judge then.
    const why = `the refusal is no JSON error object (${describeOutcome(exchange)}), so its error code and status cannot be read`;
    for (const requirement of new Set([e.codeRequirement ?? e.requirement, e.statusRequirement].filter((r): r is string => r !== undefined && r !== formatRequirement))) {
      couldNotJudge(world, { requirement, expected: `error ${named} for ${e.situation}`, why });
    }
    return;
  }

  // Where the code has a requirement of its own (RFC 7523 §3.2's invalid_client for a refused assertion), the refusal's
  // requirement is judged in full by now (no token): a wrong code is that requirement's finding, recorded in passing,
  // and does not leave "the assertion is refused" not judged (fault assertion-refusal-invalid-grant left REQ-PKJWT-02..07
  // not testable behind REQ-PKJWT-08 although every defective assertion was refused).
  const judgeCode = e.codeRequirement !== undefined && e.codeRequirement !== e.requirement ? checkInPassing : check;
  judgeCode(world, { requirement: e.codeRequirement ?? e.requirement, expected: `error ${named} for ${e.situation}`, observed: exchange }, () =>
    expect(e.codes).to.include(json!.error),
  );

  const status = exchange.response!.status;
  if (json!.error === 'invalid_client') {
    check(world, { requirement: e.requirement, expected: `status 400 or 401 with invalid_client for ${e.situation}`, observed: exchange }, () =>
      expect([400, 401]).to.include(status),
    );
  } else if (e.statusRequirement) {
    check(world, { requirement: e.statusRequirement, expected: `status 400 with ${json!.error} (RFC 6749 §5.2) for ${e.situation}`, observed: exchange }, () =>
      expect(status).to.equal(400),
    );
  }
  // Judged on every refusal: on a non-401 it records that the clause does not apply, so the tag is never left unjudged.
  // Last, and in passing: by now the refusal's own requirement is judged in full (no token, the code, the status),
  // so a 401 without a challenge is its own finding and does not leave a correct invalid_client "not judged".
  if (e.challengeRequirement) judgeChallengeOn401(world, exchange, e.challengeRequirement, e.situation, checkInPassing);
}

/**
 * REQ-CAUTH-09 (RFC 9110 §15.5.2): a 401 carries at least one challenge. `judge` is check (a miss stops the scenario)
 * or checkInPassing (the finding is recorded, the scenario's other requirements keep what their checks showed).
 */
export function judgeChallengeOn401(world: CtkWorld, exchange: Exchange, requirement: string, situation: string, judge: typeof check = check): void {
  if (exchange.response?.status !== 401) {
    doesNotApply(world, { requirement, expected: `a WWW-Authenticate challenge on a 401 answering ${situation}`, why: `the answer is not a 401 (${describeOutcome(exchange)}): there is no 401 to judge` });
    return;
  }
  judge(
    world,
    { requirement, expected: `a WWW-Authenticate challenge on the 401 answering ${situation}`, observed: `HTTP 401 without WWW-Authenticate` },
    () => expect(exchange.response!.headers['www-authenticate'] ?? '').to.match(/\S/),
  );
}

/** The auth-schemes of a WWW-Authenticate value (the first token of each challenge), lower-cased. */
export function challengeSchemes(value: string | undefined): string[] {
  if (!value) return [];
  // Split at commas; a piece that starts with a token followed by whitespace or its end (not by "=") opens a
  // challenge. Commas inside quoted realms leave junk pieces that never look like "token SP".
  const schemes: string[] = [];
  for (const piece of value.split(',')) {
    const m = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)(\s+|$)/.exec(piece);
    if (m && !/^\s*=/.test(piece.slice(m[0].length))) schemes.push(m[1]!.toLowerCase());
  }
  return schemes;
}

/**
 * REQ-CAUTH-03 / REQ-CAUTH-05 (RFC 6749 §5.2): credentials sent in the Authorization header and refused get
 * 401 with a WWW-Authenticate challenge for the scheme the client used (Basic).
 */
export function judgeBasicChallenge(world: CtkWorld, exchange: Exchange, requirement: string, situation: string): void {
  const www = exchange.response?.headers['www-authenticate'];
  check(
    world,
    {
      requirement,
      expected: `401 with WWW-Authenticate: Basic ... refusing ${situation} (the scheme the client used)`,
      observed: exchange.response ? `HTTP ${exchange.response.status}, WWW-Authenticate: ${www === undefined ? '(absent)' : www}` : exchange,
    },
    () => {
      expect(exchange.response?.status, 'status').to.equal(401);
      expect(challengeSchemes(www), 'challenge schemes').to.include('basic');
    },
  );
}

/**
 * A refusal that says nothing about the defect a request was sent to show (REQ-TOK-13: a GET, credentials in the
 * URI): the request's scope was refused, or the client IP is rate-limited. Such an answer is no evidence either
 * way; the reason why, or undefined when the answer may be judged.
 */
export function refusalForAnotherReason(exchange: Exchange): string | undefined {
  if (issuedAToken(exchange) || !exchange.response) return undefined;
  const error = jsonOf(exchange)?.error;
  if (error === 'invalid_scope') return `the request was refused for its scope (invalid_scope), not for the defect under test (${describeOutcome(exchange)})`;
  if (exchange.response.status === 429) return `the request was refused by the rate limit (HTTP 429), not for the defect under test`;
  return undefined;
}

/** No token, whatever the answer (REQ-TOK-13): a refusal of any kind is fine, a token is not. */
export function judgeNoToken(world: CtkWorld, exchange: Exchange, requirement: string, situation: string): void {
  check(world, { requirement, expected: `no access token for ${situation}`, observed: issuedAToken(exchange) ? `${describeOutcome(exchange)} with an access_token` : exchange }, () =>
    expect(issuedAToken(exchange), 'token issued').to.equal(false),
  );
}

/**
 * REQ-TOK-14: an answer within the timeout that is not a server error. `closedIsAnAnswer`: a server may stop
 * reading an oversized body and close the connection — not a hang and not a 5xx.
 */
export function judgeNoServerError(world: CtkWorld, exchange: Exchange, requirement: string, situation: string, closedIsAnAnswer = false): void {
  check(world, { requirement, expected: `a 4xx refusal (or a token) for ${situation}, never a 5xx and never a hang`, observed: exchange }, () => {
    if (exchange.transportError) {
      expect(exchange.transportError.code, 'transport error').to.not.equal('TIMEOUT');
      expect(closedIsAnAnswer, `connection ended without an answer (${exchange.transportError.code})`).to.equal(true);
      return;
    }
    expect(exchange.response!.status, 'status').to.be.below(500);
  });
}

/**
 * REQ-TOK-21: the answer to the request seed 001's guide shows (curl --form: multipart/form-data). RFC 6749 §3.2
 * lets the server refuse it, so a token and a 4xx refusal both conform; the requirement rules out a server error,
 * a hang and a dropped connection. The refusal's body is judged as every refusal's is, under REQ-TOK-09 (RFC 6749
 * §5.2: an application/json error object), in passing: an IdP whose errors are all RFC 9457 problems or plain text
 * has one finding for it, not a second one here. The check records which conforming answer came, so a report
 * shows whether the guide's request works.
 */
export function judgeGuideRequestAnswer(world: CtkWorld, exchange: Exchange, requirement: string, situation: string): void {
  const answer = exchange.response;
  const observed = !answer
    ? exchange
    : issuedAToken(exchange)
      ? `HTTP ${answer.status} with an access_token: the server accepts the guide's request (lenient; RFC 6749 §3.2 lets it refuse)`
      : describeErrorBody(exchange);
  check(world, { requirement, expected: `a token, or a 4xx refusal, for ${situation}; never a 5xx, a hang or a dropped connection`, observed }, () => {
    if (exchange.transportError) {
      expect(exchange.transportError.code, 'a hang (no answer within the request timeout)').to.not.equal('TIMEOUT');
      expect.fail(`the connection ended without an answer (${exchange.transportError.code})`);
    }
    if (issuedAToken(exchange)) return;
    expect(answer!.status, 'status of a refusal').to.be.within(400, 499);
  });
  if (issuedAToken(exchange)) return;
  checkInPassing(world, { requirement: 'REQ-TOK-09', expected: `an application/json error object (RFC 6749 §5.2) refusing ${situation}`, observed }, () => expectJsonErrorObject(exchange));
}

/**
 * For a judge that reads a refusal's error code apart from judgeRefusal (REQ-DPOP-04: invalid_dpop_proof): a refusal
 * that is no JSON error object has no code to read. Its format is REQ-TOK-09's finding (RFC 6749 §5.2), recorded in
 * passing, and `requirement` is not judged on it: fault plain-text-errors warned REQ-DPOP-04 beside REQ-TOK-09
 * ("error undefined"). True when it recorded; false for a token, no HTTP answer, or a readable error object (the
 * caller judges the code). Not for REQ-MTLS-03: a TLS terminator in front of the authorization server (nginx,
 * ssl_verify_client) refuses a missing certificate with its own HTML page, which is that requirement's warning by its
 * note, never the MUST of REQ-TOK-09 (fault plain-text-errors still warns REQ-MTLS-03 beside it).
 */
export function errorCodeUnreadable(world: CtkWorld, exchange: Exchange, requirement: string, expected: string, situation: string): boolean {
  if (!exchange.response || issuedAToken(exchange)) return false;
  try {
    expectJsonErrorObject(exchange);
    return false;
  } catch {
    // recorded below
  }
  const observed = describeErrorBody(exchange);
  checkInPassing(world, { requirement: 'REQ-TOK-09', expected: `an application/json error object (RFC 6749 §5.2) refusing ${situation}`, observed }, () => expectJsonErrorObject(exchange));
  couldNotJudge(world, { requirement, expected, why: `the refusal is no JSON error object (${describeOutcome(exchange)}), so its error code cannot be read; REQ-TOK-09 reports the format` });
  return true;
}
