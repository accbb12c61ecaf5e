/**
 * The support logic of features/token-endpoint-hygiene.feature without a target (issue 20): which secrets a
 * recorded request carried and where an answer repeats them, how the identity echo shows a system user, and what
 * the judges record for each answer. Recorded checks go to an in-test sink; no HTTP.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange, HttpResponse } from '../support/http/exchange.ts';
import { basicAuthorization } from '../support/oauth/token-client.ts';
import { judgeDistinctJti, judgeErrorNotStored, judgeSecretNotRepeated, secretsCarried, whereRepeated } from '../support/oauth/hygiene.ts';
import { seenAsSystem } from '../support/identity/no-client-id.ts';
import { characterProblem, judgeErrorParameterCharacters } from '../support/oauth/error-characters.ts';
import { RequirementViolation, type FindingSink } from '../support/verdict/check.ts';
import type { CheckRecord, Finding } from '../support/verdict/media-types.ts';
import type { CtkWorld } from '../support/world.ts';
import { PrerequisiteBlocked } from '../support/verdict/blocked.ts';
import { tokenEndpointStub } from './helpers/recording-world.ts';

const SECRET = 'ctk-test-secret-0123456789';

function exchange(request: { headers?: Record<string, string>; body?: string }, response?: Partial<HttpResponse>): Exchange {
  const headers = response?.headers ?? {};
  return {
    request: { method: 'POST', url: 'http://127.0.0.1/token', ...request },
    ...(response ? { response: { status: 400, body: '', rawHeaders: Object.entries(headers), ...response, headers } } : {}),
    startedAt: 0,
    durationMs: 1,
  };
}

class Sink implements FindingSink {
  /** The token endpoint a refusal's positive control asks (refusal-control.ts): it serves the good request. */
  readonly endpoint: ReturnType<typeof tokenEndpointStub>;
  readonly state: ReturnType<typeof tokenEndpointStub>['state'];
  readonly target: ReturnType<typeof tokenEndpointStub>['target'];
  readonly log: ReturnType<typeof tokenEndpointStub>['log'];
  readonly send: ReturnType<typeof tokenEndpointStub>['send'];
  constructor(served = true) {
    this.endpoint = tokenEndpointStub(served);
    ({ state: this.state, target: this.target, log: this.log, send: this.send } = this.endpoint);
  }
  readonly checks: CheckRecord[] = [];
  readonly warnings: Finding[] = [];
  recordWarning(finding: Finding): void {
    this.warnings.push(finding);
  }
  recordViolation(): void {}
  recordCheck(record: CheckRecord): void {
    this.checks.push(record);
  }
}
const asWorld = (sink: Sink) => sink as unknown as CtkWorld;

