/**
 * The support logic behind the token-endpoint, JWT, expiry, discovery, rotation and audit features, without a
 * target: what is parsed, how tokens are forged and verified, how source addresses and request pacing are
 * rationed, how an audit log is searched. Fast and deterministic (no real clock waits); the token request tests
 * talk to a tiny in-test HTTP server on loopback, never to the reference.
 */
import { describe, test, before, after } from 'node:test';
import { createServer, type Server } from 'node:http';
import assert from 'node:assert/strict';
import { CompactSign, exportJWK, generateKeyPair, compactVerify, calculateJwkThumbprint } from 'jose';
import { RequestPacer } from '../support/oauth/pacing.ts';
import { addressForFailures, failureAddressPool, failureBudget, NoFailureAddressLeft, resetFailureAddresses } from '../support/oauth/source-address.ts';
import { challengeSchemes, issuedAToken } from '../support/oauth/token-errors.ts';
import { directivesOf, grantedScope, sameScopes } from '../support/oauth/token-response.ts';
import { changesUnderFormEncoding, encodingSensitiveSecret } from '../support/oauth/form-encoded-secret.ts';
import { accessTokenFor, basicAuthorization, requestToken, scopeSentIn, tokenRequestBody, tokenResponseOf, warmUpTokenRequests } from '../support/oauth/token-client.ts';
import { resetValidCredentialsRefused } from '../support/oauth/valid-credentials-refused.ts';
import { resetOwnAddressCount } from '../support/oauth/own-address-guard.ts';
import { attributeRefusedCredentials } from '../support/oauth/auth-method-cause.ts';
import { PrerequisiteBlocked, wrapBlocked } from '../support/verdict/blocked.ts';
import { keptTokenCurrent, resetSigningKeyRotations, secretChange, signingKeyRotated, signingKeyRotations } from '../support/oauth/signing-key-rotations.ts';
import { cappedTokenRequest, sendPacedTokenRequests } from '../support/load/paced-requests.ts';
import type { LoadCap } from '../support/load/load-cap.ts';
import { passwordLogin } from '../support/identity/human-login.ts';
import type { CtkWorld } from '../support/world.ts';
import { audiences, decodeJwt, isAsymmetric, isAtJwtType } from '../support/jwt/decode.ts';
import { privateMaterialIn, verifyWithJwks } from '../support/jwt/jwks.ts';
import { hmacWithPublicKey, publicKeyPem, signedWithForeignKey, unsecuredToken } from '../support/jwt/forge.ts';
import { bearerError } from '../support/jwt/gateway.ts';
import { certainlyExpiredAt, certainlyValidUntil, clockOffsetMs, EXPIRY_MARGIN_MS, lifetimeOf } from '../support/jwt/lifetime.ts';
import { findAttempt, leaksIn, normaliseEntry, secretForms } from '../support/admin/audit-log.ts';
import { judgeLoginRecorded } from '../support/admin/audit-checks.ts';
import type { ControlPlane } from '../support/admin/control-plane.ts';
import type { HumanLogin } from '../support/browser/human-login.ts';
import { RequirementViolation } from '../support/verdict/check.ts';
import { NotTestableError } from '../support/verdict/not-testable.ts';
import { isTlsOrLoopback, wellKnownCandidates } from '../support/discovery/metadata.ts';
import { tokenOnly } from '../support/oauth/issued.ts';
import { authorizationOf, closeConnections, send, type Exchange, type HttpRequest } from '../support/http/exchange.ts';
import type { TargetDescription } from '../support/target/target.ts';

const exchangeOf = (status: number, body: unknown, headers: Record<string, string> = {}, startedAt = 1_000_000, durationMs = 10): Exchange => ({
  request: { method: 'POST', url: 'http://127.0.0.1/token' },
  response: { status, headers, rawHeaders: Object.entries(headers), body: JSON.stringify(body) },
  startedAt,
  durationMs,
});

function target(overrides: Partial<TargetDescription> = {}): TargetDescription {
  return {
    name: 't',
    kind: 'reference',
    issuer: 'http://127.0.0.1:4000',
    tokenEndpoint: 'http://127.0.0.1:4000/token',
    jwksUri: 'http://127.0.0.1:4000/jwks',
    audience: 'https://api',
    gateway: { baseUrl: 'http://127.0.0.1:5000', routes: { protected: '/p', public: '/q', scoped: { method: 'POST', path: '/p', scope: 'w' } } },
    clients: { system: { clientId: 'sys', clientSecret: 'secret-sys', scopes: ['r'] } },
    users: [],
    capabilities: { 'ip-blocking': true },
    limits: { clockSkewSeconds: 1, requestTimeoutMs: 1000, maxRequestsPerSecond: 100, maxRequestsPerRun: 1000, ipBlock: { failedAttempts: 3, blockSeconds: 2 } },
    sourceAddresses: Array.from({ length: 10 }, (_, i) => `127.0.0.${i + 2}`),
    ...overrides,
  };
}

describe('request pacing under the token rate limit', () => {
  test('never lets more than 70 % of the limit through in any sliding second', async () => {
    let now = 0;
    const sent: number[] = [];
    const pacer = new RequestPacer(10, { now: () => now, sleep: async (ms) => void (now += ms) });
    for (let i = 0; i < 30; i++) {
      await pacer.acquire('default');
      sent.push(now);
      now += 5;
    }
    for (const t of sent) assert.ok(sent.filter((s) => s >= t && s < t + 1000).length <= 7, `window at ${t}`);
    assert.ok(now < 5_000, 'waits only as long as needed');
  });
});

