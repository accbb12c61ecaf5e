/**
 * Verdicts the kit got wrong on oidc-provider (test/products/oidc-provider), pinned without a target: recorded
 * checks go to an in-test sink, no HTTP.
 * - A check whose situation falls under a SHOULD of the clause (`should`) is a warning even under a MUST
 *   requirement: RFC 7009 §2 makes revoking access tokens a SHOULD, and §2.2.1's unsupported_token_type is the
 *   answer of a server without it (REQ-REVOKE-01 was failed for it).
 * - A 401 without a challenge after a correct invalid_client is REQ-CAUTH-09's finding only: the refusal's own
 *   requirement (REQ-CAUTH-04) keeps the checks that held (it was "not judged: stopped at REQ-CAUTH-09").
 * - An IdP certified alone has no gateway audience: REQ-JWT-08 is judged against the RFC 8707 resource its token
 *   requests name (RFC 9068 §3, a SHOULD), instead of "not testable: its gateway checks none".
 * - A token that leaves an unknown scope out is no refusal: REQ-TOK-09 / -17 do not apply in that scenario (they
 *   were "not judged", which left an IdP's core profile incomplete).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { expect } from 'chai';
import type { Exchange, HttpResponse } from '../support/http/exchange.ts';
import { check, RequirementViolation, type FindingSink } from '../support/verdict/check.ts';
import type { CheckRecord, Finding } from '../support/verdict/media-types.ts';
import type { CtkWorld } from '../support/world.ts';
import { findingVerdict } from '../support/report/verdicts.ts';
import { requirement } from '../support/requirements/catalogue.ts';
import { judgeRevocationAnswered200 } from '../support/oauth/revocation.ts';
import { judgeRefusal } from '../support/oauth/token-errors.ts';
import { judgeApiAudience } from '../support/jwt/claims.ts';
import { judgeDisallowedScope } from '../support/oauth/scope.ts';
import type { IssuedToken } from '../support/oauth/issued.ts';
import type { TargetDescription } from '../support/target/target.ts';

function exchange(status: number, body: unknown, headers: Record<string, string> = {}): Exchange {
  const all = { 'content-type': 'application/json', ...headers };
  return {
    request: { method: 'POST', url: 'http://127.0.0.1/token' },
    response: { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers: all, rawHeaders: Object.entries(all) } as HttpResponse,
    startedAt: 0,
    durationMs: 1,
  };
}

class Sink implements FindingSink {
  readonly checks: CheckRecord[] = [];
  readonly warnings: Finding[] = [];
  readonly violations: Finding[] = [];
  requirementIds: string[] = [];
  target = { capabilities: {} } as unknown as TargetDescription;
  recordWarning(finding: Finding): void {
    this.warnings.push(finding);
  }
  recordViolation(finding: Finding): void {
    this.violations.push(finding);
  }
  recordCheck(record: CheckRecord): void {
    this.checks.push(record);
  }
  outcomes(id: string): string[] {
    return this.checks.filter((c) => c.requirementId === id).map((c) => c.outcome);
  }
}
const asWorld = (sink: Sink) => sink as unknown as CtkWorld;

describe('a check graded by the SHOULD of its clause', () => {
  test('under a MUST requirement: a warning citing that clause, the scenario goes on', () => {
    const sink = new Sink();
    const held = check(sink, { requirement: 'REQ-REVOKE-01', expected: 'HTTP 200', observed: 'HTTP 400', should: 'RFC 7009 §2 (SHOULD support the revocation of access tokens)' }, () => expect(400).to.equal(200));
    assert.equal(held, false);
    assert.equal(sink.warnings.length, 1);
    assert.equal(sink.warnings[0]!.level, 'SHOULD');
    assert.match(sink.warnings[0]!.diagnosis, /^REQ-REVOKE-01 RFC 7009 §2 \(SHOULD support the revocation of access tokens\) \[SHOULD\] — expected HTTP 200; got HTTP 400$/);
    assert.equal(findingVerdict(requirement('REQ-REVOKE-01'), sink.warnings[0]!), 'warning');
  });

  test('without it, the same miss is the MUST requirement\'s failure', () => {
    const sink = new Sink();
    assert.throws(() => check(sink, { requirement: 'REQ-REVOKE-01', expected: 'HTTP 200', observed: 'HTTP 400' }, () => expect(400).to.equal(200)), RequirementViolation);
    assert.equal(sink.violations[0]!.level, 'MUST');
    assert.equal(findingVerdict(requirement('REQ-REVOKE-01'), sink.violations[0]!), 'failed');
    assert.equal(findingVerdict(requirement('REQ-TOK-06'), { level: 'SHOULD' }), 'warning', 'a SHOULD requirement stays a warning');
  });
});

describe('REQ-REVOKE-01 / -02 (RFC 7009 §2, §2.2, §2.2.1)', () => {
  test('a valid access token refused with unsupported_token_type: a warning (the server does not revoke access tokens)', () => {
    const sink = new Sink();
    judgeRevocationAnswered200(asWorld(sink), 'REQ-REVOKE-01', exchange(400, { error: 'unsupported_token_type' }), 'a valid token');
    assert.equal(sink.warnings.length, 1);
    assert.match(sink.warnings[0]!.diagnosis, /RFC 7009 §2 .*\[SHOULD\]/);
  });

  test('any other refusal of a valid token, and unsupported_token_type for a random string, still fail', () => {
    assert.throws(() => judgeRevocationAnswered200(asWorld(new Sink()), 'REQ-REVOKE-01', exchange(400, { error: 'invalid_request' }), 'a valid token'), RequirementViolation);
    assert.throws(() => judgeRevocationAnswered200(asWorld(new Sink()), 'REQ-REVOKE-02', exchange(400, { error: 'unsupported_token_type' }), 'a random string'), RequirementViolation);
    const sink = new Sink();
    judgeRevocationAnswered200(asWorld(sink), 'REQ-REVOKE-01', exchange(200, ''), 'a valid token');
    assert.deepEqual(sink.outcomes('REQ-REVOKE-01'), ['holds']);
  });
});

describe('REQ-CAUTH-09 judged after the refusal, in passing', () => {
  const refusal = { requirement: 'REQ-CAUTH-04', codes: ['invalid_client'], situation: 'a wrong secret in the form body', formatRequirement: 'REQ-TOK-09', challengeRequirement: 'REQ-CAUTH-09' };

  test('a 401 invalid_client without WWW-Authenticate: REQ-CAUTH-09\'s finding, REQ-CAUTH-04 fully judged', () => {
    const sink = new Sink();
    judgeRefusal(asWorld(sink), exchange(401, { error: 'invalid_client' }), refusal);
    assert.deepEqual(sink.violations.map((v) => v.requirementId), ['REQ-CAUTH-09']);
    assert.ok(sink.outcomes('REQ-CAUTH-04').length >= 3 && sink.outcomes('REQ-CAUTH-04').every((o) => o === 'holds'), sink.outcomes('REQ-CAUTH-04').join());
  });

  test('with the challenge it holds; a wrong code still stops at REQ-CAUTH-04', () => {
    const sink = new Sink();
    judgeRefusal(asWorld(sink), exchange(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="x"' }), refusal);
    assert.deepEqual(sink.outcomes('REQ-CAUTH-09'), ['holds']);
    assert.throws(() => judgeRefusal(asWorld(new Sink()), exchange(401, { error: 'invalid_request' }), refusal), RequirementViolation);
  });

  test('a 429 is the rate limit\'s answer: not judged, never failed for its code (RFC 6585 §4)', () => {
    const sink = new Sink();
    judgeRefusal(asWorld(sink), exchange(429, { error: 'too_many_requests' }, { 'retry-after': '1' }), refusal);
    assert.deepEqual(sink.violations, []);
    assert.deepEqual(sink.outcomes('REQ-CAUTH-04').slice(1), ['could-not-judge'], sink.outcomes('REQ-CAUTH-04').join());
    assert.deepEqual(sink.outcomes('REQ-CAUTH-09'), ['could-not-judge']);
  });
});

describe('REQ-JWT-08 for an IdP certified without a gateway', () => {
  const issued = (aud: string): IssuedToken => ({
    token: 'x',
    decoded: { header: { alg: 'RS256' }, claims: { aud }, signature: '' } as unknown as IssuedToken['decoded'],
    client: { clientId: 'items-system', clientSecret: 's', scopes: [] },
    requestedScope: [],
  });
  const idpOnly = (resource?: string) => {
    const sink = new Sink();
    sink.target = { capabilities: {}, ...(resource ? { tokenRequestParameters: { resource } } : {}) } as unknown as TargetDescription;
    return sink;
  };

  test('the token requests name a resource: aud must carry it (RFC 9068 §3, SHOULD)', () => {
    const sink = idpOnly('https://api.example.test');
    assert.equal(judgeApiAudience(asWorld(sink), issued('https://api.example.test')), 'judged');
    assert.deepEqual(sink.outcomes('REQ-JWT-08'), ['holds']);
    const other = idpOnly('https://api.example.test');
    assert.equal(judgeApiAudience(asWorld(other), issued('https://elsewhere.example.test')), 'judged');
    assert.equal(other.warnings.length, 1, 'another aud: a warning, the clause is a SHOULD');
    assert.match(other.warnings[0]!.diagnosis, /RFC 9068 §3 .*\[SHOULD\]/);
  });

  test('no resource either: not testable, saying the profile names no gateway', () => {
    const result = judgeApiAudience(asWorld(idpOnly()), issued('https://api.example.test'));
    assert.ok(result !== 'judged');
    assert.match(result.notTestable, /names no gateway/);
  });
});

describe('REQ-TOK-12 answered with a token', () => {
  test('REQ-TOK-09 and REQ-TOK-17 do not apply: there is no refusal to judge', async () => {
    const sink = new Sink();
    sink.requirementIds = ['REQ-TOK-12', 'REQ-TOK-09', 'REQ-TOK-17'];
    const answer = exchange(200, { access_token: 'opaque-token', token_type: 'Bearer', expires_in: 60, scope: 'items:read' });
    await judgeDisallowedScope(asWorld(sink), answer, { clientId: 'items-system', clientSecret: 's', scopes: ['items:read'] }, ['items:read', 'ctk-unknown-scope'], 'ctk-unknown-scope', 'an unknown scope');
    assert.deepEqual(sink.outcomes('REQ-TOK-09'), ['does-not-apply']);
    assert.deepEqual(sink.outcomes('REQ-TOK-17'), ['does-not-apply']);
    assert.deepEqual(sink.outcomes('REQ-TOK-12'), ['holds']);
  });
});
