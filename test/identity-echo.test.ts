import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAnonymous, pointer, readEcho, readIdentity, readPublicIdentity } from '../support/identity/echo.ts';
import { forgedIdentityHeaders, FORGED_ROLE, FORGED_SUBJECT } from '../support/identity/spoofing.ts';
import { tamper } from '../support/gateway/bad-credentials.ts';
import type { Exchange } from '../support/http/exchange.ts';
import type { IdentityEchoFormat, TargetDescription } from '../support/target/target.ts';

const json = (body: unknown, status = 200): Exchange => ({
  request: { method: 'GET', url: 'http://gateway.invalid/whoami' },
  response: { status, headers: { 'content-type': 'application/json' }, rawHeaders: [], body: JSON.stringify(body) },
  startedAt: 0,
  durationMs: 1,
});

const targetWith = (format?: IdentityEchoFormat): TargetDescription =>
  ({
    issuer: 'http://idp.invalid',
    clients: { system: { clientId: 'ctk-system', clientSecret: 's', scopes: ['a', 'b'] } },
    gateway: { baseUrl: 'http://gateway.invalid', routes: { protected: '/p', public: '/pub', scoped: { method: 'POST', path: '/p', scope: 'b' }, ...(format ? { identityEchoFormat: format } : {}) } },
  }) as unknown as TargetDescription;

test('RFC 6901 pointers, escapes and arrays included', () => {
  const doc = { a: { 'b/c': [1, { 'd~e': 'x' }] } };
  assert.equal(pointer(doc, '/a/b~1c/1/d~0e'), 'x');
  assert.equal(pointer(doc, ''), doc);
  assert.equal(pointer(doc, '/missing/x'), undefined);
  assert.equal(pointer(doc, 'no-slash'), undefined);
});

test("the reference's echo is read with the default format", () => {
  const reading = readEcho(targetWith(), json({ identity: { kind: 'human', sub: 'ec-1', client_id: 'ctk-web', scopes: ['orders:read'], roles: ['r'] }, authorizationHeaderReceived: false }));
  assert.deepEqual(reading.identity, { present: true, subject: 'ec-1', clientId: 'ctk-web', rawKind: 'human', kind: 'human', roles: ['r', 'orders:read'] });
  assert.equal(reading.authorizationReceived, false);
  assert.equal(readEcho(targetWith(), json({ identity: null, authorizationHeaderReceived: true })).identity?.present, false);
});

test('another component is read through its own format, its kind words mapped', () => {
  const format: IdentityEchoFormat = { identity: '/user', subject: '/id', clientId: '/azp', kind: '/type', roles: ['/groups'], kinds: { system: 'service-account', human: 'person' }, authorizationReceived: '/headers/hasAuthorization' };
  const reading = readEcho(targetWith(format), json({ user: { id: 'svc', azp: 'svc', type: 'service-account', groups: ['admin'] }, headers: { hasAuthorization: true } }));
  assert.equal(reading.identity?.kind, 'system');
  assert.deepEqual(reading.identity?.roles, ['admin']);
  assert.equal(reading.authorizationReceived, true);
});

test('without a configured format, an echo that is the identity itself is read from its root', () => {
  assert.equal(readEcho(targetWith(), json({ sub: 'ctk-system', client_id: 'ctk-system' })).identity?.subject, 'ctk-system');
  assert.ok(readEcho(targetWith(), json('not an object')).unreadable);
  assert.ok(readEcho(targetWith(), json({}, 403)).unreadable);
});

test('anonymous: no identity, the anonymous kind, or no subject; never a subject or a system/human kind', () => {
  const f: IdentityEchoFormat = {};
  assert.equal(isAnonymous(readIdentity(null, f)), true);
  assert.equal(isAnonymous(readIdentity({ kind: 'anonymous', sub: null }, f)), true);
  assert.equal(isAnonymous(readIdentity({ scopes: [] }, f)), true);
  assert.equal(isAnonymous(readIdentity({ sub: 'x' }, f)), false);
  assert.equal(isAnonymous(readIdentity({ kind: 'system' }, f)), false);
  // A stated kind does not make somebody anonymous: a subject is somebody, unless it names the anonymous principal.
  assert.equal(isAnonymous(readIdentity({ kind: 'anonymous', sub: 'x' }, f)), false);
  assert.equal(isAnonymous(readIdentity({ kind: 'anonymous', sub: 'anonymous' }, f)), true);
  assert.equal(isAnonymous(readIdentity({ sub: 'Anonymous' }, f)), true);
});

test('the public route shows its identity where the format says, or says it cannot', () => {
  assert.equal(readPublicIdentity(targetWith(), json({ products: [], servedTo: { kind: 'anonymous' } })).identity?.kind, 'anonymous');
  assert.equal(readPublicIdentity(targetWith(), json({ products: [], servedTo: null })).identity?.present, false);
  assert.ok(readPublicIdentity(targetWith(), json({ products: [] })).unreadable);
});

test('forged headers: the gateway\'s own header in its encoding, plus the common ones', () => {
  const headers = forgedIdentityHeaders(targetWith());
  const decoded = JSON.parse(Buffer.from(headers['x-auth-identity']!, 'base64url').toString('utf8'));
  assert.equal(decoded.sub, FORGED_SUBJECT);
  // REQ-ID-09: a role no identity system grants, in roles and scopes (a component may read them as one list), and kind system.
  assert.ok(decoded.roles.includes(FORGED_ROLE) && decoded.scopes.includes(FORGED_ROLE));
  assert.equal(decoded.kind, 'system');
  assert.equal(headers['x-forwarded-user'], FORGED_SUBJECT);
  assert.equal(headers['x-forwarded-groups'], `admin,${FORGED_ROLE}`, "oauth2-proxy's group header");
  assert.equal(forgedIdentityHeaders(targetWith({ identityHeader: { name: 'X-Identity', encoding: 'text' } }))['x-identity'], FORGED_SUBJECT);
});

test('a tampered token differs from the original in one character of its signature', () => {
  const token = 'aaaa.bbbb.cccccccccccccccc';
  const tampered = tamper(token);
  assert.notEqual(tampered, token);
  assert.equal(tampered.length, token.length);
  assert.equal(tampered.slice(0, 10), token.slice(0, 10));
  assert.notEqual(tamper('AAAAAAAA'), 'AAAAAAAA');
});