describe('client IPs for refused requests', () => {
  test('hands out addresses from the middle of the list, each up to failedAttempts - 1 failures', () => {
    resetFailureAddresses();
    const t = target();
    assert.equal(failureBudget(t), 2);
    assert.deepEqual(failureAddressPool(t), ['127.0.0.7', '127.0.0.8', '127.0.0.9']);
    const got = Array.from({ length: 6 }, () => addressForFailures(t).sourceAddress);
    assert.deepEqual(got, ['127.0.0.7', '127.0.0.7', '127.0.0.8', '127.0.0.8', '127.0.0.9', '127.0.0.9']);
    assert.throws(() => addressForFailures(t), NoFailureAddressLeft);
  });

  test('parallel workers never share an address, and split the default address budget', () => {
    resetFailureAddresses();
    const t = target();
    assert.deepEqual(failureAddressPool(t, { id: 0, total: 2 }), ['127.0.0.7', '127.0.0.9']);
    assert.deepEqual(failureAddressPool(t, { id: 1, total: 2 }), ['127.0.0.8']);
    const remote = target({ tokenEndpoint: 'https://idp.example/token', gateway: { ...t.gateway!, baseUrl: 'https://api.example' }, limits: { ...t.limits, ipBlock: { failedAttempts: 5, blockSeconds: 1 } } });
    assert.equal(addressForFailures(remote, 1, { id: 0, total: 2 }).sourceAddress, undefined);
    assert.equal(addressForFailures(remote, 1, { id: 0, total: 2 }).sourceAddress, undefined);
    assert.throws(() => addressForFailures(remote, 1, { id: 0, total: 2 }), NoFailureAddressLeft, '4 / 2 workers = 2 each');
    resetFailureAddresses();
  });

  test('a target that does not block needs no ration; a remote target gets the default address', () => {
    resetFailureAddresses();
    assert.equal(failureBudget(target({ capabilities: {} })), Number.POSITIVE_INFINITY);
    const remote = target({ tokenEndpoint: 'https://idp.example/token', gateway: { ...target().gateway!, baseUrl: 'https://api.example' } });
    assert.deepEqual(failureAddressPool(remote), []);
    assert.equal(addressForFailures(remote).sourceAddress, undefined);
    resetFailureAddresses();
  });
});

describe('reading token endpoint answers', () => {
  test('Cache-Control / Pragma directives, case and arguments ignored', () => {
    assert.deepEqual(directivesOf('No-Store, max-age=0'), ['no-store', 'max-age']);
    assert.deepEqual(directivesOf(undefined), []);
  });

  test('WWW-Authenticate schemes, not auth-params', () => {
    assert.deepEqual(challengeSchemes('Basic realm="a, b", charset="UTF-8"'), ['basic']);
    assert.deepEqual(challengeSchemes('Bearer realm="x", error="invalid_token", Basic realm="y"'), ['bearer', 'basic']);
    assert.deepEqual(challengeSchemes('Negotiate'), ['negotiate']);
    assert.equal(bearerError('Bearer realm="x", error_description="bad", error="invalid_token"'), 'invalid_token');
    assert.equal(bearerError('Basic realm="x", error="invalid_token"'), undefined, 'no Bearer challenge');
    assert.equal(bearerError('Basic realm="x"'), undefined);
    // The Bearer challenge's own error, not the first "error=" of the value (RFC 9110 §11.6.1, RFC 6750 §3).
    assert.equal(bearerError('DPoP algs="ES256", error="use_dpop_nonce", Bearer realm="x", error="invalid_token"'), 'invalid_token');
    assert.equal(bearerError('Bearer error_description="rejected; error=expired, retry", error="invalid_token"'), 'invalid_token');
    assert.equal(bearerError('bearer error=invalid_token'), 'invalid_token', 'token (unquoted) value, scheme in any case');
  });

  test('a token counts as issued only with 2xx and an access_token', () => {
    assert.equal(issuedAToken(exchangeOf(200, { access_token: 'x' })), true);
    assert.equal(issuedAToken(exchangeOf(200, { error: 'invalid_client' })), false);
    assert.equal(issuedAToken(exchangeOf(401, { access_token: 'x' })), false);
  });

  test('RFC 6749 §5.1: an omitted scope means the requested one was granted', () => {
    assert.deepEqual(grantedScope({ access_token: 'x', token_type: 'Bearer' }, ['a']), { values: ['a'], stated: false });
    assert.deepEqual(grantedScope({ access_token: 'x', token_type: 'Bearer', scope: 'a  b' }, ['a']), { values: ['a', 'b'], stated: true });
    assert.equal(sameScopes(['a', 'b'], ['b', 'a']), true);
  });

  test('the encoding-sensitive secret is changed by form-urlencoding and stays within VSCHAR', () => {
    const secret = encodingSensitiveSecret();
    assert.match(secret, /^[\x20-\x7e]+$/);
    assert.equal(changesUnderFormEncoding({ clientId: 'c', clientSecret: secret, scopes: [] }), true);
    assert.equal(changesUnderFormEncoding({ clientId: 'c', clientSecret: 'plain-secret_1', scopes: [] }), false);
    const decoded = Buffer.from(basicAuthorization('c', 'a b+c:%41').slice(6), 'base64').toString();
    assert.equal(decoded, 'c:a+b%2Bc%3A%2541');
  });
});

