/**
 * No false alarm on a correct product: the reference started with every conformant variation
 * (reference/variations.ts) — behaviours real IdPs and gateways show and the clauses allow — must pass the whole
 * suite without a failure or a warning. Each variation is first shown to be in effect (a probe of the behaviour
 * it names), so a variation that silently does nothing cannot make this test pass.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { VARIATIONS } from '../../reference/variations.ts';
import { FAULTS } from '../../reference/faults.ts';
import { ReferenceStack } from '../../reference/stack.ts';
import { loadReferenceFixtures } from '../../reference/fixtures.ts';
import { SlidingWindow } from '../../reference/idp/rate-limit.ts';
import { retryAfterValue } from '../../reference/idp/idp.ts';
import { basicAuthorization } from '../../support/oauth/token-client.ts';
import { closeConnections, jsonOf, send, type Exchange } from '../../support/http/exchange.ts';
import { KIT_ROOT } from '../../support/traceability.ts';
import { runWithFault } from './run-with-fault.ts';

const NAMES = VARIATIONS.map((v) => v.name);

test('variations: named once, never a fault\'s name, each with the clause that allows it and a branch in its server', () => {
  assert.equal(new Set(NAMES).size, NAMES.length, 'duplicate variation names');
  assert.deepEqual(NAMES.filter((n) => FAULTS.some((f) => f.name === n)), [], 'a name is both a fault and a variation');
  for (const v of VARIATIONS) assert.ok(v.allowedBy.length > 20, `${v.name}: say which clause allows it`);
  const sources = (dir: string) =>
    readdirSync(join(KIT_ROOT, 'reference', dir)).filter((f) => f.endsWith('.ts')).map((f) => readFileSync(join(KIT_ROOT, 'reference', dir, f), 'utf8')).join('\n');
  for (const v of VARIATIONS) assert.match(sources(v.component), new RegExp(`faults\\.has\\('${v.name}'\\)`), `${v.name}: no branch in reference/${v.component}`);
});

test('sliding-window-rate-limit: at most the limit in any second, served again as the oldest leaves the window', () => {
  let now = 10_000;
  const window = new SlidingWindow(3, () => now);
  const served = () => window.check('ip').allowed;
  assert.deepEqual([served(), served(), served(), served()], [true, true, true, false]);
  now += 600;
  assert.equal(served(), false, 'a fixed window opened at the first request would still refuse; so does the sliding one');
  now += 400;
  assert.equal(served(), true, 'the first request left the window');
  assert.equal(served(), true);
  assert.equal(served(), true);
  const refused = window.check('ip');
  assert.ok(!refused.allowed && refused.retryAfterSeconds === 1);
  assert.equal(window.check('other-ip').allowed, true, 'per IP');
});

test('retry-after-http-date: rounded up to the next whole second, never before the wait is over', () => {
  const now = Date.UTC(2026, 10, 23, 12, 0, 0, 400);
  assert.equal(retryAfterValue(1, false, now), '1');
  assert.equal(retryAfterValue(1, true, now), 'Mon, 23 Nov 2026 12:00:02 GMT');
});

describe('the reference with every variation', () => {
  const fx = loadReferenceFixtures();
  const system = fx.clients.system!;
  let stack: ReferenceStack;
  before(async () => {
    stack = await ReferenceStack.start({ faults: NAMES });
  });
  after(async () => {
    await stack?.stop();
    await closeConnections();
  });

  const FORM = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  const tokenRequest = (params: Record<string, string>, options: { basic?: boolean; secret?: string; from?: string } = {}): Promise<Exchange> => {
    const secret = options.secret ?? system.clientSecret;
    const form = new URLSearchParams({ grant_type: 'client_credentials', ...params });
    const headers: Record<string, string> = { ...FORM };
    if (options.basic ?? true) headers.authorization = basicAuthorization(system.clientId, secret);
    else form.set('client_id', system.clientId), form.set('client_secret', secret);
    return send({ method: 'POST', url: `${stack.urls.idp}/token`, headers, body: form.toString(), timeoutMs: 5_000, ...(options.from ? { sourceAddress: options.from } : {}) });
  };
  const scope = system.scopes[0]!;

  test('each variation is in effect', async () => {
    // scope-required: refused without scope (after client authentication), served with it.
    const scopeless = await tokenRequest({});
    assert.equal(scopeless.response?.status, 400);
    assert.equal(jsonOf(scopeless)?.error, 'invalid_scope');
    assert.equal(jsonOf(await tokenRequest({}, { secret: 'wrong' }))?.error, 'invalid_client', 'client authentication is judged first');
    const served = await tokenRequest({ scope });
    assert.equal(served.response?.status, 200);
    const body = jsonOf(served) as Record<string, unknown>;
    assert.equal(body.token_type, 'bearer', 'lowercase-token-type');
    assert.equal(body['not-before-policy'], 0, 'token-response-extras');
    const claims = decodeJwt(String(body.access_token));
    assert.equal(claims.nbf, claims.iat, 'nbf-claim');
    assert.ok(Array.isArray(claims.aud) && claims.aud.length === 2, 'aud-array');
    assert.equal(decodeProtectedHeader(String(body.access_token)).typ, 'application/at+jwt', 'typ-application-at-jwt');
    const twoScopes = jsonOf(await tokenRequest({ scope: system.scopes.slice(0, 2).join(' ') })) as { scope: string };
    assert.equal(twoScopes.scope, system.scopes.slice(0, 2).reverse().join(' '), 'scope-reordered');

    // invalid-client-400-for-body-auth: 400 without a challenge in the body, still 401 + Basic with the header.
    const bodyAuth = await tokenRequest({ scope }, { basic: false, secret: 'wrong' });
    assert.equal(bodyAuth.response?.status, 400);
    assert.equal(bodyAuth.response?.headers['www-authenticate'], undefined);
    assert.equal((await tokenRequest({ scope }, { secret: 'wrong' })).response?.status, 401);

    // jwks-extra-keys
    const jwks = jsonOf(await send({ method: 'GET', url: `${stack.urls.idp}/jwks`, timeoutMs: 5_000 })) as { keys: { kty: string; alg?: string; use?: string }[] };
    assert.ok(jwks.keys.some((k) => k.kty === 'EC') && jwks.keys.some((k) => k.kty === 'RSA'), 'jwks-extra-keys');
    assert.ok(jwks.keys.every((k) => k.alg === undefined && k.use === undefined), 'jwks-minimal-members');

    // challenge-with-extras
    const refused = await send({ method: 'GET', url: `${stack.urls.gateway}${fx.routes.protected}`, headers: { authorization: 'Bearer not-a-token' }, timeoutMs: 5_000 });
    assert.equal(refused.response?.status, 401);
    assert.match(String(refused.response?.headers['www-authenticate']), /^Bearer error="invalid_token", error_description="[^"]*", realm="[^"]*", DPoP /);
    assert.equal(refused.response?.body.length, 0, 'gateway-empty-error-body');

    // retry-after-http-date: a burst of limit + 10 from one address meets 429s whose Retry-After is a date.
    const burst = await Promise.all(Array.from({ length: fx.limits.tokenRequestsPerSecond + 10 }, () => tokenRequest({ scope }, { from: '127.0.0.61' })));
    const limited = burst.filter((e) => e.response?.status === 429);
    assert.ok(limited.length > 0, 'the burst met the limit');
    for (const e of limited) assert.ok(!Number.isNaN(Date.parse(String(e.response?.headers['retry-after']))) && !/^\d+$/.test(String(e.response?.headers['retry-after'])));

    // blocked-ip-answers-403: failedAttempts wrong secrets, then the right one gets 403 instead of a dropped connection.
    for (let i = 0; i < fx.limits.ipBlock!.failedAttempts; i++) await tokenRequest({ scope }, { secret: 'wrong', from: '127.0.0.62' });
    const blocked = await tokenRequest({ scope }, { from: '127.0.0.62' });
    assert.equal(blocked.response?.status, 403, blocked.transportError?.code ?? '');
  });
});

// The client feature certifies a client under test (auth-ctk client), not the reference.
test('the suite passes the reference with every variation: no failure, no warning, nothing untestable', async () => {
  const run = await runWithFault(NAMES.join(','), ['features/', '--tags', 'not @client']);
  assert.ok(run.verdicts.scenarios.length > 0, `the suite ran no scenario: ${run.stderr}`);
  const unclean = run.verdicts.scenarios.filter((s) => s.requirementIds.length > 0 && s.verdict !== 'passed' && s.verdict !== 'not-run');
  assert.deepEqual(
    unclean.map((s) => `${s.uri}:${s.line} ${s.name} -> ${s.verdict} ${s.error ?? [...s.contributions.values()].flatMap((c) => c.diagnoses).join(' | ')}`),
    [],
    'a correct (varied) reference was not passed: a false alarm',
  );
});
