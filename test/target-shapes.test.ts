/**
 * Real deployments described as they are (issue 16, part B): what the profile fields change in the checks.
 * - a client registered for Basic only: REQ-CAUTH-02 (credentials in the body) is not applicable, said why;
 * - a client registered for the body, and a public client: the kit's own requests use that method, and a public
 *   client never sends Basic credentials or a made-up secret, nor a password-style login;
 * - an IdP that lets every client ask for every scope: the "another client's scope" case of REQ-TOK-12 is not
 *   testable without refusedScopes, never judged on a guess;
 * - an IdP-only profile: every scenario that needs the gateway is not applicable ("names no gateway"), the
 *   IdP's own are still run;
 * - a gateway that checks no audience, or the scope as audience: REQ-JWT-08 and the wrong-aud forgery follow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import type { CtkWorld } from '../support/world.ts';
import type { Finding } from '../support/verdict/media-types.ts';
import { RequirementViolation } from '../support/verdict/check.ts';
import { applicability } from '../support/target/applicability.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { gatewayOf, NoGatewayError, secretsOf, type AdminDescription, type ClientCredentials, type IdentityEchoFormat, type TargetDescription } from '../support/target/target.ts';
import { JwkSigner, testSignerOf } from '../support/jwt/test-signer.ts';
import { createServer } from 'node:http';
import { freshAddresses, OWN_ADDRESS, ownAddressQuiet, ownAddressUsedUntil, resetOwnAddress, sendFrom } from '../support/load/source-addresses.ts';
import { loadProfile } from '../support/target/profile.ts';
import { describeExternalTarget } from '../support/target/external.ts';
import { featureFiles, KIT_ROOT } from '../support/traceability.ts';
import { registeredAuthMethod, tokenRequestBody } from '../support/oauth/token-client.ts';
import { disallowedScope, UNKNOWN_SCOPE } from '../support/oauth/scope.ts';
import { passwordGrantSource } from '../support/identity/human-login.ts';
import { judgeApiAudience } from '../support/jwt/claims.ts';
import { tokenOnly } from '../support/oauth/issued.ts';
import { isAnonymous, readEcho, readPublicIdentity } from '../support/identity/echo.ts';
import { forgedIdentityHeaders, FORGED_ROLE, FORGED_SUBJECT } from '../support/identity/spoofing.ts';
import { send, type Exchange, type HttpRequest } from '../support/http/exchange.ts';
import { controlPlaneOf } from '../support/admin/control-plane.ts';
import { findAttempt } from '../support/admin/audit-log.ts';

const reference = (): TargetDescription =>
  describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' });

const withSystem = (target: TargetDescription, change: Partial<ClientCredentials>): TargetDescription => ({
  ...target,
  clients: { ...target.clients, system: { ...target.clients.system, ...change } },
});

describe('per-client token endpoint authentication method', () => {
  test('a system client registered for Basic only: REQ-CAUTH-02 is not applicable, with the clause', () => {
    const verdict = applicability(withSystem(reference(), { tokenEndpointAuthMethod: 'client_secret_basic' }), ['@core', '@REQ-CAUTH-02']);
    assert.ok(verdict.kind === 'not-applicable');
    assert.match(verdict.record.reason, /clients\.system is registered for client_secret_basic only/);
    assert.match(verdict.record.reason, /RFC 6749 §2\.3\.1/);
    assert.deepEqual(verdict.record.requirementIds, ['REQ-CAUTH-02']);
  });

  test('registered for the body, or not saying: REQ-CAUTH-02 is judged; Basic (a MUST) is never ruled out', () => {
    assert.equal(applicability(withSystem(reference(), { tokenEndpointAuthMethod: 'client_secret_post' }), ['@REQ-CAUTH-02']).kind, 'applicable');
    assert.equal(applicability(reference(), ['@REQ-CAUTH-02']).kind, 'applicable');
    for (const method of ['client_secret_basic', 'client_secret_post'] as const) {
      assert.equal(applicability(withSystem(reference(), { tokenEndpointAuthMethod: method }), ['@REQ-CAUTH-01']).kind, 'applicable');
    }
  });

  test("the kit's ordinary requests use the registered method", () => {
    const client: ClientCredentials = { clientId: 'c1', clientSecret: 's1', scopes: ['read'] };
    const basic = tokenRequestBody(client, {}, {});
    assert.match(basic.headers.authorization ?? '', /^Basic /);
    assert.equal(new URLSearchParams(basic.body).get('client_secret'), null);

    const post = tokenRequestBody({ ...client, tokenEndpointAuthMethod: 'client_secret_post' }, {}, {});
    assert.equal(post.headers.authorization, undefined, 'no Basic header for a body-only client');
    assert.equal(new URLSearchParams(post.body).get('client_id'), 'c1');
    assert.equal(new URLSearchParams(post.body).get('client_secret'), 's1');

    // A check that chooses its method still gets it (REQ-CAUTH-01 sends Basic whatever the registration).
    assert.match(tokenRequestBody({ ...client, tokenEndpointAuthMethod: 'client_secret_post' }, { method: 'basic' }, {}).headers.authorization ?? '', /^Basic /);
  });

  test('a public client sends its client_id only: no Basic, no secret', () => {
    const spa: ClientCredentials = { clientId: 'spa', clientSecret: '', scopes: ['openid'], tokenEndpointAuthMethod: 'none' };
    assert.equal(registeredAuthMethod(spa), 'none');
    const { headers, body } = tokenRequestBody(spa, { grantType: 'authorization_code', extraParams: { code: 'abc' }, targetParameters: false }, {});
    const params = new URLSearchParams(body);
    assert.equal(headers.authorization, undefined);
    assert.equal(params.get('client_id'), 'spa');
    assert.equal(params.has('client_secret'), false);
    // "No client authentication" of a confidential client (REQ-CAUTH-07) still sends nothing at all.
    const none = tokenRequestBody({ clientId: 'c1', clientSecret: 's1', scopes: [] }, { method: 'none' }, {});
    assert.equal(new URLSearchParams(none.body).has('client_id'), false);
  });

  test('a public web client gets no password-style login: nothing is sent that an IP block would count', async () => {
    const target: TargetDescription = { ...reference(), clients: { ...reference().clients, web: { clientId: 'spa', clientSecret: '', scopes: ['openid'], tokenEndpointAuthMethod: 'none' } } };
    const world = {
      target,
      send: () => assert.fail('nothing may be sent for a public web client'),
      log: () => undefined,
    } as unknown as CtkWorld;
    const outcome = await passwordGrantSource.obtain(world, target.users[0]!);
    assert.equal(outcome.kind, 'unavailable');
    assert.ok(outcome.kind === 'unavailable');
    assert.match(outcome.reason, /public client \(tokenEndpointAuthMethod: none\)/);
    assert.match(outcome.remedy, /browser login/);
  });
});

describe('what the IdP must refuse a client is its own statement (REQ-TOK-12)', () => {
  test('an IdP that grants every client every scope: no refusedScopes, so the case is not testable, not failed', () => {
    const readOnly = { clientId: 'ro', clientSecret: 's', scopes: ['catalog:read'] };
    const result = disallowedScope('a scope the target must refuse it', readOnly);
    assert.equal(typeof result, 'object');
    assert.match((result as { notTestable: string }).notTestable, /names no scope the IdP must refuse ro/);
    assert.equal(disallowedScope('a scope the target does not know', readOnly), UNKNOWN_SCOPE, 'the unknown scope is still asked for');
  });

  test('with refusedScopes the refused scope is asked for; the reference states its own', () => {
    assert.equal(disallowedScope('a scope the target must refuse it', { clientId: 'ro', clientSecret: 's', scopes: ['a'], refusedScopes: ['b'] }), 'b');
    assert.deepEqual(reference().clients.readOnly?.refusedScopes, ['catalog:write']);
  });
});

describe('an IdP-only profile', () => {
  const idpOnly = (): TargetDescription => {
    const { gateway: _gateway, audience: _audience, ...rest } = reference();
    return rest;
  };

  test('gateway and identity requirements are not applicable, saying the profile names no gateway', () => {
    const verdict = applicability(idpOnly(), ['@gateway', '@REQ-BEARER-01']);
    assert.ok(verdict.kind === 'not-applicable');
    assert.match(verdict.record.reason, /the profile names no gateway \(REQ-BEARER-01 bind the gateway/);
    assert.equal(applicability(idpOnly(), ['@REQ-TOK-01']).kind, 'applicable', "the IdP's own requirements still run");
    assert.equal(applicability(idpOnly(), ['@REQ-ROT-03', '@uses-gateway']).kind, 'not-applicable');
    assert.throws(() => gatewayOf(idpOnly()), NoGatewayError);
  });

  test('every scenario whose steps reach the gateway is not applicable (no step can run into a missing gateway)', () => {
    const reaching: string[] = [];
    for (const uri of featureFiles()) {
      const newId = IdGenerator.uuid();
      const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(KIT_ROOT, uri), 'utf8'));
      for (const pickle of compile(document, uri, newId)) {
        const usesGateway = pickle.steps.some((s) => /gateway|route|component|front end calls/i.test(s.text));
        if (usesGateway && applicability(idpOnly(), pickle.tags.map((t) => t.name)).kind === 'applicable') reaching.push(`${uri}: ${pickle.name}`);
      }
    }
    assert.deepEqual(reaching, [], 'tag these @uses-gateway, or give them a gateway requirement');
  });
});

describe('the audience the gateway checks', () => {
  const claims = (aud: unknown, scope = 'catalog:read') => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${b64({ alg: 'RS256', typ: 'at+jwt' })}.${b64({ aud, scope, iss: 'x', sub: 'c', client_id: 'c' })}.sig`;
  };
  const sink = (target: TargetDescription) => {
    const violations: Finding[] = [];
    const world = { target, recordWarning: () => undefined, recordViolation: (f: Finding) => violations.push(f), recordCheck: () => undefined, log: () => undefined } as unknown as CtkWorld;
    return { world, violations };
  };
  const client: ClientCredentials = { clientId: 'c', clientSecret: 's', scopes: ['catalog:read'] };

  test('none: REQ-JWT-08 is not testable, with the reason, whatever aud says', () => {
    const { world, violations } = sink({ ...reference(), audience: undefined, audienceCheck: 'none' });
    const result = judgeApiAudience(world, tokenOnly(claims('anything'), client));
    assert.notEqual(result, 'judged');
    assert.match((result as { notTestable: string }).notTestable, /gateway\.audienceCheck: none/);
    assert.equal(violations.length, 0);
  });

  test('scope: aud must carry the granted scope; another aud fails', () => {
    const target: TargetDescription = { ...reference(), audience: undefined, audienceCheck: 'scope' };
    assert.equal(judgeApiAudience(sink(target).world, tokenOnly(claims(['catalog:read']), client)), 'judged');
    const { world, violations } = sink(target);
    assert.throws(() => judgeApiAudience(world, tokenOnly(claims('https://api.example'), client)), RequirementViolation);
    assert.equal(violations[0]?.requirementId, 'REQ-JWT-08');
  });

  test('exact (the default): aud must contain gateway.audience', () => {
    const target = reference();
    assert.equal(judgeApiAudience(sink(target).world, tokenOnly(claims([target.audience]), client)), 'judged');
    assert.throws(() => judgeApiAudience(sink(target).world, tokenOnly(claims('https://elsewhere'), client)), RequirementViolation);
  });
});

describe('identity forwarded as request headers, and the public answer read on its own', () => {
  const answer = (body: unknown): Exchange => ({
    request: { method: 'GET', url: 'http://gateway.invalid/headers' },
    response: { status: 200, headers: { 'content-type': 'application/json' }, rawHeaders: [], body: JSON.stringify(body) },
    startedAt: 0,
    durationMs: 1,
  });
  const targetWith = (format: IdentityEchoFormat): TargetDescription => {
    const t = reference();
    return { ...t, gateway: { ...gatewayOf(t), routes: { ...gatewayOf(t).routes, identityEchoFormat: format } } };
  };
  const headerStyle: IdentityEchoFormat = {
    forwardedHeaders: { subject: 'X-Auth-Sub', clientId: 'X-Auth-Client', roles: [{ name: 'X-Auth-Scope' }], authorization: 'Authorization' },
  };

  test('subject, client id and a space-separated scope list come from the headers, names compared case-insensitively', () => {
    const reading = readEcho(targetWith(headerStyle), answer({ headers: { 'x-auth-sub': 'ctk-system', 'X-Auth-Client': 'ctk-system', 'X-AUTH-SCOPE': 'catalog:read  catalog:write', Host: 'component' } }));
    assert.deepEqual(reading.identity, { present: true, subject: 'ctk-system', clientId: 'ctk-system', roles: ['catalog:read', 'catalog:write'] });
    assert.equal(reading.authorizationReceived, false, 'no Authorization header in the echo: the raw token was not passed on');
  });

  test('the raw Authorization header present is a boolean true; no identity headers is an anonymous caller', () => {
    const reading = readEcho(targetWith(headerStyle), answer({ headers: { Authorization: 'Bearer x' } }));
    assert.equal(reading.authorizationReceived, true);
    assert.deepEqual(reading.identity, { present: false });
    assert.equal(isAnonymous(reading.identity!), true);
  });

  test('another list separator, and headers at the root of the answer', () => {
    const format: IdentityEchoFormat = { forwardedHeaders: { in: '', subject: 'X-User', roles: [{ name: 'X-Roles', separator: ',' }] } };
    const reading = readEcho(targetWith(format), answer({ 'X-User': 'alice', 'X-Roles': 'reader, writer' }));
    assert.deepEqual(reading.identity?.roles, ['reader', 'writer']);
    assert.match(readEcho(targetWith({ forwardedHeaders: { subject: 'X-User' } }), answer({ nothing: 1 })).unreadable ?? '', /no object of request headers at "\/headers"/);
  });

  test('the spoofing check forges the forwarded headers too', () => {
    const forged = forgedIdentityHeaders(targetWith(headerStyle));
    assert.equal(forged['x-auth-sub'], FORGED_SUBJECT);
    assert.equal(forged['x-auth-client'], FORGED_SUBJECT);
  });

  test('the spoofing check forges the kind and every roles header the profile names, each in its own separator (REQ-ID-09)', () => {
    const format: IdentityEchoFormat = {
      kinds: { system: 'service' },
      forwardedHeaders: { subject: 'X-Auth-Sub', kind: 'X-Auth-Kind', roles: [{ name: 'X-Auth-Scope' }, { name: 'X-Roles', separator: ',' }] },
    };
    const forged = forgedIdentityHeaders(targetWith(format));
    assert.equal(forged['x-auth-kind'], 'service', "the component's own word for system");
    assert.deepEqual(forged['x-auth-scope']?.split(' '), ['admin', FORGED_ROLE]);
    assert.deepEqual(forged['x-roles']?.split(','), ['admin', FORGED_ROLE]);
  });

  test("publicIdentityFormat: the public route's answer read with its own pointers, the echo's untouched", () => {
    const format: IdentityEchoFormat = { subject: '/sub', publicIdentity: '/servedTo', publicIdentityFormat: { subject: '/user/name' } };
    const target = targetWith(format);
    assert.equal(readPublicIdentity(target, answer({ servedTo: { user: { name: 'anonymous-visitor' } } })).identity?.subject, 'anonymous-visitor');
    assert.equal(readEcho(target, answer({ identity: { sub: 'ctk-system' } })).identity?.subject, 'ctk-system');
  });
});

describe("a vendor's key as the trusted test-token signer", () => {
  test('tokens are signed with the profile key: typ at+jwt and kid by default, a check may override the header', async () => {
    const { generateKeyPair, exportJWK, compactVerify, decodeProtectedHeader } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const signer = { privateJwk: (await exportJWK(privateKey)) as Record<string, unknown>, alg: 'ES256', kid: 'vendor-key-1' };
    const target: TargetDescription = { ...reference(), admin: undefined, testSigner: signer };
    const world = { target } as unknown as CtkWorld;
    const chosen = testSignerOf(world);
    assert.ok(chosen instanceof JwkSigner, "the profile's key, not a control plane");
    const token = await chosen.sign({ iss: 'https://idp.example', sub: 'ctk-system' });
    const { payload } = await compactVerify(token, publicKey);
    assert.equal(JSON.parse(new TextDecoder().decode(payload)).sub, 'ctk-system');
    assert.deepEqual(decodeProtectedHeader(token), { typ: 'at+jwt', kid: 'vendor-key-1', alg: 'ES256' });
    assert.equal(decodeProtectedHeader(await chosen.sign({}, { typ: 'JWT' })).typ, 'JWT', 'the typ defect');
    assert.ok(secretsOf(target).includes(String(signer.privateJwk.d)), 'the private key is registered with the redactor');
  });

  test('no key and no control plane: no signer (the checks are not testable, with the remedy)', () => {
    const { admin: _admin, ...rest } = reference();
    assert.equal(testSignerOf({ target: rest } as unknown as CtkWorld), undefined);
  });
});

describe("a gateway that blocks after consecutive invalid tokens: the run's own address stays under the count", () => {
  test('after failedAttempts - 1 refused requests with credentials in a row, a valid one goes first', async () => {
    const { callGateway } = await import('../support/gateway/gateway-client.ts');
    const { resetOwnAddressGuard } = await import('../support/gateway/own-address-guard.ts');
    resetOwnAddressGuard();
    const base = reference();
    const target: TargetDescription = {
      ...base,
      tokenEndpoint: 'http://127.0.0.1:1/guard-token',
      capabilities: { ...base.capabilities, 'gateway-ip-blocking': true },
      limits: { ...base.limits, tokenRequestsPerSecond: undefined, gateway: { ipBlock: { failedAttempts: 3, blockSeconds: 60 } } },
    } as TargetDescription;
    const sent: string[] = [];
    const answer = (status: number, body: string): Exchange =>
      ({ request: { method: 'GET', url: '' }, response: { status, headers: { 'content-type': 'application/json' }, rawHeaders: [], body }, startedAt: 0, durationMs: 1 }) as Exchange;
    const world = {
      target,
      log: () => undefined,
      send: async (request: HttpRequest) => {
        if (request.url === target.tokenEndpoint) return answer(200, JSON.stringify({ access_token: 'valid-guard-token', token_type: 'Bearer', expires_in: 300 }));
        const authorization = String(request.headers?.authorization ?? '');
        sent.push(authorization === 'Bearer valid-guard-token' ? 'valid' : 'invalid');
        return answer(authorization === 'Bearer valid-guard-token' ? 200 : 401, '{}');
      },
    } as unknown as CtkWorld;
    for (let i = 0; i < 5; i++) await callGateway(world, { route: 'protected', authorization: 'Bearer not-a-token' });
    // Two invalid in a row at most (3 would block): a valid request ends each series.
    assert.deepEqual(sent, ['invalid', 'invalid', 'valid', 'invalid', 'invalid', 'valid', 'invalid']);
    resetOwnAddressGuard();
    sent.length = 0;
    const unclaimed = { ...world, target: { ...target, capabilities: { ...target.capabilities, 'gateway-ip-blocking': false } } } as unknown as CtkWorld;
    for (let i = 0; i < 4; i++) await callGateway(unclaimed, { route: 'protected', authorization: 'Bearer not-a-token' });
    assert.deepEqual(sent, ['invalid', 'invalid', 'invalid', 'invalid'], 'a gateway that does not claim a block: nothing extra is sent');
  });
});

describe('the committed shapes (fixtures/targets/shapes) load, and give the verdicts their shape calls for', () => {
  /** The description the external provider makes, its requests answered by a local stub (offline). */
  async function described(file: string): Promise<TargetDescription> {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const env = { CTK_SHAPE_SECRET: 'shape-secret', CTK_SHAPE_PASSWORD: 'shape-password', CTK_SHAPE_SIGNER_JWK: JSON.stringify(await exportJWK(privateKey)) };
    const profile = loadProfile(`fixtures/targets/shapes/${file}`, { env });
    const server = createServer((_req, res) => res.end('{}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const local = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      return await describeExternalTarget(
        {
          ...profile,
          idp: { ...profile.idp, tokenEndpoint: `${local}/token`, jwksUri: `${local}/jwks` },
          ...(profile.gateway ? { gateway: { ...profile.gateway, baseUrl: local } } : {}),
        },
        () => undefined,
      );
    } finally {
      server.close();
    }
  }

  test("gateway-rate-limit: the gateway's limits are judged at the gateway; the token endpoint's are not applicable", async () => {
    const t = await described('gateway-rate-limit.yaml');
    assert.deepEqual(t.limits.gateway, { requestsPerSecond: 20, ipBlock: { failedAttempts: 5, blockSeconds: 60 } });
    for (const id of ['REQ-GRL-01', 'REQ-GRL-02', 'REQ-GRL-03', 'REQ-GRL-04', 'REQ-GRL-05', 'REQ-GRL-06', 'REQ-GRL-07', 'REQ-GRL-08']) {
      assert.equal(applicability(t, [`@${id}`]).kind, 'applicable', id);
    }
    // Claiming the gateway's limits does not load the IdP: seed 001's token-endpoint checks stay out.
    const tokenEndpoint = applicability(t, ['@REQ-RL-02']);
    assert.ok(tokenEndpoint.kind === 'not-applicable');
    assert.match(tokenEndpoint.record.reason, /does not claim rate-limiting/);
    // The default reference claims neither; the variation gateway-rate-limit (or a fault that needs it) claims both.
    assert.equal(applicability(reference(), ['@REQ-GRL-01']).kind, 'not-applicable');
    const varied = describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' }, { faults: ['gateway-never-unblock'] });
    assert.equal(varied.capabilities['gateway-ip-blocking'], true);
    assert.equal(varied.capabilities['gateway-rate-limiting'], true);
  });

  test('idp-only: gateway requirements not applicable, token issuance judged', async () => {
    const t = await described('idp-only.yaml');
    assert.equal(t.gateway, undefined);
    const bearer = applicability(t, ['@gateway', '@REQ-BEARER-07']);
    assert.ok(bearer.kind === 'not-applicable');
    assert.match(bearer.record.reason, /names no gateway/);
    assert.equal(applicability(t, ['@REQ-TOK-01']).kind, 'applicable');
  });

  test('basic-only-public-web: CAUTH-02 not applicable; the public web client sends no secret and no password login', async () => {
    const t = await described('basic-only-public-web.yaml');
    assert.equal(applicability(t, ['@REQ-CAUTH-02']).kind, 'not-applicable');
    assert.equal(t.clients.web?.clientSecret, '');
    assert.equal(registeredAuthMethod(t.clients.web!), 'none');
    assert.equal(registeredAuthMethod(t.clients.system), 'basic');
    const world = { target: t, send: () => assert.fail('nothing may be sent'), log: () => undefined } as unknown as CtkWorld;
    assert.equal((await passwordGrantSource.obtain(world, t.users[0]!)).kind, 'unavailable');
  });

  test('every-scope-allowed: the refused-scope case of REQ-TOK-12 is not testable; the unknown scope is still asked', async () => {
    const t = await described('every-scope-allowed.yaml');
    assert.ok(typeof disallowedScope('a scope the target must refuse it', t.clients.readOnly!) === 'object');
    assert.equal(disallowedScope('a scope the target does not know', t.clients.readOnly!), UNKNOWN_SCOPE);
  });

  test('header-identity: identity read from headers, no audience compared, the vendor key signs', async () => {
    const t = await described('header-identity.yaml');
    assert.equal(t.audience, undefined);
    assert.equal(t.audienceCheck, 'none');
    assert.equal(t.capabilities['test-token-signer'], true);
    assert.ok(testSignerOf({ target: t } as unknown as CtkWorld) instanceof JwkSigner);
    const echo = readEcho(t, {
      request: { method: 'GET', url: 'http://x/anything' },
      response: { status: 200, headers: {}, rawHeaders: [], body: JSON.stringify({ headers: { 'X-Auth-Sub': 'ctk-system', 'X-Auth-Scope': 'api:read api:write' } }) },
      startedAt: 0,
      durationMs: 1,
    });
    assert.deepEqual(echo.identity?.roles, ['api:read', 'api:write']);
    assert.equal(echo.authorizationReceived, false);
  });
});