describe('JWT access tokens', async () => {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), use: 'sig', alg: 'RS256' };
  jwk.kid = await calculateJwkThumbprint(jwk);
  const claims = { iss: 'https://i', sub: 'c', client_id: 'c', aud: ['https://api'], iat: 1000, exp: 1300, jti: 'j' };
  const token = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims))).setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: jwk.kid }).sign(privateKey);

  test('decodes header and claims; opaque tokens decode to undefined', () => {
    const decoded = decodeJwt(token)!;
    assert.equal(decoded.header.typ, 'at+jwt');
    assert.equal(decoded.claims.client_id, 'c');
    assert.equal(decodeJwt('opaque-token-value'), undefined);
    assert.equal(decodeJwt('a.b.c'), undefined);
    assert.deepEqual(audiences('x'), ['x']);
  });

  test('typ at+jwt in either spelling and any case; asymmetric algorithms', () => {
    assert.equal(isAtJwtType('at+jwt'), true);
    assert.equal(isAtJwtType('Application/AT+JWT'), true);
    assert.equal(isAtJwtType('JWT'), false);
    assert.equal(isAsymmetric('PS256'), true);
    assert.equal(isAsymmetric('HS256'), false);
  });

  test('verifies against the JWK Set by kid; refuses other keys, forged tokens and unknown kids', async () => {
    assert.deepEqual(await verifyWithJwks(token, [jwk]), { verified: true, alg: 'RS256', kid: jwk.kid });
    const foreign = await signedWithForeignKey(claims, { typ: 'at+jwt', kid: jwk.kid as string });
    assert.equal((await verifyWithJwks(foreign, [jwk])).verified, false);
    const ownKid = await signedWithForeignKey(claims, { typ: 'at+jwt' });
    assert.match(JSON.stringify(await verifyWithJwks(ownKid, [jwk])), /no RSA signing key with kid/);
    const none = unsecuredToken(claims, { typ: 'at+jwt' });
    assert.equal(decodeJwt(none)!.header.alg, 'none');
    assert.ok(none.endsWith('.'));
    assert.equal((await verifyWithJwks(none, [jwk])).verified, false);
  });

  test('HS256 forgery is keyed with the PEM of the published public key', async () => {
    const forged = await hmacWithPublicKey(claims, jwk, { typ: 'at+jwt', kid: jwk.kid });
    assert.equal(decodeJwt(forged)!.header.alg, 'HS256');
    const secret = new TextEncoder().encode(publicKeyPem(jwk));
    await compactVerify(forged, secret); // a confused verifier would accept it
    assert.equal((await verifyWithJwks(forged, [jwk])).verified, false);
  });

  test('private members of a JWK Set are found; public ones are not', async () => {
    const priv = await exportJWK(privateKey);
    assert.deepEqual(privateMaterialIn([jwk]), []);
    assert.deepEqual(privateMaterialIn([{ ...priv, kid: 'k' }])[0]!.members.sort(), ['d', 'dp', 'dq', 'p', 'q', 'qi']);
    assert.deepEqual(privateMaterialIn([{ kty: 'oct', k: 'abc' }])[0]!.members, ['k', 'kty "oct"']);
  });

  test('lifetime from exp - iat, else expires_in; expiry deadline is exp + leeway + margin', () => {
    const issued = tokenOnly(token, { clientId: 'c', clientSecret: 's', scopes: [] });
    assert.deepEqual(lifetimeOf(issued), { seconds: 300, source: 'exp - iat' });
    assert.equal(certainlyExpiredAt(issued, 1), 1300_000 + 1000 + EXPIRY_MARGIN_MS);
  });

  test('an opaque token: expired for certain counted from the answer, valid for certain counted from the send', () => {
    // The server minted it somewhere in [send, arrival]: a slow answer (3 s here, a loaded machine) must not make the
    // kit call a still-valid token expired, nor an expired one valid.
    const opaque = { ...tokenOnly('opaque-token-value', { clientId: 'c', clientSecret: 's', scopes: [] }), response: { access_token: 'opaque-token-value', token_type: 'Bearer', expires_in: 2 }, sentAt: 10_000, receivedAt: 13_000 };
    assert.equal(certainlyExpiredAt(opaque, 0), 13_000 + 2_000 + EXPIRY_MARGIN_MS);
    assert.equal(certainlyValidUntil(opaque), 10_000 + 2_000 - 250);
  });
});

describe('clock offset from the Date header', () => {
  test('offsets inside the Date resolution are noise; larger ones are measured', () => {
    const at = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(clockOffsetMs(exchangeOf(200, {}, { date: new Date(at).toUTCString() }, at, 20)), 0);
    const ahead = clockOffsetMs(exchangeOf(200, {}, { date: new Date(at + 10_000).toUTCString() }, at, 20));
    assert.ok(Math.abs(ahead - 10_490) < 20, String(ahead));
  });
});

