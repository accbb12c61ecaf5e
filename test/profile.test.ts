/**
 * Target profiles (issue 11, "Bad input"): every mistake in a profile is ONE error that names the file, the
 * field and what was expected, raised as a UsageError (exit code 2) before anything is sent; secrets come only
 * from ${VAR} references resolved from the environment or a .env file, and never show up in an error.
 * Also: the committed profiles are valid, and reference-local.yaml describes exactly the reference stack.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TargetDescription } from '../support/target/target.ts';
import { stringify } from 'yaml';
import { UsageError } from '../cli/errors.ts';
import { loadProfile, ProfileError, PROFILE_DEFAULTS, type TargetProfile } from '../support/target/profile.ts';
import { PROFILE_SCHEMA } from '../support/target/profile-schema.ts';
import { parseDotenv } from '../support/target/dotenv.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { describeExternalTarget } from '../support/target/external.ts';
import { applicability } from '../support/target/applicability.ts';

const ENV = { CTK_ID: 'client-from-env', CTK_SECRET: 's3cr3t-from-env-value' };

function validProfile(): Record<string, any> {
  return {
    name: 'test target',
    idp: { issuer: 'https://idp.test', tokenEndpoint: 'https://idp.test/token', jwksUri: 'https://idp.test/jwks' },
    gateway: {
      baseUrl: 'https://api.test',
      audience: 'https://api.test',
      routes: { protected: '/p', public: '/pub', scoped: { method: 'POST', path: '/p', scope: 'write' } },
    },
    clients: { system: { clientId: '${CTK_ID}', clientSecret: '${CTK_SECRET}', scopes: ['read', 'write'] } },
  };
}

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'ctk-profile-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function write(content: string | Record<string, unknown>, name = `p${++n}.yaml`): string {
  const file = join(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : stringify(content));
  return file;
}

/** Loads, expecting ONE ProfileError; returns its message after checking it names the file. */
function failure(file: string, env: Record<string, string> = ENV, envFile?: string): ProfileError {
  try {
    loadProfile(file, { env, cwd: dir, ...(envFile ? { envFile } : {}) });
  } catch (error) {
    assert.ok(error instanceof ProfileError, `expected a ProfileError, got ${String(error)}`);
    assert.ok(error instanceof UsageError, 'a profile error must be a UsageError (exit 2)');
    assert.ok(error.message.includes(file.split('/').pop()!), `the message names the file: ${error.message}`);
    return error;
  }
  assert.fail('the profile was accepted');
}

/**
 * The TargetDescription of a loaded profile whose IdP (and gateway, where `targetAt` keeps one) is a stub on loopback
 * answering every request with `answer`: describeExternalTarget asks the target while describing it. `targetAt`
 * points the profile at the stub's base URL; by default its token endpoint, JWK Set and gateway.
 */
async function describedAgainstStub(
  p: TargetProfile,
  answer: RequestListener,
  targetAt: (local: string) => TargetProfile = (local) => ({ ...p, idp: { ...p.idp, tokenEndpoint: `${local}/token`, jwksUri: `${local}/jwks` }, gateway: { ...p.gateway!, baseUrl: local } }),
  log: (line: string) => void = () => undefined,
): Promise<{ described: TargetDescription; local: string }> {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const local = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    return { described: await describeExternalTarget(targetAt(local), log), local };
  } finally {
    server.close();
  }
}

