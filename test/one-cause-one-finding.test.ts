/**
 * One cause, one finding (support/verdict/check.ts explainedBy / reportRootCause): a root cause is reported once,
 * under the requirement whose clause it breaks; a requirement whose judgement would repeat it on the same answer is
 * "not judged: <root>'s finding explains this answer" — never passed, in no report: requirement verdicts,
 * certificate, JUnit, Allure all follow it. And the token endpoint's ladder of root probes (unchecked-credentials.ts).
 */
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { explainedBy, reportRootCause, RequirementViolation } from '../support/verdict/check.ts';
import { explainingRoot } from '../support/verdict/media-types.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts, type Verdicts } from '../support/report/verdicts.ts';
import { certifyProfile } from '../support/report/certification.ts';
import { renderJUnit } from '../support/report/junit.ts';
import { enrichAllureResults, readAllureResults } from '../support/report/allure.ts';
import { basicRefusalShape, rootProbes } from '../support/oauth/unchecked-credentials.ts';
import { wrongPasswordIssuedCode } from '../support/browser/ip-block.ts';
import { explainedByUnboundToken } from '../support/dpop/judges.ts';
import { judgeIntrospectedBinding, judgeIntrospectedTokenType } from '../support/dpop/introspection.ts';
import type { BoundToken } from '../support/dpop/client.ts';
import { inactiveAnswerSaysMore } from '../support/oauth/introspection.ts';
import { unstatedScopeChange } from '../support/oauth/scope.ts';
import { rotatedForOtherCaller } from '../support/admin/self-service-rotation.ts';
import { tokenNamesAnotherClient } from '../support/identity/other-client.ts';
import { lifetimeFromIssue } from '../support/jwt/ttl.ts';
import type { LoginResult } from '../support/browser/human-login.ts';
import type { Exchange } from '../support/http/exchange.ts';
import { judgeAsymmetric, judgeClaimPresent, judgeIssuer, judgeTyp } from '../support/jwt/claims.ts';
import { decodeJwt } from '../support/jwt/decode.ts';
import type { CtkWorld } from '../support/world.ts';
import type { IssuedToken } from '../support/oauth/issued.ts';
import { fixtureTarget, KIT } from './report-fixtures/run-fixture.ts';
import { findingSink } from './helpers/recording-world.ts';

const sink = findingSink;
const fails = () => expect(1, 'a token issued').to.equal(2);

test('explainedBy records "not judged" naming the root, never a pass or a finding', () => {
  const s = sink();
  explainedBy(s, { requirement: 'REQ-CAUTH-03', root: 'REQ-CAUTH-07', expected: 'no token for a wrong secret', why: 'no client authentication gets a token too' });
  assert.deepEqual(s.violations, []);
  assert.equal(s.checks.length, 1);
  assert.equal(s.checks[0]!.outcome, 'could-not-judge');
  assert.equal(s.checks[0]!.requirementId, 'REQ-CAUTH-03');
  assert.equal(explainingRoot(s.checks[0]!), 'REQ-CAUTH-07');
  assert.match(s.checks[0]!.observed, /^REQ-CAUTH-07's finding explains this answer \(no client authentication gets a token too\)$/);
});

test('a requirement cannot explain itself, and a SHOULD root cannot explain a MUST away', () => {
  assert.throws(() => explainedBy(sink(), { requirement: 'REQ-CAUTH-07', root: 'REQ-CAUTH-07', expected: 'x', why: 'y' }), /cannot explain itself/);
  assert.throws(() => explainedBy(sink(), { requirement: 'REQ-CAUTH-07', root: 'REQ-CAUTH-08', expected: 'x', why: 'y' }), /SHOULD\) cannot explain REQ-CAUTH-07/);
});