describe('REQ-TOK-24: the secret a request carried', () => {
  test('is read from HTTP Basic (form-decoded) and from the form body, with the forms an answer could repeat', () => {
    const basic = basicAuthorization('ctk-system', SECRET);
    const carried = secretsCarried(exchange({ headers: { authorization: basic }, body: `grant_type=client_credentials&client_secret=${encodeURIComponent(SECRET)}` }));
    assert.equal(carried.length, 2);
    assert.ok(carried[0]!.needles.includes(basic.slice('Basic '.length)), 'the Basic credential itself');
    assert.ok(carried[0]!.needles.includes(SECRET));
    assert.ok(carried[1]!.needles.includes(SECRET));
  });

  test('a short secret is looked for only inside the Basic credential', () => {
    const carried = secretsCarried(exchange({ headers: { authorization: basicAuthorization('c', 'short') }, body: 'client_secret=short' }));
    assert.deepEqual(carried.map((c) => c.needles.length), [1]);
  });

  test('where the answer repeats it: body and header names, never the secret', () => {
    const answer = exchange({}, { body: `{"error":"invalid_client","error_description":"bad secret ${SECRET}"}`, headers: { 'x-debug': `secret=${SECRET}`, 'cache-control': 'no-store' } });
    assert.deepEqual(whereRepeated(answer, [SECRET]), ['the body', 'header x-debug']);
  });

  test('the judge warns, names the places, and its record does not show the secret', async () => {
    const sink = new Sink();
    const answer = exchange({ body: `grant_type=client_credentials&client_id=ctk-system&client_secret=${SECRET}` }, { status: 401, body: `{"error":"invalid_client","error_description":"client_secret=${SECRET}"}` });
    await judgeSecretNotRepeated(asWorld(sink), answer, 'a wrong secret in the form body');
    assert.equal(sink.warnings.length, 1);
    assert.match(sink.checks[0]!.observed, /appears in the body/);
    assert.ok(!JSON.stringify(sink.checks).includes(SECRET), 'the record shows the secret');
  });

  test('an answer without the secret holds; a request without one is not judged', async () => {
    const sink = new Sink();
    await judgeSecretNotRepeated(asWorld(sink), exchange({ body: `client_secret=${SECRET}` }, { status: 401, body: '{"error":"invalid_client"}' }), 'x');
    await judgeSecretNotRepeated(asWorld(sink), exchange({ body: 'grant_type=client_credentials' }, { status: 400, body: '{}' }), 'y');
    assert.deepEqual(sink.checks.map((c) => c.outcome), ['holds', 'could-not-judge']);
    assert.equal(sink.endpoint.sent.length, 1, 'one positive control, for the refusal that was judged');
  });

  test('a refusal without the secret, from an endpoint that refuses the good request too, is blocked, not held', async () => {
    const sink = new Sink(false);
    const refusal = exchange({ body: `client_id=ctk-system&client_secret=${SECRET}` }, { status: 400, body: '{"error":"invalid_request"}' });
    await assert.rejects(judgeSecretNotRepeated(asWorld(sink), refusal, 'a wrong secret in the form body'), (error: unknown) => {
      assert.ok(error instanceof PrerequisiteBlocked);
      assert.equal(error.blockedBy, 'REQ-TOK-01');
      assert.match(error.reason, /^blocked: the ordinary token request of ctk-system is refused too \(HTTP 400/);
      assert.doesNotMatch(error.reason, new RegExp(SECRET));
      return true;
    });
    assert.deepEqual(sink.checks, []);
  });
});

describe('REQ-TOK-25: no-store on error answers', () => {
  test('an error without no-store warns, one with it holds, a token answer is not an error', async () => {
    const sink = new Sink();
    await judgeErrorNotStored(asWorld(sink), exchange({}, { status: 400 }), 'a');
    await judgeErrorNotStored(asWorld(sink), exchange({}, { status: 401, headers: { 'cache-control': 'private, No-Store' } }), 'b');
    await judgeErrorNotStored(asWorld(sink), exchange({}, { status: 200 }), 'c');
    assert.deepEqual(sink.checks.map((c) => c.outcome), ['does-not-hold', 'holds', 'does-not-apply']);
    assert.equal(sink.warnings.length, 1, 'a SHOULD: a warning, never a failure');
  });
});

describe('REQ-TOK-27: the characters of error_description and error_uri', () => {
  const refusal = (status: number, body: unknown, situation = 'a wrong secret') => ({
    situation,
    exchange: exchange({}, { status, body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });

  test('the edges of the set pass: space, "!", "#", "[", "]", "~", backtick, single quote; absent or empty passes', () => {
    assert.equal(characterProblem('error_description', "Missing parameter: `grant_type` ('see' [#5.2]) ~ !"), undefined);
    assert.equal(characterProblem('error_uri', 'https://idp.example/docs/errors?code=invalid_client&lang=en#a~[b]'), undefined);
    assert.equal(characterProblem('error_description', undefined), undefined);
    assert.equal(characterProblem('error_description', ''), undefined);
  });

  test('CR, LF, TAB, double quote, backslash and non-ASCII are named by code point and position, from 0', () => {
    assert.match(characterProblem('error_description', 'failed\r\nTrace ID: 1')!, /^error_description \(19 characters\) holds U\+000D at 6, U\+000A at 7, first near "failed\\r\\nTrace "$/);
    assert.match(characterProblem('error_description', 'a\tb "c" d\\e')!, /U\+0009 at 1, U\+0022 at 4, U\+0022 at 6, U\+005C at 9/);
    // Code points, not UTF-16 units: the emoji is one character at 2, the "ü" one at 4.
    assert.match(characterProblem('error_description', 'ok😀 ü')!, /holds U\+1F600 at 2, U\+00FC at 4,/);
    assert.match(characterProblem('error_uri', 'https://idp.example/docs/token errors')!, /^error_uri \(37 characters\) holds U\+0020 at 30,/);
    assert.match(characterProblem('error_description', 42)!, /JSON number, not a string/);
    assert.match(characterProblem('error_description', '\n'.repeat(7))!, /U\+000A at 4 \(\+2 more\)/);
  });

  test('one check over all answers: one finding however many answers break the set; non-JSON answers and tokens are not judged', () => {
    const sink = new Sink();
    const answers = [
      refusal(401, { error: 'invalid_client', error_description: 'bad\r\nTrace ID: x' }),
      refusal(400, { error: 'invalid_request', error_description: 'no "grant_type"' }, 'no grant_type'),
      refusal(400, 'error: invalid_scope', 'plain text'),
      refusal(200, { access_token: 'x', token_type: 'Bearer' }, 'a token'),
    ];
    assert.throws(() => judgeErrorParameterCharacters(asWorld(sink), answers), RequirementViolation);
    assert.deepEqual(sink.checks.map((c) => c.outcome), ['does-not-hold']);
    assert.match(sink.checks[0]!.observed, /2 of 4 answers break the set/);
    assert.match(sink.checks[0]!.observed, /a wrong secret: HTTP 401 invalid_client, error_description \(16 characters\) holds U\+000D at 3/);
    assert.match(sink.checks[0]!.observed, /no grant_type: HTTP 400 invalid_request, error_description \(15 characters\) holds U\+0022 at 3, U\+0022 at 14/);
  });

  test('answers without error_description or error_uri hold (both OPTIONAL); no JSON error answer at all is not judged', () => {
    const sink = new Sink();
    judgeErrorParameterCharacters(asWorld(sink), [refusal(401, { error: 'invalid_client' }), refusal(400, { error: 'invalid_request', error_description: 'Missing parameter: `grant_type`' })]);
    judgeErrorParameterCharacters(asWorld(sink), [refusal(400, 'error: invalid_client'), refusal(400, { type: 'about:blank', detail: 'bad "x"' })]);
    assert.deepEqual(sink.checks.map((c) => c.outcome), ['holds', 'could-not-judge']);
  });
});

describe('REQ-TOK-26: one jti per token', () => {
  const jwt = (claims: Record<string, unknown>) =>
    [{ alg: 'RS256', typ: 'at+jwt' }, claims].map((p) => Buffer.from(JSON.stringify(p)).toString('base64url')).join('.') + '.c2ln';
  const pair = (a: Record<string, unknown>, b: Record<string, unknown>) => ({ client: { clientId: 'ctk-system', clientSecret: SECRET, scopes: ['a', 'b'] }, tokens: [jwt(a), jwt(b)] as [string, string], scopes: ['a b', 'a'] as [string, string] });

  test('different tokens under one jti fail (a MUST); different jti values hold', () => {
    const sink = new Sink();
    judgeDistinctJti(asWorld(sink), pair({ jti: 'one', scope: 'a b' }, { jti: 'two', scope: 'a' }));
    assert.throws(() => judgeDistinctJti(asWorld(sink), pair({ jti: 'same', scope: 'a b' }, { jti: 'same', scope: 'a' })), RequirementViolation);
    assert.deepEqual(sink.checks.map((c) => c.outcome), ['holds', 'does-not-hold']);
  });

  test('the same token twice, or a token without jti, is not judged', () => {
    const sink = new Sink();
    const same = jwt({ jti: 'x' });
    judgeDistinctJti(asWorld(sink), { ...pair({}, {}), tokens: [same, same] });
    judgeDistinctJti(asWorld(sink), pair({ scope: 'a' }, { jti: 'y' }));
    assert.deepEqual(sink.checks.map((c) => c.outcome), ['could-not-judge', 'could-not-judge']);
  });
});

describe('REQ-ID-13: how the echo shows a system user', () => {
  test('by the stated kind, else by client id == subject; without either it cannot tell', () => {
    assert.equal(seenAsSystem({ present: true, rawKind: 'system', kind: 'system', subject: 's' }), true);
    assert.equal(seenAsSystem({ present: true, rawKind: 'human', kind: 'human', subject: 's', clientId: 's' }), false);
    assert.equal(seenAsSystem({ present: true, subject: 's', clientId: 's' }), true);
    assert.equal(seenAsSystem({ present: true, subject: 's', clientId: 'web' }), false);
    assert.equal(seenAsSystem({ present: true, subject: 's' }), undefined);
    assert.equal(seenAsSystem({ present: false }), false);
  });
});
