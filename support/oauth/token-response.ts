/**
 * Judging a successful token response (RFC 6749 §5.1). Each function judges one requirement, so a scenario
 * fails for the one thing it is about; members a server adds (Keycloak's not-before-policy, refresh_expires_in,
 * session_state; Auth0's id_token when asked for) are never judged.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { check, reportRootCause, doesNotApply } from '../verdict/check.ts';
import { RATE_LIMITED_ANSWER, tokenResponseOf, type TokenResponse } from './token-client.ts';
import { issuedAToken } from './token-errors.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { PrerequisiteBlocked } from '../verdict/blocked.ts';

/** Directives of a comma-separated header (Cache-Control, Pragma), lower-cased, without their arguments. */
export function directivesOf(value: string | undefined): string[] {
  if (!value) return [];
  return value
    .split(',')
    .map((d) => d.trim().split('=')[0]!.trim().toLowerCase())
    .filter(Boolean);
}

/** Space-delimited scope values (RFC 6749 §3.3). */
export const scopeValues = (scope: unknown): string[] => (typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);

export const sameScopes = (a: readonly string[], b: readonly string[]): boolean => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((s) => y.has(s));
};

const noTokenRemedy = 'fix what REQ-TOK-01 reports; this requirement is judged once the token request is served';

/**
 * The checks of a successful answer (REQ-TOK-02 to -07) judge a 2xx only: a refusal is no success response with a
 * bad format, it is REQ-TOK-01's finding (its own scenario makes it, once), and blocks these scenarios.
 */
export function requireSuccessAnswer(exchange: Exchange, situation: string): void {
  const status = exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) return;
  throw new PrerequisiteBlocked('REQ-TOK-01', `blocked: no token (REQ-TOK-01: ${situation} got ${describeOutcome(exchange)})`, noTokenRemedy);
}

/**
 * REQ-CAUTH-01 judges whether HTTP Basic credentials are accepted: a refusal is evidence only when it is about the
 * client's authentication (invalid_client, or a 401). Refused for anything else, the request shows nothing about
 * Basic: REQ-TOK-01 reports it, the check is blocked.
 */
export function requireAnswerAboutClientAuthentication(exchange: Exchange, situation: string): void {
  const status = exchange.response?.status;
  if (status !== undefined && status >= 200 && status < 300) return;
  if (status === 401 || jsonOf(exchange)?.error === 'invalid_client') return;
  throw new PrerequisiteBlocked(
    'REQ-TOK-01',
    `blocked: no token (REQ-TOK-01: ${situation} got ${describeOutcome(exchange)}, a refusal that does not name the client authentication)`,
    noTokenRemedy,
  );
}

/**
 * One cause, one finding (support/verdict/check.ts explainedBy): a token issued with another 2xx than 200 (RFC 6749
 * §5.1) is REQ-TOK-01's finding, once; the scenario's own requirement (a scope statement, a Basic login, a client
 * authentication method's "a correct request gets a token") is not judged on it. Reported as REQ-TOK-01's check of
 * this very answer, so the scenario stops there. True when it reported.
 */
export function issuedWithAnother2xx(world: CtkWorld, exchange: Exchange, requirement: string, expected: string): boolean {
  const status = exchange.response?.status;
  const token = jsonOf(exchange)?.access_token;
  if (requirement === 'REQ-TOK-01' || status === undefined || status === 200 || status < 200 || status >= 300 || typeof token !== 'string' || token === '') return false;
  reportRootCause(world, { requirement: 'REQ-TOK-01', expected, observed: exchange }, () => expect(status, 'status').to.equal(200), [{ requirement, expected }], {
    why: `the token was issued with HTTP ${status} instead of 200 (RFC 6749 §5.1)`,
  });
  return true;
}

/**
 * A 429 is the rate limiter's answer (RFC 6585 §4), about the address's request rate, not about the request: where a
 * token was expected, the scenario is not testable, never failed. The run keeps its own address's token requests under
 * OWN_TOKEN_SHARE of the stated limit, so a 429 there is a limit under the stated one or one counter for every IP,
 * which the REQ-RL scenarios judge. Measured against rate-limit-below-documented: REQ-CAUTH-01 and REQ-TOK-01 failed
 * beside REQ-RL-01 on the run's paced requests.
 */
export function throwIfRateLimited(exchange: Exchange, situation: string): void {
  if (exchange.response?.status !== 429 || issuedAToken(exchange)) return;
  throw new NotTestableError(`the token endpoint answered ${situation} with its rate limit (${describeOutcome(exchange)}), not about the request; ${RATE_LIMITED_ANSWER.why}`, { remedy: RATE_LIMITED_ANSWER.remedy });
}

/** The token was issued: 200 and an access_token (the requirement the scenario names decides the level). */
export function judgeTokenIssued(world: CtkWorld, exchange: Exchange, requirement: string, situation: string): TokenResponse {
  throwIfRateLimited(exchange, situation);
  issuedWithAnother2xx(world, exchange, requirement, `200 with an access_token for ${situation}`);
  check(world, { requirement, expected: `200 with an access_token for ${situation}`, observed: exchange }, () => {
    expect(exchange.response?.status, 'status').to.equal(200);
    expect(jsonOf(exchange)?.access_token, 'access_token').to.be.a('string').and.not.equal('');
  });
  return tokenResponseOf(exchange)!;
}