test('reportRootCause: a root that holds explains nothing; one that misses is its one finding and explains the dependents', () => {
  const ok = sink();
  assert.equal(reportRootCause(ok, { requirement: 'REQ-CAUTH-07', expected: 'no token' }, () => {}, [{ requirement: 'REQ-CAUTH-03', expected: 'x' }], { why: 'w' }), true);
  assert.deepEqual(ok.checks, [], 'a held root is not recorded here: the scenario judges its own requirement');

  const stop = sink();
  assert.throws(() => reportRootCause(stop, { requirement: 'REQ-CAUTH-07', expected: 'no token', observed: 'HTTP 200 with an access_token' }, fails, [{ requirement: 'REQ-CAUTH-03', expected: 'x' }, { requirement: 'REQ-CAUTH-05', expected: 'y' }], { why: 'w' }), RequirementViolation);
  assert.deepEqual(stop.violations.map((v) => v.requirementId), ['REQ-CAUTH-07'], 'one finding');
  assert.deepEqual(stop.checks.map((c) => `${c.requirementId} ${c.outcome}`), ['REQ-CAUTH-03 could-not-judge', 'REQ-CAUTH-05 could-not-judge', 'REQ-CAUTH-07 does-not-hold']);

  const passing = sink();
  assert.equal(reportRootCause(passing, { requirement: 'REQ-CAUTH-07', expected: 'no token' }, fails, [{ requirement: 'REQ-CAUTH-03', expected: 'x' }], { why: 'w', inPassing: true }), false);
  assert.deepEqual(passing.violations.map((v) => v.requirementId), ['REQ-CAUTH-07']);
});

test('the token endpoint ladder: no client authentication first, an empty secret for a wrong one, then the same defect with HTTP Basic for the form body', () => {
  const roots = (req: string, sent: Parameters<typeof rootProbes>[1]) => rootProbes(req, sent).map((p) => `${p.root} ${p.sent.role}/${p.sent.method}${p.sent.wrong ? '/wrong' : ''}${p.emptySecret ? '/empty' : ''}`);
  assert.deepEqual(roots('REQ-CAUTH-03', { role: 'system', method: 'basic', wrong: true }), ['REQ-CAUTH-07 system/none', 'REQ-CAUTH-07 system/basic/empty']);
  assert.deepEqual(roots('REQ-CAUTH-05', { role: 'unknown', method: 'basic', wrong: false }), ['REQ-CAUTH-07 system/none']);
  assert.deepEqual(roots('REQ-CAUTH-04', { role: 'system', method: 'body', wrong: true }), ['REQ-CAUTH-07 system/none', 'REQ-CAUTH-07 system/body/empty', 'REQ-CAUTH-03 system/basic/wrong']);
  assert.deepEqual(roots('REQ-CAUTH-04', { role: 'unknown', method: 'body', wrong: false }), ['REQ-CAUTH-07 system/none', 'REQ-CAUTH-05 unknown/basic']);
  assert.deepEqual(roots('REQ-TOK-20', { role: 'noClientCredentials', method: 'basic', wrong: false }), [], 'only bad credentials have these roots');
});

test('a token that is no JWS is REQ-JWT-01\'s one finding; the claim checks are not judged on it, other clauses are', () => {
  const opaque: IssuedToken = { token: 'opaque-random-string', client: { clientId: 'c', clientSecret: 's', scopes: [] }, requestedScope: [] };
  for (const judge of [(w: CtkWorld) => judgeTyp(w, opaque), (w: CtkWorld) => judgeClaimPresent(w, opaque, 'jti'), (w: CtkWorld) => judgeIssuer(w, opaque, 'https://idp', 'REQ-JWT-06', 'the profile')]) {
    const s = sink();
    assert.throws(() => judge(s as unknown as CtkWorld), RequirementViolation);
    assert.deepEqual(s.violations.map((v) => v.requirementId), ['REQ-JWT-01']);
    assert.equal(s.checks.find((c) => c.requirementId !== 'REQ-JWT-01')?.outcome, 'could-not-judge');
  }
  // REQ-DISC-02's token scenario reads the iss of the JWT the profile claims: where the profile claims JWT access
  // tokens, an opaque one is REQ-JWT-01's finding (fault opaque-access-tokens failed both in a whole run); where it
  // does not, REQ-JWT-01 does not apply and REQ-DISC-02 is judged on its own.
  const reference = describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'https://idp', gateway: 'http://127.0.0.1:2', component: '' });
  for (const [jwt, root] of [[true, 'REQ-JWT-01'], [false, 'REQ-DISC-02']] as const) {
    const s = { ...sink(), target: { ...reference, capabilities: { ...reference.capabilities, 'jwt-access-tokens': jwt } } };
    assert.throws(() => judgeIssuer(s as unknown as CtkWorld, opaque, 'https://idp', 'REQ-DISC-02', 'the metadata'), RequirementViolation);
    assert.deepEqual(s.violations.map((v) => v.requirementId), [root], `jwt-access-tokens ${jwt}`);
  }
});