describe('profile validation: one clear error naming file, field and expectation', () => {
  test('a valid minimal profile loads, with documented defaults', () => {
    const p = loadProfile(write(validProfile()), { env: ENV, cwd: dir });
    assert.equal(p.clients.system.clientId, 'client-from-env');
    assert.equal(p.clients.system.clientSecret, ENV.CTK_SECRET);
    assert.equal(p.limits.clockSkewSeconds, PROFILE_DEFAULTS.clockSkewSeconds);
    assert.equal(p.limits.requestTimeoutSeconds, PROFILE_DEFAULTS.requestTimeoutSeconds);
    assert.equal(p.limits.loadScenarios, false);
    assert.equal(p.limits.maxRequestsPerSecond, 0, 'load not enabled: caps of 0');
    assert.equal(p.limits.maxRequestsPerRun, 0);
  });

  test('missing field', () => {
    const profile = validProfile();
    profile.capabilities = { 'jwt-access-tokens': true };
    delete profile.gateway.audience;
    const e = failure(write(profile));
    assert.equal(e.field, 'gateway.audience');
    assert.match(e.message, /gateway\.audience: missing \(expected the `aud`/);
  });

  test('wrong type', () => {
    const profile = validProfile();
    profile.limits = { clockSkewSeconds: 'thirty' };
    const e = failure(write(profile));
    assert.equal(e.field, 'limits.clockSkewSeconds');
    assert.match(e.message, /expected leeway .* in seconds \(0\.\.600\); got the string "thirty"/);
  });

  test('unknown key, listing the known ones', () => {
    const profile = validProfile();
    profile.gateway.routes.protectd = '/x';
    const e = failure(write(profile));
    assert.equal(e.field, 'gateway.routes.protectd');
    assert.match(e.message, /unknown key "protectd" \(expected one of: protected, public, scoped, identityEcho, customerData, customerWrite, customerDelete, identityEchoFormat\)/);
  });

  test('unknown capability', () => {
    const profile = validProfile();
    profile.capabilities = { 'rate-limits': true };
    const e = failure(write(profile));
    assert.match(e.message, /capabilities\.rate-limits: unknown key .*rate-limiting/);
  });

  test('a literal secret is refused, and not echoed', () => {
    const profile = validProfile();
    profile.clients.system.clientSecret = 'hunter2-literal';
    const e = failure(write(profile));
    assert.equal(e.field, 'clients.system.clientSecret');
    assert.match(e.message, /a literal secret is not allowed in a profile \(expected an environment variable reference like \$\{AUTH_CLIENT_SECRET\}/);
    assert.doesNotMatch(e.message, /hunter2/);
  });

  test('a literal password and admin token are refused too', () => {
    const profile = validProfile();
    profile.users = [{ username: 'alice', password: 'pa55word', customerId: 'c1' }];
    assert.match(failure(write(profile)).message, /users\[0\]\.password: a literal secret/);
    const admin = validProfile();
    admin.admin = { baseUrl: 'https://idp.test', token: 'tok-literal' };
    assert.match(failure(write(admin)).message, /admin\.token: a literal secret/);
  });

  test('an unset secret variable names the variable and where it was looked for', () => {
    const e = failure(write(validProfile()), { CTK_ID: 'x' });
    assert.equal(e.field, 'clients.system.clientSecret');
    assert.match(e.message, /environment variable CTK_SECRET is not set \(expected it in the environment or a \.env file\)/);
  });

  test('an empty variable counts as unset', () => {
    assert.match(failure(write(validProfile()), { CTK_ID: 'x', CTK_SECRET: '' }).message, /CTK_SECRET is not set/);
  });

  test('idp needs a discovery URL or the endpoints (jwksUri where the tokens are JWTs)', () => {
    const profile = validProfile();
    delete profile.idp.tokenEndpoint;
    const e = failure(write(profile));
    assert.equal(e.field, 'idp');
    assert.match(e.message, /idp: incomplete \(expected .*discoveryUrl, or issuer \+ tokenEndpoint \(\+ jwksUri where the access tokens are JWTs\)\)/);
    const jwt = validProfile();
    jwt.capabilities = { 'jwt-access-tokens': true };
    delete jwt.idp.jwksUri;
    const missing = failure(write(jwt));
    assert.equal(missing.field, 'idp.jwksUri');
    assert.match(missing.message, /idp\.jwksUri: missing \(expected the JWKS document .*the profile claims JWT access tokens/);
  });

  test('a URL that is not http(s)', () => {
    const profile = validProfile();
    profile.gateway.baseUrl = 'ftp://api.test';
    assert.match(failure(write(profile)).message, /gateway\.baseUrl: expected the gateway base URL .*an http\(s\) URL/);
  });

  test("the component's own URL (gateway.componentUrl, REQ-CANVAS-01) must be an http(s) URL, and is optional", async () => {
    const profile = validProfile();
    profile.gateway.componentUrl = 'ftp://component.test';
    assert.match(failure(write(profile)).message, /gateway\.componentUrl: expected the component's own base URL.*an http\(s\) URL/);
    profile.gateway.componentUrl = 'http://component.test:8080/';
    assert.equal(loadProfile(write(profile), { env: ENV }).gateway?.componentUrl, 'http://component.test:8080/');
  });

  test('retired-key-bound claimed without limits.gateway.retiredKeySeconds (REQ-JWKS-04)', () => {
    const profile = validProfile();
    profile.capabilities = { 'retired-key-bound': true };
    const e = failure(write(profile));
    assert.equal(e.field, 'limits.gateway.retiredKeySeconds');
    profile.limits = { gateway: { retiredKeySeconds: 300 } };
    assert.equal(loadProfile(write(profile), { env: ENV }).limits.gateway?.retiredKeySeconds, 300);
  });

  test('a ${VAR} that does not hold a URL is caught after resolving it', () => {
    const profile = validProfile();
    profile.gateway.baseUrl = '${CTK_GATEWAY}';
    const e = failure(write(profile), { ...ENV, CTK_GATEWAY: 'not a url' });
    assert.match(e.message, /gateway\.baseUrl: expected an http\(s\) URL; got "not a url"/);
  });

  test('load enabled without caps', () => {
    const profile = validProfile();
    profile.limits = { loadScenarios: true, maxRequestsPerSecond: 10 };
    const e = failure(write(profile));
    assert.equal(e.field, 'limits.maxRequestsPerRun');
    assert.match(e.message, /missing \(expected hard cap on requests/);
  });

  test('a scoped route whose scope the system client lacks', () => {
    const profile = validProfile();
    profile.clients.system.scopes = ['read'];
    assert.match(failure(write(profile)).message, /clients\.system\.scopes: expected the system client's scopes to include "write"/);
  });

  test('not YAML at all, with the line', () => {
    const e = failure(write('name: x\nidp: [\n'));
    assert.match(e.message, /p\d+\.yaml:\d+: not valid YAML/);
  });

  test('${VAR} inside a { } flow map gets a hint about quoting', () => {
    const text = stringify(validProfile()) + 'users:\n  - { username: a, password: ${CTK_SECRET}, customerId: c }\n';
    assert.match(failure(write(text)).message, /needs quotes/);
  });

  test('an empty file', () => {
    assert.match(failure(write('')).message, /expected a YAML mapping with name, idp, gateway and clients; got nothing/);
  });

  test('an identity echo in another format, and a wrong pointer in it', () => {
    const profile = validProfile();
    profile.gateway.routes.identityEcho = '/debug/whoami';
    profile.gateway.routes.identityEchoFormat = { identity: '', subject: '/principal', kinds: { system: 'machine' }, identityHeader: { name: 'x-user', encoding: 'json' } };
    const p = loadProfile(write(profile), { env: ENV, cwd: dir });
    assert.equal(p.gateway!.routes.identityEchoFormat?.subject, '/principal');
    profile.gateway.routes.identityEchoFormat = { subject: 'principal' };
    assert.match(failure(write(profile)).message, /gateway\.routes\.identityEchoFormat\.subject: expected .*a JSON pointer \(RFC 6901\)/);
  });

  test('idp.tokenRequestParameters: strings the kit adds to its token requests (Auth0 audience, RFC 8707 resource)', async () => {
    const profile = validProfile();
    profile.idp.tokenRequestParameters = { audience: 'https://api.test', resource: '${CTK_RESOURCE}' };
    const p = loadProfile(write(profile), { env: { ...ENV, CTK_RESOURCE: 'https://api.test/v1' }, cwd: dir });
    assert.deepEqual(p.idp.tokenRequestParameters, { audience: 'https://api.test', resource: 'https://api.test/v1' });
    // ...and they reach the TargetDescription the scenarios read.
    const { described } = await describedAgainstStub(p, (_req, res) => res.end('{}'));
    assert.deepEqual(described.tokenRequestParameters, { audience: 'https://api.test', resource: 'https://api.test/v1' });
  });

  test('idp.tokenRequestParameters may not name a parameter the kit sets itself', () => {
    for (const name of ['grant_type', 'client_id', 'client_secret', 'scope', 'username', 'password', 'code', 'code_verifier', 'redirect_uri']) {
      const profile = validProfile();
      profile.idp.tokenRequestParameters = { audience: 'https://api.test', [name]: 'x' };
      const e = failure(write(profile));
      assert.equal(e.field, `idp.tokenRequestParameters.${name}`);
      assert.match(e.message, new RegExp(`idp\\.tokenRequestParameters\\.${name}: "${name}" is not allowed here: the kit sets it itself`));
    }
  });

  test('idp.tokenRequestParameters values are strings', () => {
    const profile = validProfile();
    profile.idp.tokenRequestParameters = { audience: 42 };
    const e = failure(write(profile));
    assert.equal(e.field, 'idp.tokenRequestParameters.audience');
    assert.match(e.message, /expected the parameter value: a string .*; got number 42/);
    profile.idp.tokenRequestParameters = ['audience'];
    assert.match(failure(write(profile)).message, /idp\.tokenRequestParameters: expected extra parameters .*a mapping of names to strings.*; got a list/);
  });

  test('a missing file', () => {
    assert.match(failure(join(dir, 'nope.yaml')).message, /nope\.yaml: file not found/);
  });

  test('the error line points into the file', () => {
    const text = stringify(validProfile()).replace('protected: /p', 'protected: p-without-slash');
    const e = failure(write(text));
    const line = Number(/\.yaml:(\d+):/.exec(e.message)?.[1]);
    assert.ok(text.split('\n')[line - 1]?.includes('p-without-slash'), `line ${line} of:\n${text}`);
  });
});

describe('profile fields for real deployments (issue 16)', () => {
  const load = (profile: Record<string, any>, env: Record<string, string> = ENV) => loadProfile(write(profile), { env, cwd: dir });

  test('clients.<role>.tokenEndpointAuthMethod: one registered method per client', () => {
    const profile = validProfile();
    profile.clients.system.tokenEndpointAuthMethod = 'client_secret_basic';
    assert.equal(load(profile).clients.system.tokenEndpointAuthMethod, 'client_secret_basic');
    profile.clients.system.tokenEndpointAuthMethod = 'client_secret_post';
    assert.equal(load(profile).clients.system.tokenEndpointAuthMethod, 'client_secret_post');
    assert.equal(load(validProfile()).clients.system.tokenEndpointAuthMethod, undefined, 'absent: Basic and body alike');
    profile.clients.system.tokenEndpointAuthMethod = 'private_key_jwt';
    const e = failure(write(profile));
    assert.equal(e.field, 'clients.system.tokenEndpointAuthMethod');
    assert.match(e.message, /client_secret_basic, client_secret_post, none/);
  });

  test('a public web client (none) needs no secret; a confidential one still does', () => {
    const profile = validProfile();
    profile.clients.web = { clientId: 'spa', tokenEndpointAuthMethod: 'none', scopes: ['openid'], redirectUri: 'https://app.test/cb' };
    const p = load(profile);
    assert.equal(p.clients.web?.clientSecret, '', 'no made-up secret');
    assert.equal(p.clients.web?.tokenEndpointAuthMethod, 'none');
    delete profile.clients.web.tokenEndpointAuthMethod;
    const missing = failure(write(profile));
    assert.equal(missing.field, 'clients.web.clientSecret');
    assert.match(missing.message, /missing \(expected the client secret/);
  });

  test('a public client with a secret, or a public client-credentials client, is refused naming the field', () => {
    const withSecret = validProfile();
    withSecret.clients.web = { clientId: 'spa', clientSecret: '${CTK_SECRET}', tokenEndpointAuthMethod: 'none', scopes: [] };
    assert.equal(failure(write(withSecret)).field, 'clients.web.clientSecret');
    const publicSystem = validProfile();
    publicSystem.clients.system.tokenEndpointAuthMethod = 'none';
    delete publicSystem.clients.system.clientSecret;
    const e = failure(write(publicSystem));
    assert.equal(e.field, 'clients.system.tokenEndpointAuthMethod');
    assert.match(e.message, /confidential client \(RFC 6749 §4\.4\)/);
  });

  test('clients.publicWeb: a public client only (REQ-AUTHZ-03), refused naming the field otherwise', () => {
    const profile = validProfile();
    profile.clients.publicWeb = { clientId: 'spa', tokenEndpointAuthMethod: 'none', scopes: ['openid'], redirectUri: 'http://127.0.0.1/callback' };
    const p = load(profile);
    assert.equal(p.clients.publicWeb?.clientSecret, '');
    assert.equal(p.clients.publicWeb?.redirectUri, 'http://127.0.0.1/callback');
    profile.clients.publicWeb = { clientId: 'spa', clientSecret: '${CTK_SECRET}', tokenEndpointAuthMethod: 'client_secret_basic', scopes: [] };
    const e = failure(write(profile));
    assert.equal(e.field, 'clients.publicWeb.tokenEndpointAuthMethod');
    assert.match(e.message, /expected none/);
  });

  test('clients.readOnly.refusedScopes: what the IdP must refuse, separate from what the client lacks', () => {
    const profile = validProfile();
    profile.clients.readOnly = { clientId: 'ro', clientSecret: '${CTK_SECRET}', scopes: ['read'] };
    assert.equal(load(profile).clients.readOnly?.refusedScopes, undefined, 'absent: no refusal is expected');
    profile.clients.readOnly.refusedScopes = ['write'];
    assert.deepEqual(load(profile).clients.readOnly?.refusedScopes, ['write']);
    profile.clients.readOnly.refusedScopes = ['read'];
    const overlap = failure(write(profile));
    assert.equal(overlap.field, 'clients.readOnly.refusedScopes[0]');
    assert.match(overlap.message, /outside clients\.readOnly\.scopes/);
    profile.clients.readOnly.refusedScopes = [];
    assert.equal(failure(write(profile)).field, 'clients.readOnly.refusedScopes');
    const onSystem = validProfile();
    onSystem.clients.system.refusedScopes = ['admin'];
    assert.match(failure(write(onSystem)).message, /clients\.system\.refusedScopes: unknown key/);
  });

  test('an IdP-only profile: no gateway is no error, and no gateway request is sent', async () => {
    const profile = validProfile();
    delete profile.gateway;
    const p = load(profile);
    assert.equal(p.gateway, undefined);
    const seen: string[] = [];
    const lines: string[] = [];
    const { described } = await describedAgainstStub(
      p,
      (req, res) => {
        seen.push(req.url ?? '');
        res.end('{}');
      },
      (local) => ({ ...p, idp: { ...p.idp, tokenEndpoint: `${local}/token`, jwksUri: `${local}/jwks` } }),
      (l) => lines.push(l),
    );
    assert.equal(described.gateway, undefined);
    assert.equal(described.audience, undefined);
    // The IdP is asked (its key set, and the token endpoint's reachability and start-up probe); nothing else is.
    assert.deepEqual([...new Set(seen)].sort(), ['/jwks', '/token']);
    assert.ok(lines.some((l) => /names no gateway: testing the IdP only/.test(l)), lines.join('\n'));
    // A gateway given is still checked whole.
    const partial = validProfile();
    delete partial.gateway.routes;
    assert.equal(failure(write(partial)).field, 'gateway.routes');
  });

  test('gateway.audienceCheck: none or scope need no audience; exact (the default) does', async () => {
    for (const mode of ['none', 'scope']) {
      const profile = validProfile();
      delete profile.gateway.audience;
      profile.gateway.audienceCheck = mode;
      const p = load(profile);
      assert.equal(p.gateway?.audienceCheck, mode);
      assert.equal(p.gateway?.audience, undefined);
    }
    const exact = validProfile();
    exact.capabilities = { 'jwt-access-tokens': true };
    delete exact.gateway.audience;
    exact.gateway.audienceCheck = 'exact';
    assert.match(failure(write(exact)).message, /gateway\.audience: missing/);
    const wrong = validProfile();
    wrong.gateway.audienceCheck = 'sometimes';
    const e = failure(write(wrong));
    assert.equal(e.field, 'gateway.audienceCheck');
    assert.match(e.message, /exact \(it must contain gateway\.audience; the default\), none .*scope/);
  });

  test('testTokenSigner: a private JWK through ${VAR}, its kid and alg; never echoed in an error', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const priv = await exportJWK(privateKey);
    const env = { ...ENV, CTK_SIGNER: JSON.stringify(priv), CTK_PUBLIC: JSON.stringify(await exportJWK(publicKey)), CTK_NOT_JSON: 'not-json-at-all' };
    const profile = validProfile();
    profile.testTokenSigner = { privateJwk: '${CTK_SIGNER}', kid: 'gw-trusted-1' };
    const p = load(profile, env);
    assert.equal(p.testSigner?.alg, 'RS256', "the key type's usual alg");
    assert.equal(p.testSigner?.kid, 'gw-trusted-1');
    assert.equal(p.capabilities['test-token-signer'], true, 'a trusted key is what the capability means');

    profile.testTokenSigner = { privateJwk: '${CTK_PUBLIC}' };
    const pub = failure(write(profile), env);
    assert.equal(pub.field, 'testTokenSigner.privateJwk');
    assert.match(pub.message, /PRIVATE key/);
    profile.testTokenSigner = { privateJwk: '${CTK_SIGNER}', alg: 'ES256' };
    const alg = failure(write(profile), env);
    assert.equal(alg.field, 'testTokenSigner.alg');
    assert.ok(!alg.message.includes(String(priv.d)), 'the key never appears in an error');
    profile.testTokenSigner = { privateJwk: '${CTK_NOT_JSON}' };
    assert.match(failure(write(profile), env).message, /does not hold JSON/);
    profile.testTokenSigner = { privateJwk: JSON.stringify(priv) };
    const literal = failure(write(profile), env);
    assert.match(literal.message, /a literal secret is not allowed/);
    assert.ok(!literal.message.includes(String(priv.d)));
    profile.testTokenSigner = { privateJwk: '${CTK_SIGNER}' };
    profile.capabilities = { 'test-token-signer': false };
    assert.equal(failure(write(profile), env).field, 'capabilities.test-token-signer');
  });

  test('clients.secretJwt and clients.disabled (issue 19): their capabilities follow from them; alg is HS256/384/512; not the system client', () => {
    const env = { ...ENV, CTK_SECRET_JWT: 'a-secret-of-more-than-thirty-two-bytes-0123456789', CTK_DISABLED: 'the-secret-it-had' };
    const profile = validProfile();
    const none = load(profile, env);
    assert.equal(none.capabilities['client-secret-jwt'], undefined, 'no entry: not claimed');
    assert.equal(none.capabilities['disabled-client'], undefined, 'no entry: not claimed');
    profile.clients.secretJwt = { clientId: 'ctk-secret-jwt', clientSecret: '${CTK_SECRET_JWT}', scopes: ['catalog:read'], alg: 'HS384' };
    profile.clients.disabled = { clientId: 'ctk-disabled', clientSecret: '${CTK_DISABLED}', scopes: [] };
    const p = load(profile, env);
    assert.equal(p.capabilities['client-secret-jwt'], true, 'the client is what the capability means');
    assert.equal(p.capabilities['disabled-client'], true, 'the client is what the capability means');
    assert.equal(p.clients.secretJwt?.alg, 'HS384');
    assert.equal(p.clients.disabled?.clientSecret, 'the-secret-it-had');

    profile.clients.secretJwt.alg = 'RS256';
    assert.equal(failure(write(profile), env).field, 'clients.secretJwt.alg');
    delete profile.clients.secretJwt.alg;
    profile.clients.disabled.clientId = profile.clients.system.clientId;
    assert.equal(failure(write(profile), env).field, 'clients.disabled.clientId');
    profile.clients.disabled.clientId = 'ctk-disabled';
    profile.capabilities = { 'disabled-client': false };
    assert.equal(failure(write(profile), env).field, 'capabilities.disabled-client');
    delete profile.clients.secretJwt;
    profile.capabilities = { 'client-secret-jwt': true };
    assert.equal(failure(write(profile), env).field, 'capabilities.client-secret-jwt');
  });

  test('privateKeyJwtClient (issue 19): a client and its private JWK through ${VAR}; the capability follows from it; never echoed', async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const priv = { ...(await exportJWK(privateKey)), kid: 'ctk-assertion-key' };
    const env = { ...ENV, CTK_ASSERTION_KEY: JSON.stringify(priv), CTK_PUBLIC: JSON.stringify(await exportJWK(publicKey)) };
    const profile = validProfile();
    profile.privateKeyJwtClient = { clientId: 'ctk-signed-jwt', privateJwk: '${CTK_ASSERTION_KEY}', scopes: ['catalog:read'] };
    const p = load(profile, env);
    assert.equal(p.privateKeyJwtClient?.alg, 'ES256', "the key type's usual alg");
    assert.equal(p.privateKeyJwtClient?.kid, 'ctk-assertion-key', "the JWK's own kid");
    assert.equal(p.capabilities['private-key-jwt'], true, 'the client is what the capability means');

    profile.privateKeyJwtClient = { clientId: 'ctk-signed-jwt', privateJwk: '${CTK_PUBLIC}', scopes: [] };
    const pub = failure(write(profile), env);
    assert.equal(pub.field, 'privateKeyJwtClient.privateJwk');
    assert.match(pub.message, /PRIVATE key/);
    profile.privateKeyJwtClient = { clientId: 'ctk-signed-jwt', privateJwk: '${CTK_ASSERTION_KEY}', scopes: [], alg: 'RS256' };
    const alg = failure(write(profile), env);
    assert.equal(alg.field, 'privateKeyJwtClient.alg');
    assert.ok(!alg.message.includes(String(priv.d)), 'the key never appears in an error');
    profile.privateKeyJwtClient = { clientId: 'ctk-signed-jwt', privateJwk: JSON.stringify(priv), scopes: [] };
    const literal = failure(write(profile), env);
    assert.match(literal.message, /a literal secret is not allowed/);
    assert.ok(!literal.message.includes(String(priv.d)));
    delete profile.privateKeyJwtClient;
    profile.capabilities = { 'private-key-jwt': true };
    assert.equal(failure(write(profile), env).field, 'capabilities.private-key-jwt');
  });

  test('mtls (issue 19, RFC 8705): certificate and key files relative to the profile; both capabilities follow from it; a key is never echoed', async () => {
    const { TestCertificateAuthority } = await import('../support/tls/test-ca.ts');
    const ca = await TestCertificateAuthority.create();
    const issued = await ca.issueClientCertificate({ commonName: 'ctk-mtls' });
    writeFileSync(join(dir, 'mtls-client.pem'), issued.certificatePem);
    writeFileSync(join(dir, 'mtls-client.key'), issued.privateKeyPem);
    writeFileSync(join(dir, 'mtls-ca.pem'), ca.certificatePem);
    const profile = validProfile();
    profile.mtls = { clientId: 'ctk-mtls', certificate: './mtls-client.pem', privateKey: 'mtls-client.key', caCertificate: './mtls-ca.pem', gatewayUrl: 'https://api-mtls.test' };
    const p = load(profile);
    assert.equal(p.mtls?.client.certificatePem, issued.certificatePem);
    assert.equal(p.mtls?.caCertificatePem, ca.certificatePem);
    assert.equal(p.capabilities['mtls-client-auth'], true);
    assert.equal(p.capabilities['certificate-bound-tokens'], true);
    assert.equal(load({ ...profile, mtls: { ...profile.mtls, certificateBoundTokens: false } }).capabilities['certificate-bound-tokens'], false);

    profile.mtls = { clientId: 'ctk-mtls', certificate: './mtls-client.pem', privateKey: './no-such.key' };
    assert.equal(failure(write(profile)).field, 'mtls.privateKey');
    profile.mtls = { clientId: 'ctk-mtls', certificate: './mtls-client.key', privateKey: './mtls-client.key' };
    const swapped = failure(write(profile));
    assert.equal(swapped.field, 'mtls.certificate');
    assert.ok(!swapped.message.includes(issued.privateKeyPem.split('\n')[1]!), 'the key never appears in an error');
    delete profile.mtls;
    profile.capabilities = { 'certificate-bound-tokens': true };
    assert.equal(failure(write(profile)).field, 'capabilities.certificate-bound-tokens');
  });

  test('admin: presets, the auth header, and calls with where the answer holds what the kit needs', () => {
    const profile = validProfile();
    profile.admin = { baseUrl: 'https://kc.test/admin/realms/ctk', token: '${CTK_SECRET}', preset: 'keycloak' };
    assert.equal(load(profile).admin?.preset, 'keycloak');
    profile.admin = {
      baseUrl: 'https://admin.test',
      token: '${CTK_SECRET}',
      authHeader: { name: 'X-Admin-Key', prefix: '' },
      auditLog: { method: 'GET', path: '/v1/audit', entries: '/entries' },
      rotateSecret: { method: 'POST', path: '/v1/clients/{clientId}/secret', secret: '/data/secret', putBack: { method: 'PUT', path: '/v1/clients/{clientId}/secret', field: 'value' } },
    };
    const p = load(profile);
    assert.equal(p.admin?.auditLog?.entries, '/entries');
    assert.equal(p.admin?.rotateSecret?.putBack.field, 'value');
    profile.admin.preset = 'okta';
    assert.equal(failure(write(profile)).field, 'admin.preset');
    delete profile.admin.preset;
    delete profile.admin.rotateSecret.putBack;
    const e = failure(write(profile));
    assert.equal(e.field, 'admin.rotateSecret.putBack', 'no rotation without a way to put the secret back');
    profile.admin.rotateSecret.putBack = { method: 'PUT', path: '/x', field: 'value' };
    profile.admin.auditLog.entries = 'entries';
    assert.match(failure(write(profile)).message, /admin\.auditLog\.entries: expected .*JSON pointer/);
  });

  test('foreignIssuer and clients.otherAudience: genuine tokens the gateway must refuse, given as test aids', () => {
    const env = { ...ENV, CTK_FOREIGN: 'foreign-secret-value', CTK_REPORTS: 'reports-secret-value' };
    const profile = validProfile();
    profile.foreignIssuer = { discoveryUrl: 'https://idp.test/realms/other/.well-known/openid-configuration', clientId: 'other-realm-client', clientSecret: '${CTK_FOREIGN}', scopes: ['read'] };
    profile.clients.otherAudience = { clientId: 'reports', clientSecret: '${CTK_REPORTS}', scopes: ['read'], audience: 'https://reports.test', tokenRequestParameters: { audience: 'https://reports.test' } };
    const p = load(profile, env);
    assert.deepEqual(p.foreignIssuer, { client: { clientId: 'other-realm-client', clientSecret: 'foreign-secret-value', scopes: ['read'] }, discoveryUrl: profile.foreignIssuer.discoveryUrl });
    assert.deepEqual(p.clients.otherAudience?.tokenRequestParameters, { audience: 'https://reports.test' });
    assert.equal(p.clients.otherAudience?.audience, 'https://reports.test');
    assert.equal(p.capabilities['foreign-issuer'], true, 'the entry is what the capability means');
    assert.equal(p.capabilities['other-audience-client'], true);
    assert.equal(load(validProfile()).capabilities['foreign-issuer'], undefined, 'absent: not claimed');

    const mistakes: [mutate: (q: Record<string, any>) => void, field: string, message?: RegExp][] = [
      [(q) => delete q.foreignIssuer.discoveryUrl, 'foreignIssuer', /incomplete/],
      [(q) => delete q.foreignIssuer.clientSecret, 'foreignIssuer.clientSecret', /missing/],
      [(q) => (q.foreignIssuer.clientSecret = 'literal-secret'), 'foreignIssuer.clientSecret', /a literal secret is not allowed/],
      [(q) => (q.foreignIssuer.tokenEndpointAuthMethod = 'none'), 'foreignIssuer.tokenEndpointAuthMethod'],
      [(q) => (q.foreignIssuer.tokenRequestParameters = { scope: 'x' }), 'foreignIssuer.tokenRequestParameters.scope', /sets it itself/],
      [(q) => (q.foreignIssuer.issuer = 'https://idp.test'), 'foreignIssuer.issuer', /does not trust/],
      [(q) => (q.foreignIssuer.realm = 'other'), 'foreignIssuer.realm', /unknown key/],
      [(q) => (q.foreignIssuer.tokenEndpoint = 'ftp://idp.test/token'), 'foreignIssuer.tokenEndpoint'],
      [(q) => (q.clients.otherAudience.audience = 'https://api.test'), 'clients.otherAudience.audience', /another API/],
      [(q) => (q.clients.otherAudience.tokenRequestParameters = { grant_type: 'password' }), 'clients.otherAudience.tokenRequestParameters.grant_type'],
      [(q) => (q.clients.otherAudience.tokenEndpointAuthMethod = 'none'), 'clients.otherAudience.tokenEndpointAuthMethod', /confidential/],
      [(q) => (q.capabilities = { 'foreign-issuer': false }), 'capabilities.foreign-issuer', /remove one of them/],
      [(q) => { delete q.clients.otherAudience; q.capabilities = { 'other-audience-client': true }; }, 'capabilities.other-audience-client', /no clients\.otherAudience/],
    ];
    for (const [mutate, field, message] of mistakes) {
      const q = structuredClone(profile);
      mutate(q);
      const e = failure(write(q), env);
      assert.equal(e.field, field, e.message);
      if (message) assert.match(e.message, message);
      assert.ok(!e.message.includes('foreign-secret-value') && !e.message.includes('reports-secret-value'), 'no secret in an error');
    }
  });

  // Issue 22: deletes, front-end system user, rotation ownership
  test('gateway.routes.customerDelete and selfServiceRotation: opt-in entries whose capability follows from them', () => {
    const env = { ...ENV, CTK_ROT: 'rotation-secret-value', CTK_A: 'alice-password', CTK_B: 'bob-password' };
    const profile = validProfile();
    profile.users = [
      { username: 'alice', password: '${CTK_A}', customerId: 'cust-a' },
      { username: 'bob', password: '${CTK_B}', customerId: 'cust-b' },
    ];
    profile.clients.rotation = { clientId: 'rot', clientSecret: '${CTK_ROT}', scopes: ['read'] };
    profile.gateway.routes.customerDelete = { path: '/customers/{customerId}/notes/{recordId}', customerId: 'cust-b', recordId: 'disposable-1' };
    profile.selfServiceRotation = { url: 'https://dash.test/api/apps/{clientId}/rotate', secret: '/client_secret', owner: 'alice' };
    const p = load(profile, env);
    assert.deepEqual(p.selfServiceRotation, { url: profile.selfServiceRotation.url, method: 'POST', secret: '/client_secret', owner: 'alice' });
    assert.deepEqual(p.gateway?.routes.customerDelete, profile.gateway.routes.customerDelete);
    assert.equal(p.capabilities['self-service-rotation'], true, 'the entry is what the capability means');
    assert.equal(p.capabilities['customer-deletes'], true);
    assert.equal(load(validProfile()).capabilities['customer-deletes'], undefined, 'absent: not claimed');

    const mistakes: [mutate: (q: Record<string, any>) => void, field: string, message?: RegExp][] = [
      [(q) => (q.gateway.routes.customerDelete.path = '/customers/{customerId}/notes'), 'gateway.routes.customerDelete.path'],
      [(q) => delete q.gateway.routes.customerDelete.recordId, 'gateway.routes.customerDelete.recordId', /missing/],
      [(q) => (q.gateway.routes.customerDelete.customerId = 'cust-x'), 'gateway.routes.customerDelete.customerId', /test user/],
      [(q) => (q.selfServiceRotation.owner = 'carol'), 'selfServiceRotation.owner', /username of a test user/],
      [(q) => (q.selfServiceRotation.method = 'DELETE'), 'selfServiceRotation.method'],
      [(q) => delete q.clients.rotation, 'clients.rotation', /missing/],
      [(q) => (q.users = [q.users[0]]), 'users', /second test user/],
      [(q) => (q.capabilities = { 'self-service-rotation': false }), 'capabilities.self-service-rotation', /remove one of them/],
      [(q) => { delete q.gateway.routes.customerDelete; q.capabilities = { 'customer-deletes': true }; }, 'capabilities.customer-deletes', /no gateway\.routes\.customerDelete/],
    ];
    for (const [mutate, field, message] of mistakes) {
      const q = structuredClone(profile);
      mutate(q);
      const e = failure(write(q), env);
      assert.equal(e.field, field, e.message);
      if (message) assert.match(e.message, message);
    }
  });

  test('oauth-endpoints-rate-limiting: left out, it follows rate-limiting (seed 001 limits "the OAuth2.0 endpoints"); false is kept', () => {
    const profile = validProfile();
    profile.capabilities = { 'rate-limiting': true };
    assert.equal(load(profile).capabilities['oauth-endpoints-rate-limiting'], true, 'claimed with seed 001\'s rate limit');
    profile.capabilities = { 'rate-limiting': true, 'oauth-endpoints-rate-limiting': false };
    assert.equal(load(profile).capabilities['oauth-endpoints-rate-limiting'], false, 'the token endpoint only, as stated');
    profile.capabilities = {};
    assert.equal(load(profile).capabilities['oauth-endpoints-rate-limiting'], undefined, 'no rate limit claimed, none implied');
  });

  // Issue 19: introspection and revocation
  test('introspection, revocation and limits.revocationSeconds: entries whose capability follows from them', () => {
    const profile = validProfile();
    profile.clients.readOnly = { clientId: 'ro', clientSecret: '${CTK_SECRET}', scopes: ['read'] };
    profile.introspection = { endpoint: 'https://idp.test/introspect', notAllowedClient: 'readOnly' };
    profile.revocation = {};
    profile.limits = { revocationSeconds: 0 };
    const p = load(profile);
    assert.deepEqual(p.introspection, { endpoint: 'https://idp.test/introspect', client: 'system', notAllowedClient: 'readOnly' });
    assert.deepEqual(p.revocation, {});
    assert.equal(p.limits.revocationSeconds, 0);
    assert.equal(p.capabilities['token-introspection'], true, 'the entry is what the capability means');
    assert.equal(p.capabilities['token-revocation'], true);
    assert.equal(load(validProfile()).capabilities['token-introspection'], undefined, 'absent: not claimed');

    const mistakes: [mutate: (q: Record<string, any>) => void, field: string, message?: RegExp][] = [
      [(q) => (q.introspection.client = 'nobody'), 'introspection.client', /client role of the profile/],
      [(q) => (q.introspection.notAllowedClient = 'system'), 'introspection.notAllowedClient', /another client/],
      [(q) => (q.introspection.endpoint = 'not a url'), 'introspection.endpoint'],
      [(q) => delete q.revocation, 'limits.revocationSeconds', /no revocation entry/],
      [(q) => (q.limits.revocationSeconds = -1), 'limits.revocationSeconds'],
      [(q) => { delete q.introspection; q.capabilities = { 'token-introspection': true }; }, 'capabilities.token-introspection', /no introspection/],
      [(q) => (q.capabilities = { 'token-revocation': false }), 'capabilities.token-revocation', /remove one of them/],
    ];
    for (const [mutate, field, message] of mistakes) {
      const q = structuredClone(profile);
      mutate(q);
      const e = failure(write(q));
      assert.equal(e.field, field, e.message);
      if (message) assert.match(e.message, message);
    }
  });

  // Issue 20: the authorization code lifetime (REQ-AUTHZ-08/-09) and the opt-in to long waits
  test('limits.authorizationCodeSeconds and limits.longWaits: a whole number of seconds, and a boolean', () => {
    const profile = validProfile();
    assert.equal(load(profile).limits.authorizationCodeSeconds, undefined, 'absent: not declared');
    assert.equal(load(profile).limits.longWaits, undefined, 'absent: no long waits');
    profile.limits = { authorizationCodeSeconds: 60, longWaits: true };
    const p = load(profile);
    assert.equal(p.limits.authorizationCodeSeconds, 60);
    assert.equal(p.limits.longWaits, true);
    const mistakes: [mutate: (q: Record<string, any>) => void, field: string][] = [
      [(q) => (q.limits.authorizationCodeSeconds = 0), 'limits.authorizationCodeSeconds'],
      [(q) => (q.limits.authorizationCodeSeconds = 1.5), 'limits.authorizationCodeSeconds'],
      [(q) => (q.limits.authorizationCodeSeconds = '60'), 'limits.authorizationCodeSeconds'],
      [(q) => (q.limits.longWaits = 'yes'), 'limits.longWaits'],
    ];
    for (const [mutate, field] of mistakes) {
      const q = structuredClone(profile);
      mutate(q);
      const e = failure(write(q));
      assert.equal(e.field, field, e.message);
    }
  });

  // Issue 20: the kit's JWKS relay
  test('jwksRelay: where the relay listens and the gateway pointed at it; jwks-control follows from it', () => {
    const profile = validProfile();
    profile.jwksRelay = { listen: '127.0.0.1:8099', gatewayUrl: 'http://relay-gw.test:8080/' };
    const p = load(profile);
    assert.deepEqual(p.jwksRelay, { host: '127.0.0.1', port: 8099, gatewayUrl: 'http://relay-gw.test:8080' });
    assert.equal(p.capabilities['jwks-control'], true, 'the entry is what the capability means');
    assert.equal(load(validProfile()).capabilities['jwks-control'], undefined, 'absent: not claimed');
    delete profile.jwksRelay.gatewayUrl;
    assert.equal(load(profile).jwksRelay?.gatewayUrl, 'https://api.test', 'default: the target\'s own gateway');
    profile.jwksRelay.listen = '[::1]:8099';
    assert.deepEqual(load(profile).jwksRelay, { host: '::1', port: 8099, gatewayUrl: 'https://api.test' });
    profile.jwksRelay.listen = '${CTK_RELAY}';
    assert.equal(load(profile, { ...ENV, CTK_RELAY: '0.0.0.0:9999' }).jwksRelay?.port, 9999);

    const mistakes: [mutate: (q: Record<string, any>) => void, field: string, message?: RegExp][] = [
      [(q) => (q.jwksRelay.listen = '8099'), 'jwksRelay.listen', /host:port/],
      [(q) => (q.jwksRelay.listen = '127.0.0.1:70000'), 'jwksRelay.listen', /port from 1 to 65535/],
      [(q) => (q.jwksRelay.listen = '127.0.0.1:0'), 'jwksRelay.listen', /port from 1 to 65535/],
      [(q) => delete q.jwksRelay.listen, 'jwksRelay.listen'],
      [(q) => (q.jwksRelay.gatewayUrl = 'relay-gw:8080'), 'jwksRelay.gatewayUrl'],
      [(q) => (q.jwksRelay.port = 8099), 'jwksRelay.port', /unknown key/],
      [(q) => delete q.gateway, 'jwksRelay', /names no gateway/],
      [(q) => (q.capabilities = { 'jwks-control': false }), 'capabilities.jwks-control', /remove one of them/],
      [(q) => { delete q.jwksRelay; q.capabilities = { 'jwks-control': true }; }, 'capabilities.jwks-control', /no jwksRelay/],
    ];
    for (const [mutate, field, message] of mistakes) {
      const q = structuredClone(profile);
      q.jwksRelay.listen = '127.0.0.1:8099';
      mutate(q);
      const e = failure(write(q));
      assert.equal(e.field, field, e.message);
      if (message) assert.match(e.message, message);
    }
  });

  test('limits.ownAddressCoolDownSeconds: a number of seconds, 0..300', () => {
    const profile = validProfile();
    profile.sourceAddresses = [];
    profile.limits = { ownAddressCoolDownSeconds: 5 };
    assert.equal(load(profile).limits.ownAddressCoolDownSeconds, 5);
    assert.equal(load(validProfile()).limits.ownAddressCoolDownSeconds, undefined, 'absent: those checks run last');
    profile.limits = { ownAddressCoolDownSeconds: 'soon' };
    assert.equal(failure(write(profile)).field, 'limits.ownAddressCoolDownSeconds');
    profile.limits = { ownAddressCoolDownSeconds: 301 };
    assert.match(failure(write(profile)).message, /limits\.ownAddressCoolDownSeconds: expected .*\(0\.\.300\)/);
  });

  test('limits.gateway: the gateway\'s own rate limit and IP block, required once claimed', () => {
    const profile = validProfile();
    profile.capabilities = { 'gateway-rate-limiting': true, 'gateway-ip-blocking': true };
    profile.limits = { gateway: { requestsPerSecond: 20, ipBlock: { failedAttempts: 5, blockSeconds: 60 } } };
    assert.deepEqual(load(profile).limits.gateway, { requestsPerSecond: 20, ipBlock: { failedAttempts: 5, blockSeconds: 60 } });
    assert.equal(load(validProfile()).limits.gateway, undefined, 'absent: nothing claimed, nothing stated');

    // A claim without its number: exit 2 naming the field the claim needs.
    profile.limits = { gateway: { ipBlock: { failedAttempts: 5, blockSeconds: 60 } } };
    const noRate = failure(write(profile));
    assert.equal(noRate.field, 'limits.gateway.requestsPerSecond');
    assert.match(noRate.message, /capabilities\.gateway-rate-limiting is true/);
    profile.limits = { gateway: { requestsPerSecond: 20 } };
    assert.equal(failure(write(profile)).field, 'limits.gateway.ipBlock');
    delete profile.limits;
    assert.equal(failure(write(profile)).field, 'limits.gateway.requestsPerSecond', 'no limits at all');

    // Numbers without a claim are fine (the checks are then not applicable); wrong shapes are not.
    const unclaimed = validProfile();
    unclaimed.limits = { gateway: { requestsPerSecond: 20 } };
    assert.equal(load(unclaimed).limits.gateway?.requestsPerSecond, 20);
    unclaimed.limits = { gateway: { requestsPerSecond: 0 } };
    assert.match(failure(write(unclaimed)).message, /limits\.gateway\.requestsPerSecond: expected .*whole number >= 1/);
    unclaimed.limits = { gateway: { ipBlock: { failedAttempts: 5 } } };
    assert.equal(failure(write(unclaimed)).field, 'limits.gateway.ipBlock.blockSeconds');
    unclaimed.limits = { gateway: { second: 20 } };
    assert.match(failure(write(unclaimed)).message, /limits\.gateway\.second: unknown key "second" \(expected one of: requestsPerSecond, ipBlock, retiredKeySeconds\)/);
  });

  test('identityEchoFormat.forwardedHeaders and publicIdentityFormat', () => {
    const profile = validProfile();
    profile.gateway.routes.identityEcho = '/anything';
    profile.gateway.routes.identityEchoFormat = {
      forwardedHeaders: { in: '/headers', subject: 'X-Auth-Sub', roles: [{ name: 'X-Auth-Scope' }, { name: 'X-Roles', separator: ',' }], authorization: 'Authorization' },
      publicIdentityFormat: { subject: '/user' },
    };
    const f = load(profile).gateway?.routes.identityEchoFormat;
    assert.equal(f?.forwardedHeaders?.subject, 'X-Auth-Sub');
    assert.equal(f?.forwardedHeaders?.roles?.[1]?.separator, ',');
    assert.equal(f?.publicIdentityFormat?.subject, '/user');
    profile.gateway.routes.identityEchoFormat = { forwardedHeaders: { clientId: 'X-Client' } };
    const missing = failure(write(profile));
    assert.equal(missing.field, 'gateway.routes.identityEchoFormat.forwardedHeaders.subject');
    profile.gateway.routes.identityEchoFormat = { forwardedHeaders: { subject: 'X-Auth-Sub', roles: [{ name: 'X-Auth-Scope', separator: '' }] } };
    assert.equal(failure(write(profile)).field, 'gateway.routes.identityEchoFormat.forwardedHeaders.roles[0].separator');
    profile.gateway.routes.identityEchoFormat = { publicIdentityFormat: { subject: 'user' } };
    assert.match(failure(write(profile)).message, /publicIdentityFormat\.subject: expected .*JSON pointer/);
  });
});

describe('secrets from .env files (seed 002)', () => {
  test('the dotenv dialect', () => {
    const values = parseDotenv('# comment\nexport A=1\nB = "two words" # c\nC=\'$literal\'\nD=x#y\nE="line\\nnext"\n\n');
    assert.deepEqual(values, { A: '1', B: 'two words', C: '$literal', D: 'x#y', E: 'line\nnext' });
    assert.throws(() => parseDotenv('not a line'), /\.env:1: expected NAME=value/);
  });

  test('./.env is read, and the environment wins over it', () => {
    const sub = mkdtempSync(join(dir, 'cwd-'));
    writeFileSync(join(sub, '.env'), 'CTK_ID=from-dotenv\nCTK_SECRET=secret-from-dotenv\n');
    const file = write(validProfile());
    const p = loadProfile(file, { env: { CTK_ID: 'from-environment' }, cwd: sub });
    assert.equal(p.clients.system.clientId, 'from-environment');
    assert.equal(p.clients.system.clientSecret, 'secret-from-dotenv');
  });

  test('the profile may name its env file; --env-file wins over it', () => {
    writeFileSync(join(dir, 'own.env'), 'CTK_ID=own\nCTK_SECRET=own-secret\n');
    writeFileSync(join(dir, 'cli.env'), 'CTK_ID=cli\nCTK_SECRET=cli-secret\n');
    const file = write({ ...validProfile(), envFile: 'own.env' });
    assert.equal(loadProfile(file, { env: {}, cwd: dir }).clients.system.clientId, 'own');
    assert.equal(loadProfile(file, { env: {}, cwd: dir, envFile: 'cli.env' }).clients.system.clientId, 'cli');
  });

  test('a missing env file is an error naming the field', () => {
    const e = failure(write({ ...validProfile(), envFile: 'missing.env' }), {});
    assert.equal(e.field, 'envFile');
  });

  test('the unset-variable message names the .env file that was read', () => {
    writeFileSync(join(dir, 'partial.env'), 'CTK_ID=x\n');
    const e = failure(write({ ...validProfile(), envFile: 'partial.env' }), {});
    assert.match(e.message, /CTK_SECRET is not set \(expected it in the environment or .*partial\.env\)/);
  });
});

describe('README "Profile gaps": opaque access tokens and no RFC 8414 metadata', () => {
  const load = (profile: Record<string, any>) => loadProfile(write(profile), { env: ENV, cwd: dir });

  test('claiming no JWT access tokens, a profile names neither idp.jwksUri nor gateway.audience', () => {
    const profile = validProfile();
    delete profile.idp.jwksUri;
    delete profile.gateway.audience;
    const p = load(profile);
    assert.equal(p.idp.jwksUri, undefined);
    assert.equal(p.gateway?.audience, undefined);
    // rfc9068-access-tokens alone is a JWT claim too; so is a test-token signer for the gateway's audience.
    const rfc9068 = validProfile();
    rfc9068.capabilities = { 'rfc9068-access-tokens': true };
    delete rfc9068.gateway.audience;
    assert.equal(failure(write(rfc9068)).field, 'gateway.audience');
  });

  test('without a JWK Set the kit asks for none, and REQ-DISC-05 (the published set) is not applicable', async () => {
    const profile = validProfile();
    delete profile.idp.jwksUri;
    delete profile.gateway;
    const p = load(profile);
    const seen: string[] = [];
    const { described, local } = await describedAgainstStub(
      p,
      (req, res) => {
        seen.push(req.url ?? '');
        res.statusCode = 400;
        res.end('{"error":"invalid_request"}');
      },
      (stub) => ({ ...p, idp: { ...p.idp, tokenEndpoint: `${stub}/token` } }),
    );
    assert.equal(described.jwksUri, undefined);
    assert.deepEqual([...new Set(seen)], ['/token'], 'only the token endpoint is probed');
    const verdict = applicability(described, ['@core', '@REQ-DISC-05']);
    assert.equal(verdict.kind, 'not-applicable');
    assert.match(verdict.kind === 'not-applicable' ? verdict.record.reason : '', /publishes no JWK Set/);
    assert.equal(applicability({ ...described, jwksUri: `${local}/jwks` }, ['@core', '@REQ-DISC-05']).kind, 'applicable');
  });

  test('idp.metadata: false makes the metadata requirements not applicable, with RFC 8414 §3\'s word', async () => {
    const profile = validProfile();
    profile.idp.metadata = false;
    const p = load(profile);
    assert.equal(p.idp.metadata, false);
    const { described } = await describedAgainstStub(p, (_req, res) => {
      res.statusCode = 400;
      res.end('{"error":"invalid_request"}');
    });
    assert.equal(described.metadata, false);
    for (const id of ['REQ-DISC-01', 'REQ-DISC-02', 'REQ-DISC-06', 'REQ-DISC-10', 'REQ-DISC-11']) {
      const verdict = applicability(described, ['@core', `@${id}`]);
      assert.equal(verdict.kind, 'not-applicable', id);
      assert.match(verdict.kind === 'not-applicable' ? verdict.record.reason : '', /publishes no RFC 8414 metadata \(idp\.metadata: false\); RFC 8414 §3 binds "authorization servers supporting metadata"/);
    }
    assert.equal(applicability(described, ['@core', '@REQ-DISC-05']).kind, 'applicable', 'a JWK Set it names is still judged');
    assert.equal(applicability(described, ['@core', '@REQ-TOK-01']).kind, 'applicable');
    const { metadata: _none, ...withMetadata } = described;
    assert.equal(applicability(withMetadata, ['@core', '@REQ-DISC-01']).kind, 'applicable', 'metadata is assumed unless the profile says otherwise');
  });

  test('idp.metadata: false beside a discovery document, or not a boolean, is a profile error', () => {
    const both = validProfile();
    both.idp = { discoveryUrl: 'https://idp.test/.well-known/openid-configuration', metadata: false };
    const e = failure(write(both));
    assert.equal(e.field, 'idp.metadata');
    assert.match(e.message, /false \(no RFC 8414 metadata\), yet idp\.discoveryUrl names a metadata document/);
    const wrong = validProfile();
    wrong.idp.metadata = 'no';
    assert.equal(failure(write(wrong)).field, 'idp.metadata');
  });
});

describe('the committed profiles', () => {
  test('example.yaml is valid once its variables are set', () => {
    const p = loadProfile('fixtures/targets/example.yaml', {
      env: { AUTH_CLIENT_ID: 'id', AUTH_CLIENT_SECRET: 'secret', CTK_READONLY_SECRET: 'ro' },
    });
    assert.equal(p.limits.loadScenarios, false);
  });

  test('reference-local.yaml describes exactly the reference stack on ports 9400/9401', async () => {
    const profile = loadProfile('fixtures/targets/reference-local.yaml', { env: {} });
    // Offline: the discovery and reachability GETs go to a stack that is not running here, so describe from
    // the profile with a stub that answers every GET.
    const { createServer } = await import('node:http');
    const server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(req.url?.startsWith('/.well-known') ? JSON.stringify({ issuer: profile.idp.issuer }) : '{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const local = (u: string) => u.replace(/127\.0\.0\.1:940[01]/, `127.0.0.1:${port}`);
    try {
      const viaStub = { ...profile, idp: { ...profile.idp, discoveryUrl: local(profile.idp.discoveryUrl!) }, gateway: { ...profile.gateway!, baseUrl: local(profile.gateway!.baseUrl) } };
      const stubbed = await describeExternalTarget(
        { ...viaStub, idp: { ...viaStub.idp, tokenEndpoint: local(profile.idp.tokenEndpoint!), jwksUri: local(profile.idp.jwksUri!) } },
        () => undefined,
      );
      const described = {
        ...stubbed,
        discoveryUrl: profile.idp.discoveryUrl,
        tokenEndpoint: profile.idp.tokenEndpoint,
        jwksUri: profile.idp.jwksUri,
        gateway: { ...stubbed.gateway!, baseUrl: profile.gateway!.baseUrl },
      };
      const reference = describeReferenceTarget({ idp: 'http://127.0.0.1:9400', issuer: 'http://127.0.0.1:9400', gateway: 'http://127.0.0.1:9401', component: 'http://127.0.0.1:9402' });
      const { name: _n, kind: _k, faults: _f, ...expected } = reference;
      const { name: _n2, kind: _k2, ...actual } = described;
      assert.deepEqual(actual, expected);
    } finally {
      server.close();
    }
  });

  test('every field of the schema is documented in README "Targets"', async () => {
    const { readFileSync } = await import('node:fs');
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('## Targets');
    const next = readme.indexOf('\n## ', start + 1);
    const section = readme.slice(start, next < 0 ? undefined : next);
    assert.ok(readme.includes('## Targets'), 'README has no "## Targets" section');
    const fields: [path: string, key: string][] = [];
    const walk = (schema: any, prefix: string) => {
      for (const [key, sub] of Object.entries<any>(schema.properties ?? {})) {
        const name = prefix ? `${prefix}.${key}` : key;
        fields.push([name, key]);
        walk(sub.type === 'array' ? sub.items : sub, name);
      }
    };
    walk(PROFILE_SCHEMA, '');
    for (const [path, key] of fields) {
      const documented = ['`', '.', '[']
        .flatMap((end) => [`\`${path}${end}`, `\`${key}${end}`])
        .some((needle) => section.includes(needle));
      assert.ok(documented, `README "Targets" does not document ${path}`);
    }
  });
});

describe('the CLI turns profile errors into exit code 2 before any scenario runs', () => {
  test('auth-ctk run --target <bad profile>', () => {
    const profile = validProfile();
    profile.gateway.routes.protectd = '/x';
    const file = write(profile);
    const result = spawnSync(process.execPath, ['bin/auth-ctk.js', 'run', '--target', file], { encoding: 'utf8', env: { ...process.env, ...ENV }, timeout: 30_000 });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /auth-ctk: target profile .*p\d+\.yaml:\d+: gateway\.routes\.protectd: unknown key/);
    assert.doesNotMatch(result.stdout, /running against/);
  });

  test('an unknown target name', () => {
    const result = spawnSync(process.execPath, ['bin/auth-ctk.js', 'run', '--target', 'refrence'], { encoding: 'utf8', timeout: 30_000 });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unknown target "refrence": use reference, containers, or a target profile file/);
  });
});

describe('tls (issue 19): a private CA and the plain-http port', () => {
  test('tls.caFile is read relative to the profile and checked; plainHttpPort is a port', async () => {
    const { TestCertificateAuthority } = await import('../support/tls/test-ca.ts');
    const ca = await TestCertificateAuthority.create();
    writeFileSync(join(dir, 'ca.pem'), ca.certificatePem);
    const p = loadProfile(write({ ...validProfile(), tls: { caFile: 'ca.pem', plainHttpPort: 8080 } }), { env: ENV, cwd: dir });
    assert.equal(p.tls?.caPem, ca.certificatePem);
    assert.equal(p.tls?.plainHttpPort, 8080);

    const missing = failure(write({ ...validProfile(), tls: { caFile: 'nope.pem' } }));
    assert.equal(missing.field, 'tls.caFile');
    assert.match(missing.message, /nope\.pem not found \(expected a PEM file with the CA certificate, relative to the profile\)/);
    writeFileSync(join(dir, 'not-a-ca.pem'), 'hello');
    const garbage = failure(write({ ...validProfile(), tls: { caFile: 'not-a-ca.pem' } }));
    assert.equal(garbage.field, 'tls.caFile');
    assert.match(garbage.message, /no PEM certificate/);
    assert.equal(failure(write({ ...validProfile(), tls: { plainHttpPort: 70000 } })).field, 'tls.plainHttpPort');
  });
});