describe('audit log', () => {
  const entries = [
    { time: '2026-01-01T00:00:01.000Z', clientId: 'sys', outcome: 'success', sourceIp: '127.0.0.1' },
    { time: '2026-01-01T00:00:02.000Z', client_id: 'sys', result: 'failure', ip: '127.0.0.9' },
    { timestamp: 1767225603, client: 'sys', type: 'CLIENT_LOGIN_ERROR' },
    { clientId: 'sys', outcome: 'success' },
  ];

  test('normalises the common member names', () => {
    assert.equal(normaliseEntry(entries[1])!.outcome, 'failure');
    assert.equal(normaliseEntry(entries[2])!.outcome, 'failure');
    assert.equal(normaliseEntry(entries[2])!.time, 1767225603_000);
    assert.equal(normaliseEntry({ status: 200 })!.outcome, 'success');
    assert.equal(normaliseEntry('x'), undefined);
  });

  test('finds an attempt by client, outcome, time window and source IP', () => {
    const base = Date.parse('2026-01-01T00:00:02.000Z');
    const q = { clientId: 'sys', outcome: 'failure' as const, from: base - 10, to: base + 10, toleranceMs: 100 };
    assert.equal(findAttempt(entries, q).matches.length, 1);
    assert.equal(findAttempt(entries, { ...q, sourceIp: '127.0.0.5' }).matches.length, 0);
    assert.equal(findAttempt(entries, { ...q, outcome: 'success' }).matches.length, 0);
    assert.equal(findAttempt(entries, q).withoutTime.length, 1);
  });

  test('finds a login by the user (username or subject), outcome, time window and source IP', () => {
    const at = Date.parse('2026-01-01T00:00:05.000Z');
    const logins = [
      { time: '2026-01-01T00:00:05.000Z', kind: 'login', clientId: 'web', username: 'alice', subject: 'cust-1', outcome: 'success', sourceIp: '127.0.0.1' },
      { time: at, type: 'LOGIN_ERROR', userId: 'kc-uuid', details: { username: 'bob' }, ipAddress: '127.0.0.9' }, // Keycloak
      { date: '2026-01-01T00:00:05.000Z', type: 'fp', user_name: 'carol', user_id: 'auth0|c' }, // Auth0
      { date: '2026-01-01T00:00:05.000Z', type: 's', user_id: 'cust-4' }, // Auth0, the user only by id
      { kind: 'login', username: 'dave', outcome: 'failure' },
    ];
    const q = { outcome: 'success' as const, from: at - 10, to: at + 10, toleranceMs: 100 };
    assert.equal(findAttempt(logins, { ...q, user: { username: 'alice' } }).matches.length, 1);
    assert.equal(findAttempt(logins, { ...q, user: { username: 'not-alice', subject: 'cust-1' } }).matches.length, 1, 'by the customer id');
    assert.equal(findAttempt(logins, { ...q, user: { username: 'dan', subject: 'cust-4' } }).matches.length, 1);
    assert.equal(findAttempt(logins, { ...q, user: { username: 'alice' }, outcome: 'failure' }).ofWhom.length, 1, 'a wrong outcome is seen, not matched');
    assert.equal(findAttempt(logins, { ...q, user: { username: 'alice' }, outcome: 'failure' }).matches.length, 0);
    assert.equal(findAttempt(logins, { ...q, user: { username: 'bob' }, outcome: 'failure' }).matches.length, 1);
    assert.equal(findAttempt(logins, { ...q, user: { username: 'bob' }, outcome: 'failure', sourceIp: '127.0.0.5' }).matches.length, 0);
    assert.equal(findAttempt(logins, { ...q, user: { username: 'carol' }, outcome: 'failure' }).matches.length, 1);
    assert.equal(findAttempt(logins, { ...q, user: { username: 'alice' }, from: at + 5000, to: at + 6000 }).matches.length, 0, 'outside the window');
    assert.equal(findAttempt(logins, { ...q, user: { username: 'dave' }, outcome: 'failure' }).withoutTime.length, 1);
    assert.equal(findAttempt(logins, { ...q, clientId: 'web' }).matches.length, 1, 'a client search still finds the entry by its client');
  });

  test('a login is judged recorded, not recorded (wrong outcome), not testable (no readable time) or blocked (the login did not end as meant)', async () => {
    const world = { recordWarning() {}, recordViolation() {}, recordCheck() {}, exchanges: [] } as unknown as CtkWorld;
    const logWith = (entries: unknown[]) => ({ auditLog: async () => ({ text: JSON.stringify(entries), entries }) }) as unknown as ControlPlane;
    const now = Date.now();
    const user = { username: 'alice', password: 'pw-alice-123', customerId: 'cust-1' };
    const request = { url: 'http://x/auth', clientId: 'web', redirectUri: 'http://127.0.0.1:1/cb', state: 's', codeVerifier: 'v', codeChallenge: 'c' };
    const callback = { url: 'http://127.0.0.1:1/cb?code=abc&state=s', params: new URLSearchParams('code=abc&state=s'), at: now };
    const success = { user, request, startedAt: now - 200, endedAt: now, result: { kind: 'redirected', callback, code: 'abc', returnedState: 's', stateMatches: true } } as unknown as HumanLogin;
    const refused = { ...success, result: { kind: 'login-error', message: 'Invalid username or password.' } } as unknown as HumanLogin;
    const ok = { requirement: 'REQ-AUD-04', outcome: 'success' as const };
    await judgeLoginRecorded(world, logWith([{ time: new Date(now - 100).toISOString(), subject: 'cust-1', outcome: 'success' }]), success, ok);
    await assert.rejects(judgeLoginRecorded(world, logWith([{ time: new Date(now - 100).toISOString(), username: 'alice', outcome: 'failure' }]), success, ok), (e: Error) =>
      e instanceof RequirementViolation && /REQ-AUD-04/.test(e.message) && /outcome failure/.test(e.message),
    );
    await assert.rejects(judgeLoginRecorded(world, logWith([{ username: 'alice', outcome: 'success' }]), success, ok), (e: Error) => e instanceof NotTestableError && /no.*time the kit can read/.test(e.message));
    await assert.rejects(judgeLoginRecorded(world, logWith([]), refused, ok), (e: Error) => e instanceof PrerequisiteBlocked && /REQ-HUM-01/.test(e.message));
  });

  test('finds secrets in clear, encoded, and inside a Basic credential; names them without their value', () => {
    const basic = Buffer.from('sys:s3cr+t').toString('base64');
    assert.ok(secretForms('s3cr+t', 'sys').includes(basic));
    const leaks = leaksIn(`{"auth":"Basic ${basic}"}`, [{ what: 'the secret of sys', value: 's3cr+t', clientId: 'sys' }]);
    assert.deepEqual(leaks, [{ what: 'the secret of sys', form: 'encoded' }]);
    assert.deepEqual(leaksIn('{"secret":"s3cr+t"}', [{ what: 'x', value: 's3cr+t' }]), [{ what: 'x', form: 'as is' }]);
    assert.deepEqual(leaksIn('{"clientId":"sys"}', [{ what: 'x', value: 's3cr+t', clientId: 'sys' }]), []);
  });
});