test('an unsecured JWT is REQ-JWT-04\'s one finding for REQ-JWT-05; an HS256 token is REQ-JWT-05\'s own', () => {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const claims = b64({ iss: 'https://idp', sub: 'c' });
  const none = `${b64({ alg: 'none', typ: 'at+jwt' })}.${claims}.`;
  const hs = `${b64({ alg: 'HS256', typ: 'at+jwt' })}.${claims}.c2ln`;
  const issued = (token: string): IssuedToken => ({ token, decoded: decodeJwt(token)!, client: { clientId: 'c', clientSecret: 's', scopes: [] }, requestedScope: [] });
  const a = sink();
  assert.throws(() => judgeAsymmetric(a as unknown as CtkWorld, issued(none)), RequirementViolation);
  assert.deepEqual(a.violations.map((v) => v.requirementId), ['REQ-JWT-04']);
  const b = sink();
  judgeAsymmetric(b as unknown as CtkWorld, issued(hs));
  assert.deepEqual(b.warnings.map((v) => v.requirementId), ['REQ-JWT-05'], 'a different cause: its own finding (SHOULD)');
});

// --- roots whose dependents the kit sees in the same answer, or in a probe sent only after the deviating answer ----

const exchange = (status: number, headers: Record<string, string> = {}, body = ''): Exchange => ({
  request: { method: 'POST', url: 'http://127.0.0.1:9/token' },
  response: { status, headers, rawHeaders: [], body },
  startedAt: 0,
  durationMs: 1,
});