/** REQ-TOK-02: a JSON object (application/json) with access_token, token_type, and numbers as JSON numbers. */
export function judgeTokenResponseShape(world: CtkWorld, exchange: Exchange): void {
  const json = jsonOf(exchange);
  const type = exchange.response?.headers['content-type'] ?? '(none)';
  const present = json ? Object.keys(json).sort().join(', ') : 'no JSON object';
  check(
    world,
    {
      requirement: 'REQ-TOK-02',
      expected: 'Content-Type application/json and a JSON object with a non-empty access_token, a token_type string, and expires_in (if sent) as a JSON number',
      observed: exchange.response
        ? `HTTP ${exchange.response.status}, Content-Type ${type}, members: ${present}, expires_in ${JSON.stringify(json?.expires_in)}`
        : exchange,
    },
    () => {
      expect(type, 'Content-Type').to.match(/^application\/json\s*(;|$)/i);
      expect(json, 'JSON object').to.be.an('object');
      expect(json!.access_token, 'access_token').to.be.a('string').and.not.equal('');
      expect(json!.token_type, 'token_type').to.be.a('string').and.not.equal('');
      if (json!.expires_in !== undefined) expect(json!.expires_in, 'expires_in').to.be.a('number');
      if (json!.scope !== undefined) expect(json!.scope, 'scope').to.be.a('string');
    },
  );
}

/** REQ-TOK-03: token_type Bearer, case-insensitively (RFC 6749 §5.1: "Value is case insensitive"). */
export function judgeTokenType(world: CtkWorld, exchange: Exchange): void {
  const tokenType = jsonOf(exchange)?.token_type;
  check(world, { requirement: 'REQ-TOK-03', expected: 'token_type "Bearer" (any letter case)', observed: `token_type ${JSON.stringify(tokenType)}` }, () =>
    expect(String(tokenType).toLowerCase()).to.equal('bearer'),
  );
}

/** REQ-TOK-04: expires_in states the lifetime, a positive whole number of seconds. */
export function judgeExpiresIn(world: CtkWorld, exchange: Exchange): void {
  const expiresIn = jsonOf(exchange)?.expires_in;
  check(
    world,
    { requirement: 'REQ-TOK-04', expected: 'expires_in: the token lifetime as a positive whole number of seconds', observed: `expires_in ${JSON.stringify(expiresIn)}` },
    () => {
      expect(expiresIn).to.be.a('number');
      expect(Number.isInteger(expiresIn) && (expiresIn as number) > 0, 'positive integer').to.equal(true);
    },
  );
}

/** REQ-TOK-05 / REQ-TOK-06: a header of the token response holds a directive. */
export function judgeHeaderDirective(world: CtkWorld, exchange: Exchange, requirement: string, header: string, directive: string): void {
  const value = exchange.response?.headers[header.toLowerCase()];
  check(
    world,
    {
      requirement,
      expected: `${header}: ${directive} on the response that carries the token`,
      observed: exchange.response ? `${header}: ${value === undefined ? '(absent)' : JSON.stringify(value)}` : exchange,
    },
    () => expect(directivesOf(value)).to.include(directive.toLowerCase()),
  );
}

/** A member must be absent from the JSON answer (REQ-TOK-07: no refresh_token for client credentials). */
export function judgeMemberAbsent(world: CtkWorld, exchange: Exchange, requirement: string, member: string, why: string): void {
  const json = jsonOf(exchange);
  check(
    world,
    { requirement, expected: `no ${member} in the answer (${why})`, observed: json && member in json ? `${member} present` : describeOutcome(exchange) },
    () => expect(json && member in json && json[member] !== null && json[member] !== '', `${member} present`).to.equal(false),
  );
}

/**
 * The scope the server granted, by RFC 6749 §5.1: the response's scope, or — when it leaves scope out — the
 * scope that was requested ("OPTIONAL, if identical to the scope requested by the client").
 */
export function grantedScope(response: TokenResponse, requested: readonly string[]): { values: string[]; stated: boolean } {
  if (typeof response.scope === 'string') return { values: scopeValues(response.scope), stated: true };
  return { values: [...requested], stated: false };
}

/**
 * No refresh token in a client-credentials answer. RFC 6749 §4.4.3 says SHOULD NOT (REQ-TOK-07, a warning); seed 001
 * says the flow "does not support refresh tokens" (REQ-TOK-22, failed), for a target that claims to follow it
 * (capability no-refresh-tokens). One refresh token is one finding: on a claiming target REQ-TOK-07 does not apply
 * and says which requirement judges it instead; REQ-TOK-22 is gated by its capability (not applicable elsewhere).
 */
export function judgeNoRefreshToken(world: CtkWorld, exchange: Exchange, requirement: 'REQ-TOK-07' | 'REQ-TOK-22'): void {
  if (requirement === 'REQ-TOK-07' && world.target.capabilities['no-refresh-tokens'] === true) {
    doesNotApply(world, {
      requirement,
      expected: 'no refresh_token in the client credentials answer (RFC 6749 §4.4.3 SHOULD NOT)',
      why: 'the target claims no-refresh-tokens (seed 001: the flow "does not support refresh tokens"), so REQ-TOK-22 judges the refresh token by the seed\'s word',
    });
    return;
  }
  check(world, { requirement, expected: 'a JSON object', observed: exchange }, () => expect(jsonOf(exchange)).to.be.an('object'));
  const why = requirement === 'REQ-TOK-22' ? 'seed 001: the client credentials flow "does not support refresh tokens"' : 'RFC 6749 §4.4.3: a refresh token SHOULD NOT be included';
  judgeMemberAbsent(world, exchange, requirement, 'refresh_token', why);
}