describe("rate-limit checks from the run's own address when the profile lists no sourceAddresses", () => {
  const addressless = (coolDown?: number): TargetDescription => {
    const t = reference();
    return { ...t, kind: 'external', sourceAddresses: [], limits: { ...t.limits, ...(coolDown !== undefined ? { ownAddressCoolDownSeconds: coolDown } : {}) } };
  };

  test('a rate-limit check gets the run\'s own address, named so in what the verdict says; an IP-block check does not', () => {
    const own = freshAddresses(addressless(), 1, { ownAddress: true, share: { id: 0, total: 1 } });
    assert.deepEqual(own, { addresses: [OWN_ADDRESS] });
    assert.match(OWN_ADDRESS, /the run's own address \(the profile lists no sourceAddresses\)/);
    assert.deepEqual(sendFrom(OWN_ADDRESS), {}, 'sent unbound, from the default address');
    assert.deepEqual(sendFrom('127.0.0.9'), { sourceAddress: '127.0.0.9' });
    const blockCheck = freshAddresses(addressless(), 1);
    assert.ok('reason' in blockCheck, 'never the run\'s own address for a check that may get it blocked');
    const twoNeeded = freshAddresses(addressless(), 2, { ownAddress: true });
    assert.ok('reason' in twoNeeded, 'a bystander check needs two client IPs');
  });

  test('with parallel workers the own address is shared: not testable, with the reason', () => {
    const parallel = freshAddresses(addressless(), 1, { ownAddress: true, share: { id: 0, total: 2 } });
    assert.ok('reason' in parallel);
    assert.match(parallel.reason, /parallel workers/);
  });

  test('after a series from it, the run\'s ordinary token requests wait out its limit (Retry-After, or the stated cool-down)', async () => {
    resetOwnAddress();
    const now = performance.now();
    ownAddressUsedUntil(addressless(), now, 0.2);
    const started = performance.now();
    await ownAddressQuiet();
    const waited = performance.now() - started;
    assert.ok(waited >= 900, `at least the one-second window of seed 001 (waited ${waited.toFixed(0)} ms)`);
    resetOwnAddress();
    ownAddressUsedUntil(addressless(3), now, 1);
    let done = false;
    const waiting = ownAddressQuiet().then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.equal(done, false, 'the 3 s cool-down is longer than the 1 s Retry-After');
    resetOwnAddress();
    void waiting;
  });
});

describe('a control plane the profile describes: envelope-style, Keycloak Admin REST, Auth0 Management API', () => {
  type Handler = (req: import('node:http').IncomingMessage, body: string) => { status: number; json?: unknown };
  async function serve(handler: Handler): Promise<{ url: string; seen: string[]; close: () => void }> {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push(`${req.method} ${req.url} ${body}`.trim());
        const { status, json } = handler(req, body);
        res.writeHead(status, { 'content-type': 'application/json' }).end(json === undefined ? '' : JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen, close: () => server.close() };
  }
  const worldWith = (admin: AdminDescription): CtkWorld =>
    ({ target: { ...reference(), admin }, send: (request: HttpRequest) => send({ timeoutMs: 2000, ...request }), log: () => undefined }) as unknown as CtkWorld;

  test('an admin API with its own header and its entries inside an envelope', async () => {
    const api = await serve((req) => {
      if (req.headers['x-admin-key'] !== 'k-123') return { status: 401, json: { error: 'no key' } };
      if (req.url === '/v1/audit') return { status: 200, json: { entries: [{ clientId: 'ctk-system', outcome: 'success', time: Date.now() }] } };
      if (req.url === '/v1/clients/ctk-rotation/secret' && req.method === 'POST') return { status: 200, json: { data: { secret: 'fresh-secret-1' } } };
      if (req.url === '/v1/clients/ctk-rotation/secret' && req.method === 'PUT') return { status: 204 };
      return { status: 404 };
    });
    try {
      const admin: AdminDescription = {
        baseUrl: api.url,
        token: 'k-123',
        authHeader: { name: 'X-Admin-Key', prefix: '' },
        auditLog: { method: 'GET', path: '/v1/audit', entries: '/entries' },
        rotateSecret: { method: 'POST', path: '/v1/clients/{clientId}/secret', secret: '/data/secret', putBack: { method: 'PUT', path: '/v1/clients/{clientId}/secret', field: 'value' } },
      };
      const plane = controlPlaneOf(worldWith(admin), 'auditLog')!;
      const { entries } = await plane.auditLog();
      assert.equal(findAttempt(entries, { clientId: 'ctk-system', outcome: 'success', from: Date.now() - 5000, to: Date.now(), toleranceMs: 1000 }).matches.length, 1);
      assert.equal(await plane.rotateSecret('ctk-rotation'), 'fresh-secret-1');
      assert.equal(await plane.rotateSecret('ctk-rotation', 'the-profile-secret'), 'the-profile-secret');
      assert.deepEqual(api.seen.slice(-1), ['PUT /v1/clients/ctk-rotation/secret {"value":"the-profile-secret"}']);
      assert.equal(controlPlaneOf(worldWith(admin), 'rotateSigningKey'), undefined, 'key rotation and the signer stay the reference\'s');
      const noPutBack: AdminDescription = { baseUrl: api.url, token: 'k', preset: 'keycloak', auditLog: admin.auditLog! };
      assert.ok(controlPlaneOf(worldWith(noPutBack), 'rotateSecret'), 'the keycloak preset can put a secret back');
    } finally {
      api.close();
    }
  });

  test('the Keycloak preset: events, the client secret by internal id, put back with PUT', async () => {
    const kc = await serve((req) => {
      if (req.headers.authorization !== 'Bearer kc-admin') return { status: 401 };
      if (req.url === '/events?max=1000') return { status: 200, json: [{ time: Date.now(), type: 'CLIENT_LOGIN_ERROR', clientId: 'ctk-system', ipAddress: '127.0.0.1', error: 'invalid_client_credentials' }] };
      if (req.url === '/clients?clientId=ctk-rotation') return { status: 200, json: [{ id: 'a1b2-uuid', clientId: 'ctk-rotation' }] };
      if (req.url === '/clients/a1b2-uuid/client-secret' && req.method === 'POST') return { status: 200, json: { type: 'secret', value: 'kc-new-secret' } };
      if (req.url === '/clients/a1b2-uuid' && req.method === 'PUT') return { status: 204 };
      return { status: 404 };
    });
    try {
      const plane = controlPlaneOf(worldWith({ baseUrl: kc.url, token: 'kc-admin', preset: 'keycloak' }), 'rotateSecret')!;
      assert.equal(await plane.rotateSecret('ctk-rotation'), 'kc-new-secret');
      await plane.rotateSecret('ctk-rotation', 'back-again');
      assert.ok(kc.seen.includes('PUT /clients/a1b2-uuid {"secret":"back-again"}'), kc.seen.join('\n'));
      const { entries } = await plane.auditLog();
      assert.equal(findAttempt(entries, { clientId: 'ctk-system', outcome: 'failure', from: Date.now() - 5000, to: Date.now(), toleranceMs: 1000 }).matches.length, 1);
    } finally {
      kc.close();
    }
  });

  test('the Auth0 preset: logs (seccft / feccft), rotate-secret, put back with PATCH', async () => {
    const a0 = await serve((req) => {
      if (req.url?.startsWith('/api/v2/logs')) return { status: 200, json: [{ date: new Date().toISOString(), type: 'seccft', client_id: 'ctk-system', ip: '127.0.0.1' }] };
      if (req.url === '/api/v2/clients/ctk-rotation/rotate-secret') return { status: 200, json: { client_id: 'ctk-rotation', client_secret: 'a0-new' } };
      if (req.url === '/api/v2/clients/ctk-rotation' && req.method === 'PATCH') return { status: 200, json: { client_id: 'ctk-rotation' } };
      return { status: 404 };
    });
    try {
      const plane = controlPlaneOf(worldWith({ baseUrl: a0.url, token: 'a0', preset: 'auth0' }), 'rotateSecret')!;
      assert.equal(await plane.rotateSecret('ctk-rotation'), 'a0-new');
      await plane.rotateSecret('ctk-rotation', 'back');
      assert.ok(a0.seen.includes('PATCH /api/v2/clients/ctk-rotation {"client_secret":"back"}'));
      const { entries } = await plane.auditLog();
      assert.equal(findAttempt(entries, { clientId: 'ctk-system', outcome: 'success', from: Date.now() - 5000, to: Date.now() + 1000, toleranceMs: 2000 }).matches.length, 1);
    } finally {
      a0.close();
    }
  });
});

test('shape envelope-admin.yaml: its control plane reads the envelope and rotates with a put-back; no key rotation', async () => {
  const profile = loadProfile('fixtures/targets/shapes/envelope-admin.yaml', { env: { CTK_SHAPE_SECRET: 'shape-secret' } });
  const world = { target: { ...reference(), admin: profile.admin } } as unknown as CtkWorld;
  assert.ok(controlPlaneOf(world, 'auditLog'));
  assert.ok(controlPlaneOf(world, 'rotateSecret'));
  assert.equal(controlPlaneOf(world, 'rotateSigningKey'), undefined);
  assert.equal(controlPlaneOf(world, 'sign'), undefined);
});