test('a wrong password answered with a code is REQ-HUM-03\'s one finding: the IP block (REQ-RL-04) is not judged on it', () => {
  const world = () => Object.assign(sink(), { target: fixtureTarget() });
  const refused: LoginResult[] = [{ kind: 'login-error', message: 'wrong password' }, { kind: 'form-again' }];
  const clean = world();
  assert.equal(wrongPasswordIssuedCode(clean as unknown as CtkWorld, 'REQ-RL-04', refused, 'no token after the failures'), false, 'refused passwords: the block is judged on its own');
  assert.deepEqual(clean.checks, []);

  const coded: LoginResult[] = [{ kind: 'redirected', callback: {} as never, code: 'c0de', returnedState: 's', stateMatches: true }];
  const w = world();
  assert.throws(() => wrongPasswordIssuedCode(w as unknown as CtkWorld, 'REQ-RL-04', coded, 'no token after the failures'), RequirementViolation);
  assert.deepEqual(w.violations.map((v) => v.requirementId), ['REQ-HUM-03'], 'one finding');
  assert.deepEqual(w.checks.map((c) => `${c.requirementId} ${c.outcome}`), ['REQ-RL-04 could-not-judge', 'REQ-HUM-03 does-not-hold']);
  assert.match(w.checks[0]!.observed, /^REQ-HUM-03's finding explains this answer/);
});

test('an unknown client refused in the shape a wrong secret is refused in is REQ-CAUTH-03\'s finding; another shape is REQ-CAUTH-05\'s own', () => {
  const plain400 = exchange(400, { 'content-type': 'application/json' }, '{"error":"invalid_client"}');
  const basic401 = exchange(401, { 'www-authenticate': 'Basic realm="idp"' }, '{"error":"invalid_client"}');
  assert.equal(basicRefusalShape(plain400), 'HTTP 400, no Basic challenge');
  assert.equal(basicRefusalShape(basic401), 'HTTP 401, a Basic challenge');
  assert.notEqual(basicRefusalShape(plain400), basicRefusalShape(basic401), 'a wrong secret refused correctly leaves the unknown client\'s 400 its own finding');
  assert.equal(basicRefusalShape(exchange(200, {}, '{"access_token":"x","token_type":"Bearer"}')), undefined, 'a token is another deviation, never the same shape');
});

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
const jwt = (claims: object) => `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64(claims)}.c2ln`;
const worldOf = () => Object.assign(sink(), { target: fixtureTarget() });
const outcomes = (w: ReturnType<typeof sink>) => w.checks.map((c) => `${c.requirementId} ${c.outcome}`);

test('a DPoP token without cnf.jkt of its proof\'s key is REQ-DPOP-02\'s finding; a bound one leaves the gateway\'s refusal to REQ-DPOP-05', () => {
  const key = { thumbprint: 'tp-1' } as BoundToken['key'];
  const bound = (claims: object): BoundToken => ({ exchange: exchange(200), key, accessToken: jwt(claims), tokenType: 'DPoP' });
  const ok = worldOf();
  assert.equal(explainedByUnboundToken(ok as unknown as CtkWorld, bound({ sub: 'c', cnf: { jkt: 'tp-1' } }), 'x'), false);
  assert.deepEqual(ok.checks, []);
  const w = worldOf();
  assert.throws(() => explainedByUnboundToken(w as unknown as CtkWorld, bound({ sub: 'c' }), 'x'), RequirementViolation);
  assert.deepEqual(outcomes(w), ['REQ-DPOP-05 could-not-judge', 'REQ-DPOP-02 does-not-hold']);
});

test('an introspection answer without the DPoP binding: REQ-DPOP-02\'s finding where the token is not bound either, REQ-DPOP-11/-12\'s own where it is', () => {
  const key = { thumbprint: 'tp-1' } as BoundToken['key'];
  const bound = (claims: object): BoundToken => ({ exchange: exchange(200), key, accessToken: jwt(claims), tokenType: 'DPoP' });
  const answer = exchange(200, { 'content-type': 'application/json' }, JSON.stringify({ active: true, token_type: 'Bearer' }));
  for (const [claims, root] of [[{ sub: 'c' }, 'REQ-DPOP-02'], [{ sub: 'c', cnf: { jkt: 'tp-1' } }, undefined]] as const) {
    for (const [judge, id] of [[judgeIntrospectedBinding, 'REQ-DPOP-11'], [judgeIntrospectedTokenType, 'REQ-DPOP-12']] as const) {
      const w = worldOf();
      // REQ-DPOP-11 is a SHOULD (a warning, no throw); REQ-DPOP-02 and -12 are MUSTs.
      try {
        judge(w as unknown as CtkWorld, { bound: bound(claims), exchange: answer });
      } catch (error) {
        assert.ok(error instanceof RequirementViolation, String(error));
      }
      assert.deepEqual(outcomes(w), root ? [`${id} could-not-judge`, `${root} does-not-hold`] : [`${id} does-not-hold`], `${id}, token ${JSON.stringify(claims)}`);
    }
  }
});

test('"active": false with the token\'s members to a not-allowed client is REQ-INTRO-05\'s warning; "active": true is REQ-INTRO-08\'s own', () => {
  const inactive = exchange(200, { 'content-type': 'application/json' }, JSON.stringify({ active: false, sub: 'c', client_id: 'c' }));
  const w = worldOf();
  assert.equal(inactiveAnswerSaysMore(w as unknown as CtkWorld, inactive, ['sub', 'client_id'], 'the read-only client'), true);
  assert.deepEqual(outcomes(w), ['REQ-INTRO-08 could-not-judge', 'REQ-INTRO-05 does-not-hold']);
  assert.deepEqual(w.warnings.map((f) => f.requirementId), ['REQ-INTRO-05']);
  const active = exchange(200, { 'content-type': 'application/json' }, JSON.stringify({ active: true, sub: 'c' }));
  assert.equal(inactiveAnswerSaysMore(worldOf() as unknown as CtkWorld, active, ['sub'], 'the read-only client'), false);
});

test('a response without scope whose token claims another scope is REQ-TOK-08\'s finding; a stated scope the claim contradicts is REQ-TOK-16\'s own', () => {
  const client = { clientId: 'c', clientSecret: 's', scopes: ['a', 'b'] };
  const issued = (response: object): IssuedToken => ({ token: jwt({ scope: 'a b' }), client, requestedScope: ['a'], response: { access_token: 'x', token_type: 'Bearer', ...response } as IssuedToken['response'] });
  const w = worldOf();
  assert.throws(() => unstatedScopeChange(w as unknown as CtkWorld, issued({}), ['a', 'b']), RequirementViolation);
  assert.deepEqual(outcomes(w), ['REQ-TOK-16 could-not-judge', 'REQ-TOK-08 does-not-hold']);
  assert.equal(unstatedScopeChange(worldOf() as unknown as CtkWorld, issued({ scope: 'a' }), ['a', 'b']), false, 'stated: REQ-TOK-16 judges it');
  assert.equal(unstatedScopeChange(worldOf() as unknown as CtkWorld, issued({}), ['a']), false, 'what was asked was granted');
});

test('a 2xx with a secret to another caller is a rotation for that caller (REQ-ROT-04); a refusal with a secret is REQ-ROT-05\'s own', () => {
  const client = { clientId: 'rot', clientSecret: 's', scopes: [] };
  const w = worldOf();
  assert.throws(() => rotatedForOtherCaller(w as unknown as CtkWorld, 'REQ-ROT-05', client, 'another customer', { exchange: exchange(200), shown: 'new' }), RequirementViolation);
  assert.deepEqual(outcomes(w), ['REQ-ROT-05 could-not-judge', 'REQ-ROT-04 does-not-hold']);
  assert.equal(rotatedForOtherCaller(worldOf() as unknown as CtkWorld, 'REQ-ROT-05', client, 'another customer', { exchange: exchange(403), shown: 'old' }), false);
});

test('client_id == sub naming another client is REQ-JWT-12\'s finding; client_id != sub is REQ-ID-01\'s own', () => {
  const client = { clientId: 'me', clientSecret: 's', scopes: [] };
  const dependents = [{ requirement: 'REQ-ID-01', expected: 'client_id == sub == me' }];
  const w = worldOf();
  assert.throws(() => tokenNamesAnotherClient(w as unknown as CtkWorld, { sub: 'other', client_id: 'other' }, client, dependents), RequirementViolation);
  assert.deepEqual(outcomes(w), ['REQ-ID-01 could-not-judge', 'REQ-JWT-12 does-not-hold']);
  assert.equal(tokenNamesAnotherClient(worldOf() as unknown as CtkWorld, { sub: 'svc-me', client_id: 'me' }, client, dependents), false);
  assert.equal(tokenNamesAnotherClient(worldOf() as unknown as CtkWorld, { sub: 'svc-other', client_id: 'other' }, client, dependents), false, 'two deviations: the seed marker is broken too');
});

test('REQ-TTL-03 reads exp - Date only where iat is not the time of issue', () => {
  const now = 1_800_000_000;
  const issued = (iat: number): IssuedToken => {
    const token = jwt({ iat, exp: now + 60 });
    return { token, decoded: decodeJwt(token)!, client: { clientId: 'c', clientSecret: 's', scopes: [] }, requestedScope: [], exchange: exchange(200, { date: new Date(now * 1000).toUTCString() }) };
  };
  assert.deepEqual(lifetimeFromIssue(issued(now)), { seconds: 60, source: 'exp - iat' });
  const behind = lifetimeFromIssue(issued(now - 30));
  assert.equal(behind?.seconds, 60);
  assert.match(behind!.source, /^exp - the response's Date: iat is -30 s from it/);
});

// --- in the reports, from real Cucumber messages ------------------------------------------------------------

const FEATURE = `Feature: One cause, one finding (fixture)

  @REQ-CAUTH-03
  Scenario: The root stops the scenario
    When the answer shows REQ-CAUTH-07's root cause, which explains REQ-CAUTH-03

  @REQ-CAUTH-03
  Scenario: Elsewhere the dependent holds
    When the check on REQ-CAUTH-03 holds

  @REQ-CAUTH-05
  Scenario: Held first, then explained by a root met in passing
    When the check on REQ-CAUTH-05 holds
    And the answer shows REQ-CAUTH-07's root cause in passing, which explains REQ-CAUTH-05

  @REQ-CAUTH-04
  Scenario: A root that holds leaves the dependent to its own judgement
    When the root REQ-CAUTH-07 holds, so REQ-CAUTH-04 is judged on its own
`;

const dir = mkdtempSync(join(tmpdir(), 'ctk-one-cause-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let verdicts: Verdicts;
let reportsDir = '';

before(async () => {
  reportsDir = join(dir, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const feature = join(dir, 'one-cause.feature');
  writeFileSync(feature, FEATURE);
  const targetFile = join(dir, 'target.json');
  writeFileSync(targetFile, JSON.stringify(fixtureTarget()), { mode: 0o600 });
  process.env.AUTH_CTK_TARGET_FILE = targetFile;
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [feature],
        import: [join(KIT, 'support/world.ts'), join(KIT, 'support/hooks.ts'), join(KIT, 'test/one-cause-fixtures/steps.ts')],
        format: [`message:${join(reportsDir, 'cucumber-messages.ndjson')}`, `${join(KIT, 'support/report/allure-formatter.ts')}:${join(reportsDir, '.allure.out')}`],
        formatOptions: { resultsDir: join(reportsDir, 'allure-results') },
      },
    },
    { cwd: KIT },
  );
  const quiet = new Writable({ write: (_c, _e, done) => done() });
  await runCucumber(runConfiguration, { cwd: KIT, stdout: quiet, stderr: quiet });
  verdicts = computeVerdicts(readMessages(join(reportsDir, 'cucumber-messages.ndjson')));
});

const req = (id: string) => verdicts.requirements.find((r) => r.requirement.id === id)!;
const contribution = (scenario: string, id: string) => verdicts.scenarios.find((s) => s.name === scenario)!.contributions.get(id)!;

test('the root is the one finding; the explained requirement is not judged there, with the root named', () => {
  assert.equal(req('REQ-CAUTH-07').verdict, 'failed');
  const c = contribution('The root stops the scenario', 'REQ-CAUTH-03');
  assert.equal(c.verdict, 'not-testable');
  assert.match(c.reason!, /^not judged: REQ-CAUTH-07's finding explains this answer/);
  assert.match(c.remedy!, /^fix REQ-CAUTH-07/);
  assert.deepEqual(c.diagnoses, [], 'no finding of its own');
});

test('passed elsewhere and explained here is "not testable (partly judged)", never passed', () => {
  const r = req('REQ-CAUTH-03');
  assert.equal(r.verdict, 'not-testable');
  assert.match(r.reason!, /partly judged: passed in 1 of 2 scenarios.*REQ-CAUTH-07's finding explains this answer/);
});

test('a check that held and a later explained one in a scenario that went on: not testable there, never passed', () => {
  const c = contribution('Held first, then explained by a root met in passing', 'REQ-CAUTH-05');
  assert.equal(c.verdict, 'not-testable');
  assert.equal(req('REQ-CAUTH-05').verdict, 'not-testable');
  assert.equal(verdicts.scenarios.find((s) => s.name === 'Held first, then explained by a root met in passing')!.verdict, 'failed', 'the root met in passing fails the scenario');
});

test('a root that holds explains nothing: the dependent passes on its own check', () => {
  assert.equal(req('REQ-CAUTH-04').verdict, 'passed');
});

test('no certificate, and no explained scenario shows as passed in JUnit or Allure', () => {
  assert.equal(certifyProfile('core', verdicts.requirements, true).status, 'not certified');
  const junit = renderJUnit(verdicts);
  for (const name of ['The root stops the scenario', 'Held first, then explained by a root met in passing']) {
    const testcase = new RegExp(`<testcase [^>]*name="${name}[^"]*"[^>]*>[\\s\\S]*?</testcase>`).exec(junit)?.[0] ?? '';
    assert.match(testcase, /<failure /, `${name}: a JUnit failure (the root's)`);
  }
  // As the run's finish does: Allure's statuses follow the kit's verdicts, not Cucumber's.
  enrichAllureResults(join(reportsDir, 'allure-results'), verdicts);
  const results = readAllureResults(join(reportsDir, 'allure-results')).map(({ result }) => result as { name?: string; status?: string });
  for (const name of ['The root stops the scenario', 'Held first, then explained by a root met in passing']) {
    const r = results.find((x) => x.name?.startsWith(name));
    assert.ok(r, `${name} in allure-results`);
    assert.notEqual(r.status, 'passed', `${name} is not passed in Allure`);
  }
});
