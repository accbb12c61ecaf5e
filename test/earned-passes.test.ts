/**
 * Every pass is earned: a requirement passes only where a check of it looked at something that could have shown the
 * defect. Each case below is a reference broken so that a check held on a value that proved nothing — an audit log
 * read before the scenario's entries were in it, an "active": false from an endpoint that says it to every token, a
 * refusal of another customer's data from a route that refuses the customer its own —
 * and the scenario run against it: the requirement is now failed or not judged, never passed; and on the correct
 * reference it still passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runWithFault } from './fault-injection/run-with-fault.ts';
import { send, type Exchange, type HttpRequest } from '../support/http/exchange.ts';
import { currentTarget, setCurrentTarget } from '../support/target/current.ts';
import type { TargetDescription } from '../support/target/target.ts';
import type { CtkWorld } from '../support/world.ts';
import { PrerequisiteBlocked } from '../support/verdict/blocked.ts';
import { judgeRefusal } from '../support/oauth/token-errors.ts';
import { refusalUnderControl } from '../support/oauth/refusal-control.ts';
import { tokenRequestBody } from '../support/oauth/token-client.ts';
import { methodRefusalUnderControl, ordinaryRefusalExplainedByMethod } from '../support/oauth/auth-method-cause.ts';
import { findingSink } from './helpers/recording-world.ts';
import { ScenarioState } from '../support/scenario-state.ts';
import { judgeFailedLoginAnonymous } from '../support/identity/anonymous.ts';
import { NotTestableError } from '../support/verdict/not-testable.ts';
import { blockOnUntrustedCertificate, certificateFailureOf } from '../support/http/untrusted-certificate.ts';

type Run = Awaited<ReturnType<typeof runWithFault>>;
const verdictOf = (run: Run, id: string) => run.verdicts.requirements.find((r) => r.requirement.id === id)!;
const said = (run: Run, id: string) => `${verdictOf(run, id).reason ?? ''} ${verdictOf(run, id).diagnoses.join(' ')}\n${run.stderr.slice(-800)}`;

test('REQ-AUD-03 (client attempts): a log that writes the secrets down a second late fails; one that records none of the attempts is not judged', { timeout: 180_000 }, async () => {
  // No browser: a target without a login page has only this scenario, and the browser's slowness must not hide the lag.
  const args = ['features/audit.feature', '--tags', '@REQ-AUD-03 and not @browser'];
  const late = await runWithFault('audit-logs-secrets-late', args, 120_000);
  assert.equal(verdictOf(late, 'REQ-AUD-03').verdict, 'failed', said(late, 'REQ-AUD-03'));
  assert.match(verdictOf(late, 'REQ-AUD-03').diagnoses[0]!, /got the client secret of ctk-system \(system\) \(as is\).*the log shows 2 of the 2 attempts/);

  const unrecorded = await runWithFault('audit-misses-failures,audit-misses-successes', args, 120_000);
  const aud03 = verdictOf(unrecorded, 'REQ-AUD-03');
  assert.equal(aud03.verdict, 'not-testable', said(unrecorded, 'REQ-AUD-03'));
  assert.match(aud03.reason ?? '', /the audit log \(0 entries, read for 3 s\) shows none of the scenario's attempts/);

  const clean = await runWithFault('', args, 120_000);
  assert.equal(verdictOf(clean, 'REQ-AUD-03').verdict, 'passed', said(clean, 'REQ-AUD-03'));
});

test('REQ-INTRO-04/-05: an endpoint that answers "active": false to every token does not pass them; the correct one does', { timeout: 180_000 }, async () => {
  const args = ['features/introspection.feature', '--tags', '@REQ-INTRO-04'];
  const never = await runWithFault('introspection-never-active', args, 120_000);
  for (const id of ['REQ-INTRO-04', 'REQ-INTRO-05']) {
    const v = verdictOf(never, id);
    assert.equal(v.verdict, 'not-testable', `${id}: ${said(never, id)}`);
    assert.match(v.reason ?? '', /blocked: the introspecting client's own introspection of a fresh token of ctk-system is not active \(HTTP 200, active=false/);
  }
  const clean = await runWithFault('', args, 120_000);
  for (const id of ['REQ-INTRO-04', 'REQ-INTRO-05']) assert.equal(verdictOf(clean, id).verdict, 'passed', `${id}: ${said(clean, id)}`);
});

test('REQ-ANON-05: a failed login refused by a token endpoint that refuses every login proves nothing; the correct one passes it', { timeout: 180_000 }, async () => {
  // Both rows: the system client's wrong secret (control: its ordinary request) and the customer's wrong password
  // (control: the same password login with the right password), each refused like everything else here.
  const args = ['features/anonymous-fallback.feature', '--tags', '@REQ-ANON-05'];
  const refusing = await runWithFault('token-endpoint-refuses-everything-401', args, 120_000);
  const anon05 = verdictOf(refusing, 'REQ-ANON-05');
  assert.equal(anon05.verdict, 'not-testable', said(refusing, 'REQ-ANON-05'));
  // Either control refused, or, first, the run-wide root (valid-credentials-refused.ts) on a control's own refusal.
  assert.match(said(refusing, 'REQ-ANON-05'), /the ordinary token request of ctk-system is refused too|the password login of \S+ with the right password gets no token either|refuses the system client's valid secret with HTTP Basic .* and in the form body too .*REQ-TOK-01 reports that refusal/);
  const clean = await runWithFault('', args, 120_000);
  assert.equal(verdictOf(clean, 'REQ-ANON-05').verdict, 'passed', said(clean, 'REQ-ANON-05'));
});

/**
 * A token endpoint whose form bodies never arrive (a proxy that drops or re-encodes them) answers every request as one
 * without grant_type: 400 invalid_request. `healthy`: the same endpoint, serving a request that carries
 * grant_type=client_credentials, as a correct one does.
 */