describe('discovery', () => {
  test('well-known locations for issuers with and without a path', () => {
    assert.deepEqual(wellKnownCandidates('https://idp.example'), ['https://idp.example/.well-known/oauth-authorization-server', 'https://idp.example/.well-known/openid-configuration']);
    assert.deepEqual(wellKnownCandidates('https://idp.example/realms/x/'), [
      'https://idp.example/.well-known/oauth-authorization-server/realms/x',
      'https://idp.example/realms/x/.well-known/openid-configuration',
      'https://idp.example/.well-known/openid-configuration/realms/x',
    ]);
  });

  test('https is required except on loopback', () => {
    assert.equal(isTlsOrLoopback('https://idp.example'), true);
    assert.equal(isTlsOrLoopback('http://127.0.0.1:4000'), true);
    assert.equal(isTlsOrLoopback('http://localhost'), true);
    assert.equal(isTlsOrLoopback('http://idp.example'), false);
    assert.equal(isTlsOrLoopback('not a url'), false);
  });
});

describe('token requests: the target\'s own parameters and the declared scopes (RFC 6749 §3.3)', () => {
  /** Every form body the server got, by path. */
  const received: { path: string; params: URLSearchParams }[] = [];
  /** What GET /jwks publishes (the issuer's key set for the secret-change tests). */
  let publishedKids: string[] = [];
  let server: Server;
  let base: string;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const params = new URLSearchParams(body);
        received.push({ path, params });
        const json = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
        // needs-scope: refuses a scope-less request as §3.3 allows; always-invalid-scope: refuses everything so.
        if (path === '/token/always-invalid-scope' || (path === '/token/needs-scope' && !params.get('scope'))) return json(400, { error: 'invalid_scope' });
        if (path === '/token/invalid-request') return json(400, { error: 'invalid_request' });
        // A token endpoint that refuses HTTP Basic to every client and serves the form body (fault ignore-basic-auth).
        if (path === '/token/no-basic' && /^Basic /.test(req.headers.authorization ?? '')) return json(401, { error: 'invalid_client' });
        // A target that hands out a secret it then refuses (fault rotation-returns-wrong-secret): 401 for that one.
        const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
        if (path === '/token/refuses-handed-out' && basic.endsWith(':handed-out-secret')) return json(401, { error: 'invalid_client' });
        if (path === '/jwks') return json(200, { keys: publishedKids.map((kid) => ({ kty: 'EC', crv: 'P-256', kid })) });
        json(200, { access_token: `tok-${received.length}`, token_type: 'Bearer', expires_in: 300 });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    server.close();
    await closeConnections();
  });

  const PARAMETERS = { audience: 'https://api.example.com', resource: 'https://api.example.com/v1' };

  /** The parts of CtkWorld requestToken uses (support/world.ts registers cucumber's World: not importable here). */
  function worldAt(tokenPath: string, overrides: Partial<TargetDescription> = {}) {
    const t = target({
      tokenEndpoint: `${base}${tokenPath}`,
      clients: { system: { clientId: 'sys', clientSecret: 'secret-sys', scopes: ['read', 'write'] } },
      tokenRequestParameters: PARAMETERS,
      sourceAddresses: [],
      limits: { clockSkewSeconds: 0, requestTimeoutMs: 2_000, maxRequestsPerSecond: 0, maxRequestsPerRun: 0 },
      ...overrides,
    });
    const w = {
      target: t,
      exchanges: [] as Exchange[],
      logs: [] as string[],
      last: undefined as Exchange | undefined,
      async send(request: HttpRequest, options: { keepAsLast?: boolean } = {}) {
        const exchange = await send({ timeoutMs: t.limits.requestTimeoutMs, ...request });
        w.exchanges.push(exchange);
        if (options.keepAsLast ?? true) w.last = exchange;
        return exchange;
      },
      record(exchange: Exchange) {
        w.exchanges.push(exchange);
      },
      log(line: string) {
        w.logs.push(line);
      },
    };
    return w as typeof w & CtkWorld;
  }
  const sentTo = (path: string) => received.filter((r) => r.path === path).map((r) => r.params);

  test('every client-credentials request carries the target\'s parameters; a request\'s own win; a redemption leaves them out', () => {
    const t = { tokenRequestParameters: PARAMETERS };
    const client = { clientId: 'c', clientSecret: 's', scopes: [] };
    const body = new URLSearchParams(tokenRequestBody(client, { scope: 'read' }, t).body);
    assert.equal(body.get('grant_type'), 'client_credentials');
    assert.equal(body.get('audience'), PARAMETERS.audience);
    assert.equal(body.get('resource'), PARAMETERS.resource);
    assert.equal(body.get('scope'), 'read');
    const own = new URLSearchParams(tokenRequestBody(client, { extraParams: { audience: 'https://other' } }, t).body);
    assert.equal(own.get('audience'), 'https://other', 'explicit extraParams win');
    const redemption = new URLSearchParams(tokenRequestBody(client, { grantType: 'authorization_code', targetParameters: false, extraParams: { code: 'x' } }, t).body);
    assert.equal(redemption.get('audience'), null);
    // A description built in code (not through the schema) still cannot override what the kit sets.
    const sneaky = new URLSearchParams(tokenRequestBody(client, {}, { tokenRequestParameters: { grant_type: 'password', scope: 'admin', audience: 'a' } }).body);
    assert.equal(sneaky.get('grant_type'), 'client_credentials');
    assert.equal(sneaky.get('scope'), null);
    assert.equal(sneaky.get('audience'), 'a');
    assert.equal(new URLSearchParams(tokenRequestBody(client, {}, {}).body).get('audience'), null, 'no parameters: none added');
  });

  test('requestToken and the password login send them to the token endpoint', async () => {
    const w = worldAt('/token/plain', { users: [{ username: 'alice', password: 'pw-alice', customerId: 'c1' }], clients: { system: { clientId: 'sys', clientSecret: 'secret-sys', scopes: ['read'] }, web: { clientId: 'web', clientSecret: 'secret-web', scopes: [] } } });
    await requestToken(w, w.target.clients.system);
    await passwordLogin(w, w.target.users[0]!);
    const [cc, password] = sentTo('/token/plain').slice(-2);
    assert.equal(cc!.get('audience'), PARAMETERS.audience);
    assert.equal(password!.get('grant_type'), 'password');
    assert.equal(password!.get('audience'), PARAMETERS.audience);
    assert.equal(password!.get('resource'), PARAMETERS.resource);
  });

  test('every token request carries the scopes the profile declares for the client, so a scope-requiring IdP serves it at once', async () => {
    const w = worldAt('/token/needs-scope');
    const before = sentTo('/token/needs-scope').length;
    const exchange = await requestToken(w, w.target.clients.system);
    const sent = sentTo('/token/needs-scope').slice(before);
    assert.equal(sent.length, 1, 'one request, no retry');
    assert.equal(sent[0]!.get('scope'), 'read write');
    assert.equal(sent[0]!.get('audience'), PARAMETERS.audience, 'and the target\'s parameters');
    assert.equal(tokenResponseOf(exchange)?.token_type, 'Bearer');
    assert.deepEqual(scopeSentIn(exchange), ['read', 'write']);
    assert.equal(w.exchanges.length, 1);
  });

  test('a request names its own scope, or none at all (the scenario about the scope-less answer); a redemption has none', async () => {
    const client = { clientId: 'c', clientSecret: 's', scopes: ['a', 'b'] };
    const scopeOf = (options: Parameters<typeof tokenRequestBody>[1]) => new URLSearchParams(tokenRequestBody(client, options, {}).body).get('scope');
    assert.equal(scopeOf({}), 'a b');
    assert.equal(scopeOf({ scope: 'a' }), 'a');
    assert.equal(scopeOf({ scope: null }), null);
    assert.equal(scopeOf({ grantType: null }), 'a b', 'only the grant_type is missing from that request');
    assert.equal(scopeOf({ grantType: 'authorization_code' }), null);
    assert.equal(new URLSearchParams(tokenRequestBody({ ...client, scopes: [] }, {}, {}).body).get('scope'), null, 'no declared scopes: the server\'s default');
    const w = worldAt('/token/needs-scope');
    resetValidCredentialsRefused();
    const refused = await requestToken(w, w.target.clients.system, { scope: null });
    assert.equal(refused.response?.status, 400, 'the scope-less answer is kept as it came');
    // After a refusal of registered credentials the worker asks its one control (the ordinary request, with the
    // declared scopes: valid-credentials-refused.ts); it gets a token here, so the refusal stands as it came.
    assert.deepEqual(w.exchanges.map((e) => e.response?.status), [400, 200]);
    assert.equal(w.last, refused);
  });

  test('bulk senders (rate-limit series, IP-block probes) send the declared scopes too', async () => {
    const w = worldAt('/token/needs-scope', { clients: { system: { clientId: 'bulk-client', clientSecret: 'secret-bulk', scopes: ['read'] } } });
    const client = w.target.clients.system;
    const cap = { acquire: async () => {}, roomFor: async () => {} } as unknown as LoadCap;
    const probe = await cappedTokenRequest(w, cap, client, '127.0.0.1');
    assert.equal(tokenResponseOf(probe)?.token_type, 'Bearer', 'the probe is served, not refused for its scope');
    const series = await sendPacedTokenRequests(w, cap, { count: 3, intervalMs: 1, minSpacingMs: 0, sourceAddress: '127.0.0.1', client });
    assert.deepEqual(series.records.map((r) => r.exchange.response?.status), [200, 200, 200]);
    await warmUpTokenRequests(w, client);
  });

  test('accessTokenFor obtains a setup token with the declared scopes; no token blocks the scenario on REQ-TOK-01', async () => {
    const w = worldAt('/token/needs-scope', { clients: { system: { clientId: 'setup-client', clientSecret: 'secret-setup', scopes: ['read'] } } });
    const token = await accessTokenFor(w, w.target.clients.system);
    assert.match(token, /^tok-/);
    assert.equal(w.exchanges.length, 1);
    const refused = worldAt('/token/always-invalid-scope', { clients: { system: { clientId: 'refused-client', clientSecret: 'secret-refused', scopes: ['read'] } } });
    await assert.rejects(accessTokenFor(refused, refused.target.clients.system), (error: unknown) => {
      assert.ok(error instanceof PrerequisiteBlocked);
      assert.equal(error.blockedBy, 'REQ-TOK-01');
      assert.match(error.reason, /^blocked: no token \(REQ-TOK-01: could not obtain an access token for refused-client .*HTTP 400/);
      return true;
    });
  });

  test('a token kept for reuse is not used across a signing-key rotation (the count is shared by the workers)', async () => {
    const shared = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
    resetSigningKeyRotations(shared);
    try {
      const w = worldAt('/token/needs-scope', { clients: { system: { clientId: 'kept-across-rotation', clientSecret: 'secret-kept', scopes: ['read'] } } });
      const kept = await accessTokenFor(w, w.target.clients.system);
      assert.equal(await accessTokenFor(w, w.target.clients.system), kept, 'kept while no rotation happened');
      assert.equal(w.exchanges.length, 1);
      // Another worker's rotation: it counts in the memory the main thread offered every worker.
      Atomics.add(new Int32Array(shared), 0, 1);
      const after = await accessTokenFor(w, w.target.clients.system);
      assert.notEqual(after, kept, 'a token issued before the rotation is not a valid control after it');
      assert.equal(w.exchanges.length, 2);
      assert.equal(await accessTokenFor(w, w.target.clients.system), after, 'the new one is kept in turn');
      signingKeyRotated();
      assert.equal(signingKeyRotations(), 2);
    } finally {
      resetSigningKeyRotations();
    }
  });

  test('a client-secret change counts as a key rotation only where the key set lost a key or cannot be read', async () => {
    resetSigningKeyRotations(new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT));
    try {
      const w = worldAt('/token/needs-scope', { jwksUri: `${base}/jwks`, clients: { system: { clientId: 'kept-across-secret-change', clientSecret: 'secret-kept', scopes: ['read'] } } });
      publishedKids = ['k1'];
      const kept = await accessTokenFor(w, w.target.clients.system);
      let currentDuringChange: boolean | undefined;
      const answer = await secretChange(w, async () => {
        currentDuringChange = keptTokenCurrent(signingKeyRotations());
        publishedKids = ['k1', 'k2']; // a new key beside the old one: tokens signed before still verify
        return 'changed';
      });
      assert.equal(answer, 'changed');
      assert.equal(currentDuringChange, false, 'no kept token is reused while a change is under way: nobody knows yet what it did');
      assert.equal(signingKeyRotations(), 0, 'every key published before the change is still published');
      assert.equal(await accessTokenFor(w, w.target.clients.system), kept, 'so the kept token is still a valid one');

      await assert.rejects(
        secretChange(w, async () => {
          publishedKids = ['k2']; // the key that signed the kept token is gone (fault secret-rotation-revokes-tokens)
          throw new Error('the rotation answer was unreadable');
        }),
        /unreadable/,
      );
      assert.equal(signingKeyRotations(), 1, 'a key that was published is gone: counted, also where the change itself failed');
      assert.notEqual(await accessTokenFor(w, w.target.clients.system), kept, 'a token kept from before is no valid control now');

      await secretChange(worldAt('/token/needs-scope', { jwksUri: undefined }), async () => undefined);
      assert.equal(signingKeyRotations(), 2, 'a target whose key set the kit cannot read: every change counts (the safe side)');
      await secretChange(worldAt('/token/needs-scope', { jwksUri: `${base}/token/invalid-request` }), async () => undefined);
      assert.equal(signingKeyRotations(), 3, 'an unreadable key set counts too');
      assert.equal(keptTokenCurrent(3), true, 'and nothing is under way once the changes are over');
    } finally {
      publishedKids = [];
      resetSigningKeyRotations();
    }
  });

  test('a blocked prerequisite inside a step becomes the scenario\'s not-testable record; other errors pass through', async () => {
    const records: { ids: readonly string[]; reason: string }[] = [];
    const world = { notTestable: (ids: readonly string[], reason: string) => (records.push({ ids, reason }), 'skipped' as const) };
    const ids = () => ['REQ-BEARER-01'];
    const blocked = wrapBlocked(async () => {
      throw new PrerequisiteBlocked('REQ-TOK-01', 'blocked: no token (REQ-TOK-01: HTTP 403)', 'fix REQ-TOK-01');
    }, ids);
    assert.equal(await blocked.call(world), 'skipped');
    assert.deepEqual(records, [{ ids: ['REQ-BEARER-01'], reason: 'blocked: no token (REQ-TOK-01: HTTP 403)' }]);
    const sync = wrapBlocked(() => {
      throw new PrerequisiteBlocked('REQ-TOK-01', 'r', 'm');
    }, ids);
    assert.equal(sync.call(world), 'skipped');
    await assert.rejects(Promise.resolve(wrapBlocked(async () => { throw new Error('kit bug'); }, ids).call(world)), /kit bug/);
    assert.equal(wrapBlocked((x: unknown) => x, ids).call(world, 7), 7, 'a step\'s own result passes through');
  });

  test('a secret a rotation handed out is trusted like the registered one: its refusals cannot get the run\'s own address blocked', async () => {
    // Measured against fault rotation-returns-wrong-secret before: the new secret's refusals left from 127.0.0.1 unguarded,
    // the reference blocked it, and the key-rotation scenarios after them were "not testable" on REQ-TOK-01.
    const ipBlock = { failedAttempts: 3, blockSeconds: 2 };
    const w = worldAt('/token/refuses-handed-out', {
      sourceAddresses: Array.from({ length: 12 }, (_, i) => `127.0.0.${i + 2}`),
      limits: { clockSkewSeconds: 0, requestTimeoutMs: 2_000, maxRequestsPerSecond: 0, maxRequestsPerRun: 0, ipBlock },
    });
    const sources = async (options: { secretExpectedValid?: true }): Promise<(string | undefined)[]> => {
      resetOwnAddressCount(new SharedArrayBuffer(8));
      resetFailureAddresses();
      resetValidCredentialsRefused();
      const from: (string | undefined)[] = [];
      for (let i = 0; i < 3; i++) {
        const exchange = await requestToken(w, w.target.clients.system, { secret: 'handed-out-secret', keepAsLast: false, ...options });
        assert.equal(exchange.response?.status, 401);
        from.push(exchange.request.sourceAddress);
      }
      return from;
    };
    const trusted = await sources({ secretExpectedValid: true });
    assert.deepEqual(trusted.slice(0, 2), [undefined, undefined], 'the target tolerates two refusals from the own address (it blocks at the third)');
    assert.match(trusted[2] ?? '', /^127\.0\.0\./, 'the third goes out from a failures address');
    // A secret the caller knows to be wrong is its own to route (from a failures address, token-requests.ts): unguarded.
    assert.deepEqual(await sources({}), [undefined, undefined, undefined]);
    resetOwnAddressCount();
    resetFailureAddresses();
    resetValidCredentialsRefused();
  });

  test('a 429 to the system client\'s own secret is the rate limit\'s answer: not testable, never REQ-CAUTH-01\'s or REQ-TOK-01\'s finding', async () => {
    // Measured against rate-limit-below-documented: the paced HTTP Basic request met the lowered limit, the form body
    // got a token, and the method ladder failed REQ-CAUTH-01 beside REQ-RL-01.
    const w = worldAt('/token/plain', { capabilities: { 'ip-blocking': true, 'client-secret-post': true } });
    const limited = exchangeOf(429, { error: 'too_many_requests' }, { 'retry-after': '1' });
    for (const requirement of ['REQ-TOK-01', 'REQ-CAUTH-01']) {
      await assert.rejects(attributeRefusedCredentials(w, requirement, limited, 'the valid credentials of sys sent with HTTP Basic'), (error: unknown) => {
        assert.ok(error instanceof NotTestableError, String(error));
        assert.match(error.reason, /answered the valid credentials of sys sent with HTTP Basic with its rate limit \(HTTP 429.*the REQ-RL scenarios judge the limit/);
        return true;
      });
    }
    assert.equal(w.exchanges.length, 0, 'no other way was tried');
  });

  // Last in this block: it resets the worker's control, which the tests above share.
  test('where HTTP Basic is refused to every client and the form body served, set-ups go in the form body; the scenarios that judge the method do not', async () => {
    resetValidCredentialsRefused();
    const clients = { system: { clientId: 'sys', clientSecret: 'secret-sys', scopes: ['read'] }, web: { clientId: 'web', clientSecret: 'secret-web', scopes: ['read'] } };
    const w = worldAt('/token/no-basic', { clients, capabilities: { 'client-secret-post': true } });
    w.requirementIds = ['REQ-TOK-02'];
    // Measured before against ignore-basic-auth: this request was blocked on REQ-CAUTH-01, and so were 147 requirements.
    const first = await requestToken(w, clients.web);
    assert.equal(tokenResponseOf(first)?.token_type, 'Bearer', 'served in the form body');
    assert.equal(new URLSearchParams(first.request.body as string).get('client_id'), 'web');
    assert.deepEqual(w.exchanges.map((e) => e.response?.status), [401, 401, 200, 200], 'its Basic refusal, the control both ways, then the form body');
    assert.equal(w.last, first);
    assert.match(w.logs.join('\n'), /HTTP Basic is refused to every client .*REQ-CAUTH-01 reports it\): web's request goes in the form body/);
    const later = await requestToken(w, clients.system);
    assert.equal(tokenResponseOf(later)?.token_type, 'Bearer');
    assert.equal(w.exchanges.length, 5, 'the worker\'s later set-ups go in the form body at once: no Basic refusal more');
    // REQ-CAUTH-01's own scenario judges the Basic refusal itself: it gets it as it came.
    w.requirementIds = ['REQ-CAUTH-01'];
    const judged = await requestToken(w, clients.system);
    assert.equal(judged.response?.status, 401);
    assert.match(authorizationOf(judged.request) ?? '', /^Basic /);
    // A method the caller chose is never changed.
    w.requirementIds = ['REQ-TOK-02'];
    const chosen = await requestToken(w, clients.web, { method: 'basic' }).catch((error: unknown) => error);
    assert.ok(chosen instanceof PrerequisiteBlocked && chosen.blockedBy === 'REQ-CAUTH-01', String(chosen));
    resetValidCredentialsRefused();
  });
});