async function bodyLosingEndpoint(healthy: boolean): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
      if (healthy && new URLSearchParams(body).get('grant_type') === 'client_credentials') json(200, { access_token: 'tok-4711', token_type: 'Bearer', expires_in: 300 });
      else json(400, { error: 'invalid_request', error_description: 'grant_type is missing' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The parts of CtkWorld the token request and the checks use (support/world.ts registers itself with cucumber). */
function worldAt(url: string) {
  const target: TargetDescription = {
    name: 'body-losing endpoint',
    kind: 'external',
    issuer: url,
    tokenEndpoint: `${url}/token`,
    jwksUri: `${url}/jwks`,
    clients: { system: { clientId: 'ep-client', clientSecret: 'ep-secret-0815', scopes: ['read'] } },
    users: [],
    capabilities: {},
    limits: { clockSkewSeconds: 0, requestTimeoutMs: 2_000, maxRequestsPerSecond: 0, maxRequestsPerRun: 0 },
    sourceAddresses: [],
  };
  setCurrentTarget(target);
  const sink = findingSink();
  const world = {
    ...sink,
    requirementIds: ['REQ-TOK-10'],
    get target() {
      return currentTarget();
    },
    state: new ScenarioState(),
    log: () => undefined,
    send: (request: HttpRequest) => send({ timeoutMs: 2_000, ...request }),
  };
  return world as typeof world & CtkWorld;
}

/** The scenario's request: the system client's credentials, no grant_type (as features/token-issuance.feature sends it). */
async function withoutGrantType(world: CtkWorld): Promise<Exchange> {
  const { headers, body } = tokenRequestBody(world.target.clients.system, {}, world.target);
  const form = new URLSearchParams(body);
  form.delete('grant_type');
  return world.send({ method: 'POST', url: world.target.tokenEndpoint, headers, body: form.toString() });
}

test('REQ-TOK-10: invalid_request from an endpoint that refuses every request held before; now the scenario is blocked on REQ-TOK-01', async () => {
  const endpoint = await bodyLosingEndpoint(false);
  try {
    const world = worldAt(endpoint.url);
    const answer = await withoutGrantType(world);
    // The false pass: the refusal judge alone finds all it asks for (an answer, no token, a JSON error, the code, 400).
    judgeRefusal(world, answer, { requirement: 'REQ-TOK-10', codes: ['invalid_request', 'unsupported_grant_type'], situation: 'a request without grant_type', formatRequirement: 'REQ-TOK-09', statusRequirement: 'REQ-TOK-17' });
    assert.deepEqual(world.checks.filter((c) => c.requirementId === 'REQ-TOK-10').map((c) => c.outcome), ['holds', 'holds', 'holds']);
    // The control: the ordinary request is refused too.
    await assert.rejects(refusalUnderControl(world, answer, 'a request without grant_type'), (error: unknown) => {
      assert.ok(error instanceof PrerequisiteBlocked);
      assert.equal(error.blockedBy, 'REQ-TOK-01');
      assert.match(error.reason, /^blocked: the ordinary token request of ep-client is refused too \(HTTP 400.*invalid_request.*\), so the answer to a request without grant_type .* proves nothing about it/);
      assert.doesNotMatch(error.reason, /ep-secret-0815/);
      return true;
    });
  } finally {
    await endpoint.close();
  }
});

test('REQ-TOK-10: where the ordinary request gets a token, the refusal of the one without grant_type is judged', async () => {
  const endpoint = await bodyLosingEndpoint(true);
  try {
    const world = worldAt(endpoint.url);
    const answer = await withoutGrantType(world);
    assert.equal(answer.response?.status, 400);
    await refusalUnderControl(world, answer, 'a request without grant_type');
  } finally {
    await endpoint.close();
  }
});

test('REQ-ID-04: a customer-data route that refuses a customer its own records does not pass "another customer\'s data is refused"', { timeout: 180_000 }, async () => {
  const args = ['features/system-vs-human-identity.feature', '--tags', '@REQ-ID-04'];
  const refusing = (run: Run) => run.verdicts.scenarios.filter((s) => s.name.startsWith('A human token is refused another customer'));
  const all = await runWithFault('customer-data-refused-to-humans', args, 120_000);
  assert.equal(refusing(all).length, 2, said(all, 'REQ-ID-04'));
  for (const s of refusing(all)) {
    const c = s.contributions.get('REQ-ID-04')!;
    assert.equal(c.verdict, 'not-testable', `${s.name}: ${c.reason}`);
    assert.match(c.reason ?? '', /positive control failed: the same token's request for its own customer's records \(\S+\) on the customer-data route was not served \(HTTP 403/);
  }
  // The fault is REQ-ID-04's all the same: the scenarios where the customer reads its own data fail.
  assert.equal(verdictOf(all, 'REQ-ID-04').verdict, 'failed', said(all, 'REQ-ID-04'));
  const clean = await runWithFault('', args, 120_000);
  for (const s of refusing(clean)) assert.equal(s.contributions.get('REQ-ID-04')!.verdict, 'passed', `${s.name}: ${said(clean, 'REQ-ID-04')}`);
  assert.equal(verdictOf(clean, 'REQ-ID-04').verdict, 'passed', said(clean, 'REQ-ID-04'));
});

/**
 * The token endpoint's features against a token endpoint that refuses EVERY request, the correct ones too, with a
 * well-formed RFC 6749 §5.2 error (reference faults token-endpoint-refuses-everything-401: 401 invalid_client with a
 * Basic challenge; -400: 400 invalid_request). Every refusal check finds there the refusal it asks for; before the
 * positive controls (support/oauth/refusal-control.ts) REQ-CAUTH-03/04/05/07/08/09/12 passed against the first,
 * REQ-CAUTH-06/07/12 against the second, and REQ-TOK-12/19 failed beside REQ-TOK-01. Now each of them is blocked,
 * naming the good request that was refused too.
 *
 * A requirement of the token endpoint may pass here only if what it judges does not depend on the endpoint serving
 * anything. The list, and why each other candidate is NOT on it:
 * - REQ-TOK-18 (TLS): judged on the token endpoint's URL alone (https, or a loopback address); no request is sent, so
 *   no answer could make it pass or fail.
 * Not listed, because they have a control:
 * - REQ-TOK-13 (no token for a GET, or for credentials in the URI) is about refusals, and looks like it could pass on
 *   any refusal; but "no token" proves something only of a request the endpoint would otherwise serve, so the same
 *   request as a proper POST must get a token first (token-requests.ts requestWithCredentialsInUri) — blocked here.
 * - REQ-TOK-14 and REQ-TOK-21 fail only on a 5xx or a hang, so any 4xx passed; but a 4xx from an endpoint that
 *   refuses the ordinary request too never read the JSON, padded or multipart body they are about.
 * - REQ-TOK-24, -25, -27 (the secret not repeated, no-store, the characters of error_description) are read off the
 *   error answer itself; an endpoint that refuses everything answers from a place its real error path never reaches
 *   (a proxy, a check in front), so its silence or its no-store says nothing about the errors it gives once it works.
 * - REQ-TOK-09, REQ-TOK-17 and REQ-CAUTH-08/09 (an error's format, status, code, challenge) ride on the refusal
 *   scenarios above and are blocked with them.
 */
const PASSES_WITHOUT_A_TOKEN: Readonly<Record<string, string>> = {
  'REQ-TOK-18': "judged on the token endpoint's URL alone: no request is sent",
};
const TOKEN_ENDPOINT_FEATURES = ['features/token-issuance.feature', 'features/client-authentication.feature', 'features/token-endpoint-hygiene.feature'];
const ofTheTokenEndpoint = (id: string) => /^REQ-(TOK|CAUTH)-/.test(id);

for (const [fault, refusal] of [
  ['token-endpoint-refuses-everything-401', /HTTP 401.*invalid_client/],
  ['token-endpoint-refuses-everything-400', /HTTP 400.*invalid_request/],
] as const) {
  test(`${fault}: no requirement of the token endpoint passes but ${Object.keys(PASSES_WITHOUT_A_TOKEN).join(', ')}; the refusal checks are blocked on their control`, { timeout: 180_000 }, async () => {
    const run = await runWithFault(fault, TOKEN_ENDPOINT_FEATURES, 120_000);
    assert.ok(run.verdicts.scenarios.length > 20, `the run ran ${run.verdicts.scenarios.length} scenarios: ${run.stderr.slice(-800)}`);
    const passed = run.verdicts.requirements.filter((r) => r.verdict === 'passed' && ofTheTokenEndpoint(r.requirement.id)).map((r) => r.requirement.id);
    assert.deepEqual(passed.filter((id) => !(id in PASSES_WITHOUT_A_TOKEN)), [], 'passed against an endpoint that refuses every request');
    assert.equal(verdictOf(run, 'REQ-TOK-01').verdict, 'failed', said(run, 'REQ-TOK-01'));
    // The refusals the audit found passing (or failing beside REQ-TOK-01): blocked, naming the good request refused too.
    for (const id of ['REQ-CAUTH-03', 'REQ-CAUTH-04', 'REQ-CAUTH-05', 'REQ-CAUTH-06', 'REQ-CAUTH-07', 'REQ-CAUTH-12', 'REQ-TOK-10', 'REQ-TOK-12', 'REQ-TOK-19', 'REQ-TOK-24']) {
      const v = verdictOf(run, id);
      assert.equal(v.verdict, 'not-testable', `${id}: ${said(run, id)}`);
      // The control's own refusal, or (a 401 counts as a failed login) the run-wide root on it: both blocked on REQ-TOK-01.
      assert.match(v.reason ?? '', /^blocked: (the (ordinary )?token request of ctk-system .*is refused too \(HTTP 4|the valid credentials of ctk-system sent .*the token endpoint refuses the system client's valid secret .*REQ-TOK-01 reports that refusal)/, `${id}: ${said(run, id)}`);
      assert.match(v.reason ?? '', refusal, id);
    }
    // A wrong secret in the form body is judged against the right secret in the form body (the reference's system client may use it).
    assert.match(verdictOf(run, 'REQ-CAUTH-04').reason ?? '', /with its own secret sent in the form body is refused too|the valid credentials of ctk-system sent in the form body got HTTP 40[01]/);
  });
}

test('REQ-ANON-05, customer row: where the web client may not use the password grant the row does not apply; where the right password is refused otherwise it is not testable', async () => {
  const customer = { username: 'alice', password: 'stub-password-0815', customerId: 'c-1' };
  const worldAnswering = (status: number, body: object) => {
    const marks: string[] = [];
    const sink = findingSink();
    const world = {
      ...sink,
      state: new ScenarioState(),
      target: {
        tokenEndpoint: 'http://127.0.0.1:1/token',
        clients: { system: { clientId: 'ctk-system', clientSecret: 'stub-secret-0815', scopes: ['items:read'] }, web: { clientId: 'ctk-web', clientSecret: 'stub-web-0815', scopes: [] } },
        users: [customer],
        capabilities: {},
        limits: {},
      },
      log: () => undefined,
      send: async (request: HttpRequest): Promise<Exchange> => ({ request, response: { status, headers: { 'content-type': 'application/json' }, rawHeaders: [['content-type', 'application/json']], body: JSON.stringify(body) }, startedAt: 0, durationMs: 1 }),
      notApplicable: (_ids: readonly string[], reason: string) => (marks.push(reason), 'skipped' as const),
    };
    return { world: world as unknown as CtkWorld, marks, sink };
  };
  const failedLogin = (world: CtkWorld) => ({ login: { request: { method: 'POST', url: world.target.tokenEndpoint }, response: { status: 400, headers: {}, rawHeaders: [], body: '{"error":"invalid_grant"}' }, startedAt: 0, durationMs: 1 } as Exchange, kind: 'the first test customer with a wrong password' as const });

  const noPasswordGrant = worldAnswering(400, { error: 'unsupported_grant_type' });
  assert.equal(await judgeFailedLoginAnonymous(noPasswordGrant.world, 'REQ-ANON-05', failedLogin(noPasswordGrant.world)), 'skipped');
  assert.match(noPasswordGrant.marks[0]!, /does not log customers in with a password sent to the token endpoint/);
  assert.equal(noPasswordGrant.sink.checks.length, 0, 'nothing judged on a login the target does not offer');

  const refusingAll = worldAnswering(401, { error: 'invalid_client' });
  await assert.rejects(judgeFailedLoginAnonymous(refusingAll.world, 'REQ-ANON-05', failedLogin(refusingAll.world)), (e: Error) => e instanceof NotTestableError && /with the right password gets no token either/.test(e.message));
  assert.equal(refusingAll.sink.checks.length, 0);

  const served = worldAnswering(200, { access_token: 'stub-token', token_type: 'Bearer', expires_in: 60 });
  assert.equal(await judgeFailedLoginAnonymous(served.world, 'REQ-ANON-05', failedLogin(served.world)), undefined);
  assert.deepEqual(served.sink.checks.map((c) => c.outcome), ['holds']);
  assert.ok(!JSON.stringify(served.sink.checks).includes(customer.password), 'the password is in no record');
});

/**
 * One cause, one finding between the three scenarios that send the system client's own secret (support/oauth/
 * auth-method-cause.ts): its ordinary request (REQ-TOK-01, HTTP Basic on the reference), HTTP Basic (REQ-CAUTH-01) and
 * the form body (REQ-CAUTH-02). Before, ignore-basic-auth failed REQ-CAUTH-01 and REQ-TOK-01, and an endpoint that
 * refuses everything failed all three. Now, in a run of the token endpoint's features, the other way decides: a
 * method refused where the other way gets a token is that method's finding (REQ-TOK-01 not judged on it); refused
 * both ways, REQ-TOK-01's (REQ-CAUTH-01/-02 blocked on it, with both answers).
 */
for (const [fault, finding] of [
  ['ignore-basic-auth', 'REQ-CAUTH-01'],
  ['ignore-body-credentials', 'REQ-CAUTH-02'],
  ['token-endpoint-refuses-everything-401', 'REQ-TOK-01'],
] as const) {
  test(`${fault}: the token endpoint's features find ${finding} alone among REQ-TOK-01, REQ-CAUTH-01 and REQ-CAUTH-02`, { timeout: 180_000 }, async () => {
    const run = await runWithFault(fault, TOKEN_ENDPOINT_FEATURES, 120_000);
    assert.ok(run.verdicts.scenarios.length > 20, `the run ran ${run.verdicts.scenarios.length} scenarios: ${run.stderr.slice(-800)}`);
    const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
    assert.deepEqual(failed, [finding], `failed: ${failed.join(', ')}\n${said(run, finding)}`);
    if (finding === 'REQ-CAUTH-01') {
      const tok01 = verdictOf(run, 'REQ-TOK-01');
      assert.equal(tok01.verdict, 'not-testable', said(run, 'REQ-TOK-01'));
      assert.match(tok01.reason ?? '', /REQ-CAUTH-01's finding explains this answer \(the valid credentials of ctk-system sent in the form body get a token/);
    }
    if (finding === 'REQ-CAUTH-02') assert.equal(verdictOf(run, 'REQ-TOK-01').verdict, 'passed', said(run, 'REQ-TOK-01'));
    if (finding === 'REQ-TOK-01') {
      for (const id of ['REQ-CAUTH-01', 'REQ-CAUTH-02']) {
        const v = verdictOf(run, id);
        assert.equal(v.verdict, 'not-testable', `${id}: ${said(run, id)}`);
        assert.match(v.reason ?? '', /^blocked: .* got HTTP 401.*, and the valid credentials of ctk-system sent (with HTTP Basic|in the form body) are refused too \(HTTP 401.*whatever the method; REQ-TOK-01 reports/, id);
      }
    }
  });
}

/** A token endpoint that serves the client's secret sent one way only (`serves`), or none; counts the requests. */
async function oneWayEndpoint(serves: 'basic' | 'body' | 'none'): Promise<{ url: string; requests: () => number; close: () => Promise<void> }> {
  let requests = 0;
  const server = createServer((req, res) => {
    requests++;
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const way = /^basic /i.test(req.headers.authorization ?? '') ? 'basic' : new URLSearchParams(body).has('client_secret') ? 'body' : 'none';
      const json = (status: number, value: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(value));
      if (serves !== 'none' && way === serves) json(200, { access_token: 'tok-4711', token_type: 'Bearer', expires_in: 300 });
      else json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="ep"' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests: () => requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** worldAt with the system client registered `registration` and the target claiming client-secret-post. */
function worldRegistered(url: string, registration: 'client_secret_basic' | 'client_secret_post') {
  const world = worldAt(url);
  const target = currentTarget();
  setCurrentTarget({ ...target, capabilities: { 'client-secret-post': true }, clients: { system: { ...target.clients.system, tokenEndpointAuthMethod: registration } } });
  return world;
}

test('a client registered for HTTP Basic only: its refused Basic request is REQ-TOK-01\'s finding, REQ-CAUTH-01 blocked on it, no other way tried', async () => {
  const endpoint = await oneWayEndpoint('none');
  try {
    const world = worldRegistered(endpoint.url, 'client_secret_basic');
    const answer = await world.send({ method: 'POST', url: world.target.tokenEndpoint, ...tokenRequestBody(world.target.clients.system, { method: 'basic' }, world.target) });
    await assert.rejects(methodRefusalUnderControl(world, answer, 'basic', 'the valid credentials of ep-client sent with HTTP Basic'), (error: unknown) => {
      assert.ok(error instanceof PrerequisiteBlocked);
      assert.equal(error.blockedBy, 'REQ-TOK-01');
      assert.match(error.reason, /got HTTP 401.*, and ep-client has no other way to send its secret here/);
      assert.doesNotMatch(error.reason, /ep-secret-0815/);
      return true;
    });
    assert.equal(endpoint.requests(), 1, 'only the scenario\'s own request');
  } finally {
    await endpoint.close();
  }
});

test('a client registered for the form body, served with HTTP Basic only: its refused ordinary request is REQ-CAUTH-02\'s finding, REQ-TOK-01 not judged on it', async () => {
  const endpoint = await oneWayEndpoint('basic');
  try {
    const world = worldRegistered(endpoint.url, 'client_secret_post');
    const answer = await world.send({ method: 'POST', url: world.target.tokenEndpoint, ...tokenRequestBody(world.target.clients.system, {}, world.target) });
    assert.equal(answer.response?.status, 401);
    await assert.rejects(ordinaryRefusalExplainedByMethod(world, answer, 'the valid credentials of ep-client sent in the form body'), /REQ-CAUTH-02/);
    const tok01 = world.checks.filter((c) => c.requirementId === 'REQ-TOK-01');
    assert.deepEqual(tok01.map((c) => c.outcome), ['could-not-judge']);
    assert.match(tok01[0]!.observed, /^REQ-CAUTH-02's finding explains this answer \(the valid credentials of ep-client sent with HTTP Basic get a token \(HTTP 200\)/);
    // And REQ-CAUTH-02's own scenario: HTTP Basic served, so its refusal is judged (and fails there).
    assert.equal(await methodRefusalUnderControl(world, answer, 'body', 'the credentials of ep-client sent in the form body'), true);
  } finally {
    await endpoint.close();
  }
});

test('a token endpoint that refuses HTTP Basic: REQ-CAUTH-01 is the one finding across every feature whose clients use it, and the run\'s own address is never blocked', { timeout: 300_000 }, async () => {
  // Every client of the reference authenticates with HTTP Basic by default: the system client, the short-TTL and
  // rotation clients, the web client's code redemptions, the audit's successful login, the DPoP request. Before,
  // their refusals failed REQ-TOK-01 for two more clients, REQ-PKCE-01/-02, REQ-HUM-05, REQ-AUTHZ-05/-08, REQ-ROT-01,
  // REQ-AUD-01, REQ-DPOP-01, and the refused requests got 127.0.0.1 blocked (connection errors everywhere after).
  const features = ['token-issuance', 'client-authentication', 'human-login', 'authorization-endpoint', 'secret-rotation', 'audit', 'dpop'].map((f) => `features/${f}.feature`);
  const run = await runWithFault('ignore-basic-auth', features, 240_000);
  const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
  assert.deepEqual(failed, ['REQ-CAUTH-01'], failed.map((id) => `${id}: ${said(run, id)}`).join('\n'));
  const dropped = run.verdicts.requirements.filter((r) => /UND_ERR_SOCKET|ERR_EMPTY_RESPONSE|no HTTP answer/.test(`${r.reason ?? ''} ${r.diagnoses.join(' ')}`));
  assert.deepEqual(dropped.map((r) => r.requirement.id), [], 'no request met a blocked address');
  // The checks whose own requests name HTTP Basic (the rotation's, the DPoP request) are blocked on REQ-CAUTH-01 ...
  for (const id of ['REQ-ROT-01', 'REQ-DPOP-01']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /blocked: the valid credentials of \S+ sent with HTTP Basic got HTTP 401.*the token endpoint refuses that way itself.*REQ-CAUTH-01 reports that/);
  }
  // ... while the requests that leave the method to the registration (a code redemption, the set-up tokens) go in the
  // form body once HTTP Basic is found refused to every client (token-client.ts requestToken), and are judged: before,
  // REQ-PKCE-01, -02 and REQ-HUM-05 were not testable too (147 requirements in a whole run).
  for (const id of ['REQ-PKCE-01', 'REQ-PKCE-02', 'REQ-HUM-05']) assert.equal(verdictOf(run, id).verdict, 'passed', said(run, id));
});

for (const [fault, status] of [
  ['token-endpoint-refuses-everything-401', '401'],
  ['token-endpoint-refuses-everything-400', '400'],
] as const) {
  test(`${fault}: REQ-TOK-01 is the one finding across the features whose clients send one, the rate limit's recovery and the audit included`, { timeout: 360_000 }, async () => {
    // The -401 endpoint records its refusals (seed 004) like any other failure; the -400 one refuses before it reads
    // any credentials, so REQ-AUD-02 finds no failed attempt and is blocked on its control (audit-checks.ts). The
    // JWT-assertion and mTLS clients send no secret of the system client's, but their correct requests are refused
    // alike the system client's valid secret both ways: blocked on REQ-TOK-01 too (before, REQ-PKJWT-01, REQ-CSJWT-01
    // and REQ-MTLS-01 failed beside it; with -400 also REQ-PKCE-01/-02, REQ-HUM-05, REQ-AUTHZ-05/-08, REQ-ROT-01,
    // REQ-AUD-01/-02, REQ-DPOP-01, REQ-RL-08: valid-credentials-refused.ts refusedAlike).
    const features = ['token-issuance', 'client-authentication', 'human-login', 'authorization-endpoint', 'secret-rotation', 'dpop', 'rate-limits', 'audit', 'jwt-client-authentication', 'client-secret-jwt', 'mtls'].map((f) => `features/${f}.feature`);
    const run = await runWithFault(fault, features, 280_000);
    const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
    assert.deepEqual(failed, ['REQ-TOK-01'], failed.map((id) => `${id}: ${said(run, id)}`).join('\n'));
    const blockedOnTheSecret = new RegExp(`blocked: the valid credentials of \\S+ sent with HTTP Basic got HTTP ${status}.*refuses the system client's valid secret with HTTP Basic \\(HTTP ${status}.*and in the form body too.*REQ-TOK-01 reports that refusal`);
    for (const id of ['REQ-PKCE-01', 'REQ-DPOP-01', 'REQ-RL-08', ...(status === '400' ? ['REQ-HUM-05', 'REQ-ROT-01', 'REQ-AUD-01'] : [])]) {
      assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
      assert.match(verdictOf(run, id).reason ?? '', blockedOnTheSecret, id);
    }
    for (const id of ['REQ-PKJWT-01', 'REQ-CSJWT-01', 'REQ-MTLS-01']) {
      assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
      assert.match(verdictOf(run, id).reason ?? '', new RegExp(`blocked: a .* got HTTP ${status}.*refuses the system client's valid secret with HTTP Basic \\(HTTP ${status}.*it refuses valid credentials whatever they are, REQ-TOK-01 reports that refusal`), id);
    }
    // The failed attempt no entry shows: blocked, its control (the right secret, refused alike) on REQ-TOK-01.
    if (status === '400') assert.match(verdictOf(run, 'REQ-AUD-02').reason ?? '', /^blocked: .*HTTP 400.*REQ-TOK-01 reports that refusal/, said(run, 'REQ-AUD-02'));
  });
}

test('REQ-ID-17: a gateway that validates nothing does not get a least-privilege warning beside REQ-ANON-04; one that serves the front end everywhere does', { timeout: 180_000 }, async () => {
  const args = ['features/front-end-system-user.feature', '--tags', '@REQ-ID-17'];
  const nothing = await runWithFault('gateway-validates-nothing', args, 120_000);
  assert.equal(verdictOf(nothing, 'REQ-ID-17').verdict, 'not-testable', said(nothing, 'REQ-ID-17'));
  assert.match(verdictOf(nothing, 'REQ-ID-17').reason ?? '', /serves the front end's token with its signature spoiled too \(HTTP 200\): the gateway validates no token there/);
  const unconfined = await runWithFault('front-end-system-user-unconfined', args, 120_000);
  assert.equal(verdictOf(unconfined, 'REQ-ID-17').verdict, 'warning', said(unconfined, 'REQ-ID-17'));
});

test('REQ-JWKS-01: a gateway that served every sprayed token is said to verify no signature, not to take its keys from elsewhere', { timeout: 180_000 }, async () => {
  const args = ['features/jwks-robustness.feature', '--tags', '@REQ-JWKS-01'];
  const nothing = await runWithFault('gateway-validates-nothing', args, 120_000);
  assert.equal(verdictOf(nothing, 'REQ-JWKS-01').verdict, 'not-testable', said(nothing, 'REQ-JWKS-01'));
  assert.match(verdictOf(nothing, 'REQ-JWKS-01').reason ?? '', /served every token signed with a key it never saw .*it verifies no signature there/);
  assert.doesNotMatch(verdictOf(nothing, 'REQ-JWKS-01').reason ?? '', /takes its keys from elsewhere/);
});

test('a token endpoint that issues tokens with 201: REQ-TOK-01 is the one finding, and the scenarios that need a token go on with it', { timeout: 180_000 }, async () => {
  // Before: tokenResponseOf read only a 200 as a token, so REQ-TTL-01, REQ-DISC-02 failed with "no access token in this
  // scenario yet" (an error), REQ-DISC-11 on "never 404/405/410", REQ-MTLS-01 and REQ-PKJWT-01 on the status, each
  // beside REQ-TOK-01.
  const features = ['features/expiry-and-ttl.feature', 'features/discovery.feature', 'features/mtls.feature', 'features/jwt-client-authentication.feature'];
  const args = [...features, '--tags', '@REQ-TTL-01 or @REQ-DISC-02 or @REQ-DISC-11 or @REQ-MTLS-01 or @REQ-PKJWT-01'];
  const run = await runWithFault('token-status-201', args, 120_000);
  const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
  assert.deepEqual(failed, ['REQ-TOK-01'], run.stderr.slice(-1_500));
  for (const id of ['REQ-TTL-01', 'REQ-DISC-02', 'REQ-DISC-11']) assert.equal(verdictOf(run, id).verdict, 'passed', said(run, id));
  for (const id of ['REQ-MTLS-01', 'REQ-PKJWT-01']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /REQ-TOK-01's finding explains this answer \(the token was issued with HTTP 201 instead of 200/);
  }
});

test('a 500 to a caller without credentials: REQ-BEARER-12 is the one finding, REQ-ANON-04 is not judged on it', { timeout: 180_000 }, async () => {
  // Before: REQ-ANON-04 ("refused with a 4xx, never reaching the resource") failed on the same 500, on three routes.
  const args = ['features/anonymous-fallback.feature', '--tags', '@REQ-ANON-04'];
  const run = await runWithFault('no-credentials-server-error', args, 120_000);
  const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
  assert.deepEqual(failed, ['REQ-BEARER-12'], run.stderr.slice(-1_500));
  assert.notEqual(verdictOf(run, 'REQ-ANON-04').verdict, 'passed', 'the 500 proves nothing about validation, so no pass either');
  const clean = await runWithFault('', args, 120_000);
  assert.equal(verdictOf(clean, 'REQ-ANON-04').verdict, 'passed', said(clean, 'REQ-ANON-04'));
});

test('an https endpoint with an expired certificate: REQ-TLS-06 is the one finding, every other check is blocked on it', { timeout: 180_000 }, async () => {
  // Before: REQ-TOK-01, REQ-DISC-01 and 18 more failed on "no HTTP answer (CERT_HAS_EXPIRED)" beside REQ-TLS-06.
  const args = ['features/tls.feature', 'features/token-issuance.feature', 'features/discovery.feature', '--tags', 'not @browser'];
  const run = await runWithFault('expired-certificate', args, 150_000);
  const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
  assert.deepEqual(failed, ['REQ-TLS-06'], run.stderr.slice(-1_500));
  for (const id of ['REQ-TOK-01', 'REQ-DISC-01']) {
    assert.equal(verdictOf(run, id).verdict, 'not-testable', said(run, id));
    assert.match(verdictOf(run, id).reason ?? '', /^blocked: https:\/\/\S+ presents a certificate the kit cannot trust \(CERT_HAS_EXPIRED\).*REQ-TLS-06 reports the certificate/);
  }
});

test('a certificate failure blocks on the TLS requirement it breaks, except in the TLS scenarios that probe it', () => {
  const failed = (code: string): Exchange => ({ request: { method: 'GET', url: 'https://idp.example:8443/token' }, transportError: { code, message: code }, startedAt: 0, durationMs: 3 });
  assert.equal(certificateFailureOf(failed('CERT_HAS_EXPIRED')), 'REQ-TLS-06');
  assert.equal(certificateFailureOf(failed('ERR_TLS_CERT_ALTNAME_INVALID')), 'REQ-TLS-05');
  assert.equal(certificateFailureOf(failed('ECONNRESET')), undefined, 'a reset is no certificate failure (an IP block shows one)');
  assert.throws(() => blockOnUntrustedCertificate(failed('DEPTH_ZERO_SELF_SIGNED_CERT'), ['REQ-TOK-01']), (error: unknown) => {
    assert.ok(error instanceof PrerequisiteBlocked);
    assert.equal(error.blockedBy, 'REQ-TLS-06');
    assert.match(error.reason, /^blocked: https:\/\/idp\.example:8443 presents a certificate the kit cannot trust \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
    return true;
  });
  blockOnUntrustedCertificate(failed('CERT_HAS_EXPIRED'), ['REQ-TLS-06']);
  blockOnUntrustedCertificate(failed('ECONNRESET'), ['REQ-TOK-01']);
});

test('a token that names another client: REQ-JWT-12 is the one finding of the front end\'s system identity too', { timeout: 180_000 }, async () => {
  // Before: REQ-ID-16 ("the component receives the website as the system") failed beside it on the same token.
  const args = ['features/front-end-system-user.feature', '--tags', '@REQ-ID-16'];
  const run = await runWithFault('client-id-claim-other-client', args, 120_000);
  const failed = run.verdicts.requirements.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id);
  assert.deepEqual(failed, ['REQ-JWT-12'], run.stderr.slice(-1_500));
  assert.match(said(run, 'REQ-ID-16'), /REQ-JWT-12's finding explains this answer/);
  const clean = await runWithFault('', args, 120_000);
  assert.equal(verdictOf(clean, 'REQ-ID-16').verdict, 'passed', said(clean, 'REQ-ID-16'));
});
