/**
 * The reference gateway's own tests: every refusal with its exact status and WWW-Authenticate (RFC 6750
 * §3/§3.1), token validation per RFC 9068 §4, identity forwarding (seeds 000/003/004) and token stripping,
 * and each gateway fault flipping exactly the behaviour it names. Everything runs in this process: a JWKS
 * server, the component and the gateway on 127.0.0.1 ephemeral ports; tokens are minted here with jose, so
 * these tests do not depend on the reference IdP.
 */
import { describe, test, before, after } from 'node:test';
import { dpopProof, newDpopKey, type DpopKey, type ProofDefect } from '../support/dpop/proof.ts';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { createHmac, createPublicKey, KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { loadReferenceFixtures } from '../reference/fixtures.ts';
import { createComponentServer } from '../reference/component/server.ts';
import { createGatewayServer } from '../reference/gateway/server.ts';
import type { GatewayConfig } from '../reference/gateway/config.ts';
import { encodeIdentity, decodeIdentity, type ForwardedIdentity } from '../reference/gateway/identity.ts';
import { GATEWAY_FAULTS } from '../reference/gateway/faults.ts';
import { withNeededVariations } from '../reference/faults.ts';
import { selfSignedCertificatePem } from '../support/jwt/self-signed-cert.ts';
import { request as httpsRequest } from 'node:https';
import { listenMutualTls, makeMtlsMaterials, mtlsEnvironment, type MtlsMaterials } from '../reference/mtls.ts';
import type { IssuedCertificate } from '../support/tls/test-ca.ts';

const fixtures = loadReferenceFixtures();
const ISSUER = 'https://idp.gateway-test.invalid';
const AUDIENCE = fixtures.audience;
const ALICE = fixtures.users[0]!.customerId;
const BOB = fixtures.users[1]!.customerId;
const routes = fixtures.routes;

// ---------------------------------------------------------------------------------------------- harness

interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: any;
}

/** node:http with raw header pairs, so a test can send two Authorization headers. */
function call(
  base: string,
  path: string,
  options: { method?: string; headers?: readonly (readonly [string, string])[]; body?: string; from?: string } = {},
): Promise<Reply> {
  const url = new URL(path, base);
  const raw: string[] = ['host', url.host];
  for (const [name, value] of options.headers ?? []) raw.push(name, value);
  if (options.body !== undefined) raw.push('content-length', String(Buffer.byteLength(options.body)));
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers: raw, ...(options.from ? { localAddress: options.from } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

const bearer = (token: string): [string, string] => ['authorization', `Bearer ${token}`];

async function listening(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface SigningKey {
  readonly kid: string;
  readonly alg: 'RS256' | 'ES256' | 'PS256';
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint whose key set, availability and fetch count the tests control. */
class JwksServer {
  keys: JWK[] = [];
  fetches = 0;
  available = true;
  /** Answer only after this long (a slow JWKS, REQ-JWKS-03). */
  delayMs = 0;
  readonly server = createServer((_req, res) => {
    this.fetches++;
    if (!this.available) {
      res.writeHead(503).end();
      return;
    }
    const answer = () => res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: this.keys }));
    if (this.delayMs > 0) setTimeout(() => !res.destroyed && answer(), this.delayMs);
    else answer();
  });
}

const now = () => Math.floor(Date.now() / 1000);

interface MintOptions {
  readonly key?: SigningKey;
  readonly claims?: JWTPayload;
  readonly header?: Record<string, unknown>;
  readonly drop?: readonly string[];
}

let trusted: SigningKey;
let trustedEc: SigningKey;
let foreignSameKid: SigningKey;
let unpublished: SigningKey;

/** An RFC 9068 access token: at+jwt, iss, aud, sub, client_id, scope, iat, exp, jti. */
async function mint(options: MintOptions = {}): Promise<string> {
  const key = options.key ?? trusted;
  const claims: JWTPayload = {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'ctk-system',
    client_id: 'ctk-system',
    scope: 'catalog:read catalog:write orders:read',
    iat: now(),
    exp: now() + 300,
    jti: crypto.randomUUID(),
    ...options.claims,
  };
  for (const name of options.drop ?? []) delete claims[name];
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: 'at+jwt', kid: key.kid, ...options.header }).sign(key.privateKey);
}

const systemToken = () => mint();
const humanToken = (customerId: string, scope = 'openid catalog:read orders:read') =>
  mint({ claims: { sub: customerId, client_id: 'ctk-web', scope } });
const readOnlyToken = () => mint({ claims: { sub: 'ctk-readonly', client_id: 'ctk-readonly', scope: 'catalog:read orders:read' } });

const jwks = new JwksServer();
let jwksUri: string;
let component: Server;
let componentUrl: string;
const gateways: Server[] = [];

async function startGateway(overrides: Partial<GatewayConfig> = {}): Promise<string> {
  const config: GatewayConfig = {
    issuer: ISSUER,
    jwksUri,
    audience: AUDIENCE,
    upstream: componentUrl,
    routes,
    clockSkewSeconds: fixtures.limits.clockSkewSeconds,
    // The reference's default: at most one JWKS fetch a second for unknown kids (REQ-JWKS-01).
    jwksCooldownMs: 1_000,
    jwksTimeoutMs: 1_000,
    // Short, so a key removed from the set is refused within a second (REQ-JWKS-04; the reference: 2 s).
    jwksMaxAgeMs: 1_000,
    forwardToken: false,
    upstreamTimeoutMs: 2_000,
    maxBodyBytes: 64 * 1024,
    faults: new Set(),
    ...overrides,
  };
  const server = createGatewayServer(config);
  gateways.push(server);
  const base = await listening(server);
  // Issue 19: the mTLS listener of each gateway (RFC 8705 §3), with the same handler (reference/mtls.ts).
  mtlsMaterials ??= await makeMtlsMaterials('127.0.0.1');
  const mtls = await listenMutualTls(server, '127.0.0.1', mtlsEnvironment(mtlsMaterials));
  if (mtls) {
    gateways.push(mtls.server as unknown as Server);
    mtlsUrlOf.set(base, mtls.url);
  }
  return base;
}

let mtlsMaterials: MtlsMaterials | undefined;
const mtlsUrlOf = new Map<string, string>();

/** GET of the protected route over the gateway's mTLS listener with a certificate-bound token, presenting `certificate` (or none). */
async function mtlsCall(base: string, certificate: IssuedCertificate | undefined, boundTo: IssuedCertificate = mtlsMaterials!.client): Promise<Reply> {
  const token = await mint({ claims: { cnf: { 'x5t#S256': boundTo.thumbprintS256 } } });
  const url = new URL(routes.protected, mtlsUrlOf.get(base)!);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        headers: { authorization: `Bearer ${token}` },
        ca: mtlsMaterials!.caCertificatePem,
        ...(certificate ? { cert: certificate.certificatePem, key: certificate.privateKeyPem } : {}),
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8'), json: undefined }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

let gateway: string;

before(async () => {
  [trusted, trustedEc, foreignSameKid, unpublished] = await Promise.all([
    signingKey('key-1', 'RS256'),
    signingKey('key-ec', 'ES256'),
    signingKey('key-1', 'RS256'),
    signingKey('key-unpublished', 'RS256'),
  ]);
  jwks.keys = [trusted.publicJwk, trustedEc.publicJwk];
  jwksUri = `${await listening(jwks.server)}/jwks`;
  component = createComponentServer({ routes, users: fixtures.users, faults: new Set() });
  componentUrl = await listening(component);
  gateway = await startGateway();
});

after(async () => {
  for (const server of [...gateways, component, jwks.server]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const CHALLENGE_NO_ERROR = 'Bearer realm="auth-ctk"';
const invalidToken = (description: string) => `Bearer realm="auth-ctk", error="invalid_token", error_description="${description}"`;
const invalidRequest = (description: string) => `Bearer realm="auth-ctk", error="invalid_request", error_description="${description}"`;

function assertRefused(reply: Reply, status: number, challenge: string | undefined, error?: string): void {
  assert.equal(reply.status, status, reply.text);
  assert.equal(reply.headers['www-authenticate'], challenge);
  assert.equal(reply.headers['content-type'], 'application/json');
  assert.equal(reply.headers['cache-control'], 'no-store');
  if (error) assert.equal(reply.json.error, error);
  else assert.equal(reply.json.error, undefined);
}

async function whoami(base: string, headers: readonly (readonly [string, string])[]): Promise<{ identity: ForwardedIdentity | null; authorizationHeaderReceived: boolean }> {
  const reply = await call(base, routes.identityEcho!, { headers });
  assert.equal(reply.status, 200, reply.text);
  return reply.json;
}

// ------------------------------------------------------------------------------------------------ tests

describe('gateway: requests without a usable token (RFC 6750 §3, §3.1)', () => {
  test('no credentials: 401 with a bare Bearer challenge, no error code', async () => {
    assertRefused(await call(gateway, routes.protected), 401, CHALLENGE_NO_ERROR);
  });

  test('another scheme (Basic) counts as no bearer credentials', async () => {
    assertRefused(await call(gateway, routes.protected, { headers: [['authorization', 'Basic Y3RrOnNlY3JldA==']] }), 401, CHALLENGE_NO_ERROR);
  });

  test('a token only in the URI query is not accepted: 401 without an error code (RFC 6750 §2.3 is optional)', async () => {
    assertRefused(await call(gateway, `${routes.protected}?access_token=${await systemToken()}`), 401, CHALLENGE_NO_ERROR);
  });

  test('a token only in a form body is not accepted: 401 without an error code (RFC 6750 §2.2 is optional)', async () => {
    const reply = await call(gateway, routes.scoped.path, {
      method: 'POST',
      headers: [['content-type', 'application/x-www-form-urlencoded']],
      body: `access_token=${await systemToken()}`,
    });
    assertRefused(reply, 401, CHALLENGE_NO_ERROR);
  });
});

describe('gateway: malformed requests get 400 invalid_request (RFC 6750 §3.1)', () => {
  const cases: [string, string, string][] = [
    ['"Bearer" without a token', 'Bearer', 'the Bearer scheme carries no token'],
    ['"Bearer a b"', 'Bearer a b', 'the Bearer token is not a b64token (RFC 6750 section 2.1)'],
    ['characters outside b64token', 'Bearer abc$%def', 'the Bearer token is not a b64token (RFC 6750 section 2.1)'],
    ['auth-params instead of a token', 'Bearer token="abc"', 'the Bearer token is not a b64token (RFC 6750 section 2.1)'],
  ];
  for (const [name, header, description] of cases) {
    test(name, async () => {
      assertRefused(await call(gateway, routes.protected, { headers: [['authorization', header]] }), 400, invalidRequest(description), 'invalid_request');
    });
  }

  test('two Authorization headers (node would join them; headersDistinct sees both)', async () => {
    const token = await systemToken();
    const reply = await call(gateway, routes.protected, { headers: [bearer(token), bearer(token)] });
    assertRefused(reply, 400, invalidRequest('the request carries more than one Authorization header'), 'invalid_request');
  });

  test('token in the Authorization header and in the query', async () => {
    const token = await systemToken();
    const reply = await call(gateway, `${routes.protected}?access_token=${token}`, { headers: [bearer(token)] });
    assertRefused(reply, 400, invalidRequest('the access token is sent by more than one method'), 'invalid_request');
  });

  test('token in the Authorization header and in a form body', async () => {
    const token = await systemToken();
    const reply = await call(gateway, routes.scoped.path, {
      method: 'POST',
      headers: [bearer(token), ['content-type', 'application/x-www-form-urlencoded; charset=utf-8']],
      body: `access_token=${token}`,
    });
    assertRefused(reply, 400, invalidRequest('the access token is sent by more than one method'), 'invalid_request');
  });
});

describe('gateway: token validation (RFC 9068 §4) refuses with 401 invalid_token', () => {
  test('a valid system token reaches the protected route', async () => {
    const reply = await call(gateway, routes.protected, { headers: [bearer(await systemToken())] });
    assert.equal(reply.status, 200, reply.text);
    assert.ok(Array.isArray(reply.json.products));
  });

  test('the scheme is matched case-insensitively (RFC 9110 §11.1)', async () => {
    const token = await systemToken();
    for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
      assert.equal((await call(gateway, routes.protected, { headers: [['authorization', `${scheme} ${token}`]] })).status, 200, scheme);
    }
  });

  test('ES256 and PS256 are on the allow-list; application/at+jwt is the same typ', async () => {
    assert.equal((await call(gateway, routes.protected, { headers: [bearer(await mint({ key: trustedEc }))] })).status, 200);
    const ps = await signingKey('key-ps', 'PS256');
    jwks.keys = [...jwks.keys, ps.publicJwk];
    // A gateway of its own, without the refetch cooldown: the key is new, and another test may have just fetched the set.
    const eager = await startGateway({ jwksCooldownMs: 0 });
    assert.equal((await call(eager, routes.protected, { headers: [bearer(await mint({ key: ps }))] })).status, 200);
    assert.equal((await call(gateway, routes.protected, { headers: [bearer(await mint({ header: { typ: 'application/at+jwt' } }))] })).status, 200);
  });

  const refusals: [string, () => Promise<string>, string][] = [
    ['expired (exp 10 s ago, leeway 1 s)', () => mint({ claims: { exp: now() - 10 } }), 'the access token expired'],
    ['not yet valid (nbf in 30 s)', () => mint({ claims: { nbf: now() + 30 } }), 'the access token is not valid yet (nbf)'],
    ['foreign issuer', () => mint({ claims: { iss: 'https://evil.invalid' } }), 'the access token was not issued by the trusted issuer'],
    ['foreign audience', () => mint({ claims: { aud: 'https://other-api.invalid' } }), 'the access token is not meant for this API (aud)'],
    ['typ JWT instead of at+jwt', () => mint({ header: { typ: 'JWT' } }), 'the token is not a JWT access token (typ must be at+jwt, RFC 9068 section 4)'],
    ['no typ', () => mint({ header: { typ: undefined } }), 'the token is not a JWT access token (typ must be at+jwt, RFC 9068 section 4)'],
    ['no client_id', () => mint({ drop: ['client_id'] }), 'the access token claim client_id is missing or invalid'],
    ['no exp', () => mint({ drop: ['exp'] }), 'the access token claim exp is missing or invalid'],
    ['no aud (RFC 9068 §4)', () => mint({ drop: ['aud'] }), 'the access token is not meant for this API (aud)'],
    ['no iss (RFC 9068 §4)', () => mint({ drop: ['iss'] }), 'the access token was not issued by the trusted issuer'],
    ['iss with a trailing slash (exact match, RFC 9068 §4)', () => mint({ claims: { iss: `${ISSUER}/` } }), 'the access token was not issued by the trusted issuer'],
    ['signed by a foreign key under a published kid', () => mint({ key: foreignSameKid }), 'the access token signature is invalid'],
    ['signed by an unpublished kid', () => mint({ key: unpublished }), 'the access token is signed with an unknown key'],
    ['alg none', async () => unsigned({ alg: 'none', typ: 'at+jwt' }), 'the signing algorithm is not allowed'],
    ['HS256 keyed with the public key', hs256WithPublicKey, 'the signing algorithm is not allowed'],
    ['garbage', async () => 'not-a-jwt', 'the access token is malformed'],
    ['three garbage segments', async () => 'aaa.bbb.ccc', 'the access token is malformed'],
  ];
  for (const [name, token, description] of refusals) {
    test(name, async () => {
      assertRefused(await call(gateway, routes.protected, { headers: [bearer(await token())] }), 401, invalidToken(description), 'invalid_token');
    });
  }

  test('exp within the 1 s leeway is still accepted (RFC 7519 §4.1.4)', async () => {
    assert.equal((await call(gateway, routes.protected, { headers: [bearer(await mint({ claims: { exp: now() } }))] })).status, 200);
  });

  test('an unknown kid makes the gateway fetch the JWKS again, once; a newly published key then works', async () => {
    const rotated = await signingKey('key-rotated', 'RS256');
    const token = await mint({ key: rotated });
    const eager = await startGateway({ jwksCooldownMs: 0 });
    assert.equal((await call(eager, routes.protected, { headers: [bearer(await systemToken())] })).status, 200);
    const before = jwks.fetches;
    assertRefused(await call(eager, routes.protected, { headers: [bearer(token)] }), 401, invalidToken('the access token is signed with an unknown key'), 'invalid_token');
    assert.equal(jwks.fetches - before, 1, 'one refetch for an unknown kid');
    jwks.keys = [...jwks.keys, rotated.publicJwk];
    assert.equal((await call(eager, routes.protected, { headers: [bearer(token)] })).status, 200);
  });

  test('unknown kids in a row cost the JWKS at most one fetch within the cooldown (REQ-JWKS-01)', async () => {
    const paced = await startGateway();
    assert.equal((await call(paced, routes.protected, { headers: [bearer(await systemToken())] })).status, 200);
    const before = jwks.fetches;
    for (let i = 0; i < 10; i++) {
      assert.equal((await call(paced, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { kid: `made-up-${i}` } }))] })).status, 401);
    }
    // One for the kids, and at most one more when the 1 s max age of the cached set ran out meanwhile.
    assert.ok(jwks.fetches - before <= 2, `${jwks.fetches - before} fetches for 10 unknown kids`);
  });

  test('a slow JWKS (beyond the timeout) is 401 invalid_token, never an accept (REQ-JWKS-03)', async () => {
    const isolated = new JwksServer();
    isolated.keys = [trusted.publicJwk];
    isolated.delayMs = 1_500;
    const base = await listening(isolated.server);
    const gw = await startGateway({ jwksUri: `${base}/jwks` });
    try {
      assertRefused(await call(gw, routes.protected, { headers: [bearer(await systemToken())] }), 401, invalidToken('the signing keys could not be fetched'), 'invalid_token');
    } finally {
      isolated.server.closeAllConnections();
      await new Promise((resolve) => isolated.server.close(resolve));
    }
  });

  test('an unreachable JWKS is 401 invalid_token, never 500 and never an accept', async () => {
    const dead = createServer();
    const deadUrl = await listening(dead);
    await new Promise((resolve) => dead.close(resolve));
    const lonely = await startGateway({ jwksUri: `${deadUrl}/jwks` });
    assertRefused(await call(lonely, routes.protected, { headers: [bearer(await systemToken())] }), 401, invalidToken('the signing keys could not be fetched'), 'invalid_token');
  });

  test('a JWKS answering 503 is 401 invalid_token too, and the gateway recovers when it is back', async () => {
    const isolated = new JwksServer();
    isolated.keys = [trusted.publicJwk];
    isolated.available = false;
    const base = await listening(isolated.server);
    const gw = await startGateway({ jwksUri: `${base}/jwks` });
    try {
      assertRefused(await call(gw, routes.protected, { headers: [bearer(await systemToken())] }), 401, invalidToken('the signing keys could not be fetched'), 'invalid_token');
      isolated.available = true;
      assert.equal((await call(gw, routes.protected, { headers: [bearer(await systemToken())] })).status, 200);
    } finally {
      isolated.server.closeAllConnections();
      await new Promise((resolve) => isolated.server.close(resolve));
    }
  });
});

describe('gateway: scope (RFC 6750 §3.1 insufficient_scope)', () => {
  test('a valid token without the route scope gets 403 with the scope it needs', async () => {
    const reply = await call(gateway, routes.scoped.path, { method: routes.scoped.method, headers: [bearer(await readOnlyToken())] });
    assertRefused(
      reply,
      403,
      `Bearer realm="auth-ctk", error="insufficient_scope", error_description="the access token lacks the scope ${routes.scoped.scope}", scope="${routes.scoped.scope}"`,
      'insufficient_scope',
    );
    assert.equal(reply.json.scope, routes.scoped.scope);
  });

  test('with the scope, the write reaches the component', async () => {
    const reply = await call(gateway, routes.scoped.path, {
      method: routes.scoped.method,
      headers: [bearer(await systemToken()), ['content-type', 'application/json']],
      body: JSON.stringify({ name: 'Test product', price: 1 }),
    });
    assert.equal(reply.status, 201, reply.text);
    assert.equal(reply.json.createdBy, 'ctk-system');
  });

  test('customer data needs orders:read', async () => {
    const token = await mint({ claims: { scope: 'catalog:read' } });
    assert.equal((await call(gateway, `/customers/${ALICE}/orders`, { headers: [bearer(token)] })).status, 403);
  });
});

describe('gateway: identity forwarding (seeds 000, 003) and token stripping', () => {
  test('a system token (client_id == sub) reaches the component as kind "system"', async () => {
    const echo = await whoami(gateway, [bearer(await systemToken())]);
    assert.deepEqual(echo.identity, {
      kind: 'system',
      sub: 'ctk-system',
      client_id: 'ctk-system',
      customer_id: null,
      scopes: ['catalog:read', 'catalog:write', 'orders:read'],
      roles: [],
      iss: ISSUER,
      authentication: 'token',
    });
    assert.equal(echo.authorizationHeaderReceived, false, 'the raw token must not reach the component');
  });

  test('a human token (client_id != sub) reaches the component as kind "human", customer = sub', async () => {
    const echo = await whoami(gateway, [bearer(await mint({ claims: { sub: ALICE, client_id: 'ctk-web', scope: 'openid catalog:read', roles: ['customer'] } }))]);
    assert.equal(echo.identity?.kind, 'human');
    assert.equal(echo.identity?.sub, ALICE);
    assert.equal(echo.identity?.customer_id, ALICE);
    assert.equal(echo.identity?.client_id, 'ctk-web');
    assert.deepEqual(echo.identity?.roles, ['customer']);
  });

  test('an X-Auth-Identity sent by the caller is replaced, never trusted', async () => {
    const forged = encodeIdentity({ kind: 'system', sub: 'ctk-system', client_id: 'ctk-system', customer_id: null, scopes: [], roles: [], iss: ISSUER, authentication: 'token' });
    const echo = await whoami(gateway, [bearer(await humanToken(ALICE)), ['x-auth-identity', forged]]);
    assert.equal(echo.identity?.kind, 'human');
    const publicReply = await call(gateway, routes.public, { headers: [['x-auth-identity', forged]] });
    assert.equal(publicReply.json.servedTo.kind, 'anonymous');
  });

  test('forwardToken passes the Authorization header on when configured', async () => {
    const passing = await startGateway({ forwardToken: true });
    assert.equal((await whoami(passing, [bearer(await systemToken())])).authorizationHeaderReceived, true);
  });

  test('an access_token query parameter never reaches the component', async () => {
    const seen: string[] = [];
    const spy = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    const spyUrl = await listening(spy);
    const gw = await startGateway({ upstream: spyUrl });
    try {
      await call(gw, `${routes.public}?page=2&access_token=abc`);
      assert.deepEqual(seen, [`${routes.public}?page=2`]);
    } finally {
      await new Promise((resolve) => spy.close(resolve));
    }
  });
});

describe('gateway: public route and anonymous fallback (seed 004)', () => {
  test('no token: the component serves it to an anonymous identity', async () => {
    const reply = await call(gateway, routes.public);
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['www-authenticate'], undefined);
    assert.deepEqual(reply.json.servedTo, { kind: 'anonymous', sub: null, client_id: null, customer_id: null, scopes: [], roles: [], iss: null, authentication: 'none' });
  });

  test('a refused token on a public route falls back to anonymous, never to the claimed identity', async () => {
    for (const token of [await mint({ claims: { exp: now() - 10 } }), await mint({ key: foreignSameKid }), 'garbage']) {
      const reply = await call(gateway, routes.public, { headers: [bearer(token)] });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.servedTo.kind, 'anonymous');
      assert.equal(reply.json.servedTo.authentication, 'failed');
    }
  });

  test('a valid token on a public route is passed on as its identity', async () => {
    const reply = await call(gateway, routes.public, { headers: [bearer(await humanToken(BOB))] });
    assert.equal(reply.json.servedTo.kind, 'human');
  });

  test('protected routes never fall back to anonymous', async () => {
    assert.equal((await call(gateway, routes.identityEcho!)).status, 401);
    assert.equal((await call(gateway, `/customers/${ALICE}/orders`, { headers: [bearer('garbage')] })).status, 401);
  });
});

describe('gateway + component: customer scoping (seed 003)', () => {
  test('a system token sees every customer', async () => {
    const token = await systemToken();
    for (const customer of [ALICE, BOB]) {
      const reply = await call(gateway, `/customers/${customer}/orders`, { headers: [bearer(token)] });
      assert.equal(reply.status, 200, reply.text);
      assert.ok(reply.json.orders.length > 0);
      assert.ok(reply.json.orders.every((o: { customerId: string }) => o.customerId === customer));
    }
  });

  test('a human token sees only its own customer', async () => {
    const token = await humanToken(ALICE);
    assert.equal((await call(gateway, `/customers/${ALICE}/orders`, { headers: [bearer(token)] })).status, 200);
    const other = await call(gateway, `/customers/${BOB}/orders`, { headers: [bearer(token)] });
    assert.equal(other.status, 403);
    assert.equal(other.json.error, 'forbidden');
    assert.ok(!other.text.includes(BOB + '"'), 'no order of another customer leaks');
  });
});

describe('gateway: routing', () => {
  test('unknown path 404, wrong method 405 with Allow', async () => {
    assert.equal((await call(gateway, '/nope')).status, 404);
    const reply = await call(gateway, routes.identityEcho!, { method: 'DELETE' });
    assert.equal(reply.status, 405);
    assert.equal(reply.headers.allow, 'GET');
  });

  test('a body larger than the limit is 413, not a hang', async () => {
    const reply = await call(gateway, routes.scoped.path, { method: 'POST', headers: [['content-type', 'application/json']], body: 'x'.repeat(65 * 1024) });
    assert.equal(reply.status, 413);
  });
});

// ------------------------------------------------------------------------------------------------ faults

function unsigned(header: Record<string, unknown>, claims: JWTPayload = {}): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = { iss: ISSUER, aud: AUDIENCE, sub: 'ctk-system', client_id: 'ctk-system', scope: 'catalog:read catalog:write orders:read', iat: now(), exp: now() + 300, ...claims };
  return `${part(header)}.${part(payload)}.`;
}

async function hs256WithPublicKey(): Promise<string> {
  const secret = new TextEncoder().encode(JSON.stringify(trusted.publicJwk));
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'ctk-system', client_id: 'ctk-system', scope: 'catalog:read', exp: now() + 300 })
    .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: trusted.kid })
    .sign(secret);
}

/**
 * A genuine token of another issuer on loopback that publishes its own keys (discovery document + JWK Set): the
 * gateway must refuse it, and one that takes its keys from the token's iss (trusts-token-issuer) does not.
 */
async function foreignIssuerToken(): Promise<string> {
  const server = createServer((req, res) => {
    const body = req.url === '/jwks' ? { keys: [unpublished.publicJwk] } : { issuer: base, jwks_uri: `${base}/jwks` };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  });
  const base = await listening(server);
  server.unref(); // lives as long as the test process needs it
  return mint({ key: unpublished, claims: { iss: base } });
}

/** What each gateway fault must visibly change, seen from outside the gateway. */
const FAULT_PROBES: Record<string, (base: string) => Promise<void>> = {
  'accept-expired-token': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { exp: now() - 60 } }))] })).status, 200),
  'accept-nbf-in-future': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { nbf: now() + 60 } }))] })).status, 200),
  'accept-alg-none': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(unsigned({ alg: 'none', typ: 'at+jwt' }))] })).status, 200),
  'accept-alg-none-other-case': async (base) => {
    assert.equal((await call(base, routes.protected, { headers: [bearer(unsigned({ alg: 'none', typ: 'at+jwt' }))] })).status, 401, 'the exact "none" is still refused');
    assert.equal((await call(base, routes.protected, { headers: [bearer(unsigned({ alg: 'NONE', typ: 'at+jwt' }))] })).status, 200);
  },
  'trusts-embedded-jwk': async (base) => {
    const { kty, n, e } = unpublished.publicJwk;
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { jwk: { kty, n, e } } }))] })).status, 200);
  },
  'accept-foreign-key': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: foreignSameKid }))] })).status, 200),
  'ignore-audience': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { aud: 'https://other.invalid' } }))] })).status, 200),
  'ignore-issuer': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { iss: 'https://evil.invalid' } }))] })).status, 200),
  'trusts-token-issuer': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await foreignIssuerToken())] })).status, 200),
  'ignore-typ': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ header: { typ: 'JWT' } }))] })).status, 200),
  'identity-echo-401-without-challenge': async (base) => {
    const echo = await call(base, routes.identityEcho!);
    assert.equal(echo.status, 401);
    assert.equal(echo.headers['www-authenticate'], undefined);
    assert.ok((await call(base, routes.protected)).headers['www-authenticate'], 'the protected route keeps its challenge');
  },
  'silent-protected-routes': async (base) => {
    await assert.rejects(call(base, routes.protected, { headers: [bearer(await systemToken())] }), 'the connection is reset, no answer');
    assert.equal((await call(base, routes.public)).status, 200, 'the public route still answers');
  },
  'protected-routes-503': async (base) => {
    assert.equal((await call(base, routes.protected, { headers: [bearer(await systemToken())] })).status, 503);
    assert.equal((await call(base, routes.public)).status, 200, 'the public route still answers');
  },
  'no-www-authenticate': async (base) => {
    const reply = await call(base, routes.protected);
    assert.equal(reply.status, 401);
    assert.equal(reply.headers['www-authenticate'], undefined);
  },
  'wrong-error-code': async (base) => {
    const reply = await call(base, routes.protected, { headers: [bearer('garbage')] });
    assert.equal(reply.status, 401);
    assert.match(String(reply.headers['www-authenticate']), /error="invalid_request"/);
  },
  'bare-bearer-challenge': async (base) => {
    const reply = await call(base, routes.protected);
    assert.equal(reply.status, 401);
    assert.equal(reply.headers['www-authenticate'], 'Bearer');
  },
  'duplicate-challenge-attribute': async (base) =>
    assert.match(String((await call(base, routes.protected, { headers: [bearer('garbage')] })).headers['www-authenticate']), /error="invalid_token".*error="invalid_token"/),
  'no-credentials-as-403': async (base) => {
    const reply = await call(base, routes.protected);
    assert.equal(reply.status, 403);
    assert.match(String(reply.headers['www-authenticate']), /^Bearer realm=/);
  },
  'insufficient-scope-as-401': async (base) =>
    assert.equal((await call(base, routes.scoped.path, { method: routes.scoped.method, headers: [bearer(await readOnlyToken())] })).status, 401),
  'error-code-without-credentials': async (base) => assert.match(String((await call(base, routes.protected)).headers['www-authenticate']), /error=/),
  'ignore-scope': async (base) =>
    assert.equal((await call(base, routes.scoped.path, { method: routes.scoped.method, headers: [bearer(await readOnlyToken())] })).status, 201),
  'query-token-unchecked': async (base) => {
    const token = await systemToken();
    const tampered = `${token.slice(0, -6)}${token.slice(-6, -5) === 'A' ? 'B' : 'A'}${token.slice(-5)}`;
    assert.equal((await call(base, `${routes.protected}?access_token=${tampered}`)).status, 200);
  },
  'accept-token-sent-twice': async (base) => {
    const token = await systemToken();
    assert.equal((await call(base, `${routes.protected}?access_token=${token}`, { headers: [bearer(token)] })).status, 200);
  },
  'malformed-authorization-as-401': async (base) => {
    assert.equal((await call(base, routes.protected, { headers: [['authorization', 'Bearer a b']] })).status, 401);
    const token = await systemToken();
    assert.equal((await call(base, `${routes.protected}?access_token=${token}`, { headers: [bearer(token)] })).status, 400, 'a token sent twice is still 400');
  },
  'protected-route-scope-typo': async (base) => {
    assert.equal((await call(base, routes.protected, { headers: [bearer(await systemToken())] })).status, 403);
    assert.equal((await whoami(base, [bearer(await systemToken())])).identity?.sub, 'ctk-system', 'other routes still admit the token');
  },
  'anonymous-as-service-account': async (base) => assert.equal((await call(base, routes.public)).json?.servedTo?.kind, 'system'),
  'public-route-needs-token': async (base) => assert.equal((await call(base, routes.public)).status, 401),
  'public-route-refuses-failed-credentials': async (base) => {
    assert.equal((await call(base, routes.public)).status, 200, 'without credentials: served');
    assert.equal((await call(base, routes.public, { headers: [bearer('ctk-not-a-token')] })).status, 401);
  },
  'jwks-never-refreshed': async (base) => {
    // A first call makes the gateway fetch the key set; then a key is published and a token signed with it presented.
    assert.equal((await call(base, routes.protected, { headers: [bearer(await systemToken())] })).status, 200);
    const rotated = await signingKey(`key-rotated-${crypto.randomUUID()}`, 'RS256');
    jwks.keys = [...jwks.keys, rotated.publicJwk];
    try {
      await pause(1_100); // past the healthy gateway's refetch cooldown
      assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: rotated }))] })).status, 401);
    } finally {
      jwks.keys = jwks.keys.filter((k) => k.kid !== rotated.kid);
    }
  },
  'case-sensitive-bearer': async (base) => assert.equal((await call(base, routes.protected, { headers: [['authorization', `bearer ${await systemToken()}`]] })).status, 401),
  'gateway-500-on-unknown-kid': async (base) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished }))] })).status, 500),
  'anonymous-gets-protected-data': async (base) => assert.equal((await call(base, routes.protected)).status, 200),
  'forward-no-identity': async (base) => assert.equal((await whoami(base, [bearer(await systemToken())])).identity, null),
  'forward-human-as-system': async (base) => assert.equal((await whoami(base, [bearer(await humanToken(ALICE))])).identity?.kind, 'system'),
  'forward-system-as-human': async (base) => assert.equal((await whoami(base, [bearer(await systemToken())])).identity?.kind, 'human'),
  'forward-raw-token': async (base) => assert.equal((await whoami(base, [bearer(await systemToken())])).authorizationHeaderReceived, true),
  'accept-spoofed-identity': async (base) => {
    const forged = encodeIdentity({ kind: 'system', sub: 'forged', client_id: 'forged', customer_id: null, scopes: [], roles: [], iss: null, authentication: 'token' });
    const echo = await whoami(base, [bearer(await humanToken(ALICE)), ['x-auth-identity', forged]]);
    assert.equal(decodeIdentity(forged).sub, echo.identity?.sub);
  },
  'no-credentials-no-challenge': async (base) => {
    const reply = await call(base, routes.protected);
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['www-authenticate'], undefined);
  },
  'no-credentials-server-error': async (base) => {
    const reply = await call(base, routes.protected);
    assert.equal(reply.status, 500);
    assert.equal(reply.headers['www-authenticate'], undefined);
  },
};

// The per-IP limits (variation gateway-rate-limit; limits 50/s and a block after 5 invalid tokens for 2 s), probed
// from addresses other than the allow-listed 127.0.0.1. A fault of them is compared with the gateway that has the
// variation on (its `needs`), not with the default one, which limits nothing.
const LIMITS = fixtures.limits.gateway!;
const burstFrom = (base: string, from: string, n = LIMITS.requestsPerSecond! + 5) => Promise.all(Array.from({ length: n }, () => call(base, routes.public, { from })));
const invalidTokensFrom = async (base: string, from: string) => {
  for (let i = 0; i < LIMITS.ipBlock!.failedAttempts; i++) assert.equal((await call(base, routes.protected, { headers: [bearer('garbage')], from })).status, 401);
};
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
Object.assign(FAULT_PROBES, {
  'gateway-rate-limit-not-enforced': async (base: string) => assert.ok((await burstFrom(base, '127.0.0.201')).every((r) => r.status === 200)),
  'gateway-rate-limit-below-stated': async (base: string) => {
    const half = await Promise.all(Array.from({ length: LIMITS.requestsPerSecond! / 2 }, () => call(base, routes.public, { from: '127.0.0.202' })));
    assert.ok(half.some((r) => r.status === 429), 'half the stated limit already meets a 429');
  },
  'gateway-429-bad-retry-after': async (base: string) => {
    const limited = (await burstFrom(base, '127.0.0.203')).find((r) => r.status === 429);
    assert.equal(limited?.headers['retry-after'], 'a moment');
  },
  'gateway-rate-limit-one-counter': async (base: string) => {
    await burstFrom(base, '127.0.0.204');
    assert.equal((await call(base, routes.public, { from: '127.0.0.205' })).status, 429, 'another IP is limited too');
  },
  'gateway-429-never-lifted': async (base: string) => {
    const limited = (await burstFrom(base, '127.0.0.206')).find((r) => r.status === 429);
    assert.equal(limited?.headers['retry-after'], '1');
    await pause(1_500);
    assert.equal((await call(base, routes.public, { from: '127.0.0.206' })).status, 429, 'still limited after Retry-After');
  },
  'gateway-ip-block-not-enforced': async (base: string) => {
    await invalidTokensFrom(base, '127.0.0.207');
    assert.equal((await call(base, routes.protected, { headers: [bearer(await systemToken())], from: '127.0.0.207' })).status, 200, 'not blocked');
  },
  'gateway-block-every-ip': async (base: string) => {
    await invalidTokensFrom(base, '127.0.0.208');
    assert.equal((await call(base, routes.public, { from: '127.0.0.209' })).status, 403, 'another IP is blocked too');
  },
  'gateway-never-unblock': async (base: string) => {
    await invalidTokensFrom(base, '127.0.0.210');
    await pause(LIMITS.ipBlock!.blockSeconds * 1000 + 500);
    assert.equal((await call(base, routes.public, { from: '127.0.0.210' })).status, 403, 'still blocked after the block time');
  },
  // Issue 20: JWKS robustness
  'jwks-refetch-unbounded': async (base: string) => {
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++) await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { kid: `sprayed-${crypto.randomUUID()}` } }))] });
    assert.ok(jwks.fetches - before >= 5, `${jwks.fetches - before} JWKS fetches for 5 unknown kids`);
  },
  'jwks-down-fails-open': async (base: string) => {
    jwks.available = false;
    try {
      assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { kid: `down-${crypto.randomUUID()}` } }))] })).status, 200);
    } finally {
      jwks.available = true;
    }
  },
  // Issue 20: canvas — two copies of the identity header, in two letter cases: the component reads the first.
  'identity-header-duplicate-passes': async (base: string) => {
    const forged = encodeIdentity({ kind: 'system', sub: 'forged', client_id: 'forged', customer_id: null, scopes: [], roles: [], iss: null, authentication: 'token' });
    const echo = await whoami(base, [bearer(await humanToken(ALICE)), ['x-auth-identity', forged], ['X-Auth-Identity', forged]]);
    assert.equal(echo.identity?.sub, 'forged');
  },
  'jwks-cached-for-ever': async (base: string) => {
    const retired = await signingKey(`key-retired-${crypto.randomUUID()}`, 'RS256');
    const token = await mint({ key: retired });
    jwks.keys = [...jwks.keys, retired.publicJwk];
    try {
      await pause(1_100); // past the refetch cooldown: the new kid is fetched
      assert.equal((await call(base, routes.protected, { headers: [bearer(token)] })).status, 200);
    } finally {
      jwks.keys = jwks.keys.filter((k) => k.kid !== retired.kid);
    }
    await pause(1_200); // past the 1 s max age of the cached set
    assert.equal((await call(base, routes.protected, { headers: [bearer(token)] })).status, 200, 'a key removed from the set is still accepted');
  },
  'forward-without-roles': async (base: string) => assert.deepEqual((await whoami(base, [bearer(await mint({ claims: { roles: ['reader'] } }))])).identity?.roles, []),
  'jwks-slow-fails-open': async (base: string) => {
    jwks.delayMs = 1_500;
    try {
      assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { kid: `slow-${crypto.randomUUID()}` } }))] })).status, 200);
    } finally {
      jwks.delayMs = 0;
    }
  },
});

// Issue 20: token endpoint hygiene
Object.assign(FAULT_PROBES, {
  'client-id-falls-back-to-sub': async (base: string) => assert.equal((await whoami(base, [bearer(await mint({ drop: ['client_id'] }))])).identity?.kind, 'system'),
});
// Issue 20: header and claim attacks. The key sources a token names are served from loopback, as the kit does.
async function servedOnLoopback(body: string, contentType: string): Promise<string> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': contentType }).end(body));
  const base = await listening(server);
  server.unref();
  return `${base}/key-source`;
}
function hs256ByHand(header: Record<string, unknown>, secret: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const claims = { iss: ISSUER, aud: AUDIENCE, sub: 'ctk-system', client_id: 'ctk-system', scope: 'catalog:read catalog:write orders:read', iat: now(), exp: now() + 300 };
  const input = `${part({ ...header, alg: 'HS256', typ: 'at+jwt' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
Object.assign(FAULT_PROBES, {
  'trusts-jku': async (base: string) => {
    const jku = await servedOnLoopback(JSON.stringify({ keys: [unpublished.publicJwk] }), 'application/jwk-set+json');
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { jku } }))] })).status, 200);
  },
  'trusts-x5u': async (base: string) => {
    const privateKey = KeyObject.from(unpublished.privateKey);
    const x5u = await servedOnLoopback(selfSignedCertificatePem({ privateKey, publicKey: createPublicKey(privateKey) }, 'x5u probe'), 'application/pem-certificate-chain');
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { x5u } }))] })).status, 200);
  },
  'kid-path-traversal': async (base: string) =>
    assert.equal((await call(base, routes.protected, { headers: [bearer(hs256ByHand({ kid: '../../../../../../../../dev/null' }, ''))] })).status, 200),
  'kid-quote-500': async (base: string) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ header: { kid: "key-1' OR '1'='1" } }))] })).status, 500),
  'ignores-crit': async (base: string) => {
    const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'ctk-system', client_id: 'ctk-system', scope: 'catalog:read', exp: now() + 300 })
      .setProtectedHeader({ alg: trusted.alg, typ: 'at+jwt', kid: trusted.kid, crit: ['urn:ctk:unknown'], 'urn:ctk:unknown': true })
      .sign(trusted.privateKey, { crit: { 'urn:ctk:unknown': true } });
    assert.equal((await call(base, routes.protected, { headers: [bearer(token)] })).status, 200);
  },
  'typ-optional': async (base: string) => assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ header: { typ: undefined } }))] })).status, 200),
  'huge-kid-500': async (base: string) =>
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished, header: { kid: `k-${'k'.repeat(10 * 1024)}` } }))] })).status, 500, 'healthy: 401 unknown key'),
  'oversized-token-500': async (base: string) => {
    const forged = await mint({ key: unpublished, claims: { ctk_padding: 'x'.repeat(20 * 1024) } });
    assert.equal((await call(base, routes.protected, { headers: [bearer(forged)] })).status, 500, 'healthy: 431 from the HTTP server');
  },
});

// Issue 20: iat in the future
Object.assign(FAULT_PROBES, {
  'accept-iat-in-future': async (base: string) =>
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { iat: now() + 3600, exp: now() + 7200 } }))] })).status, 200, 'healthy: 401'),
});

// Issue 19: DPoP (RFC 9449 §7)
/** A token bound to `key` (cnf.jkt) and the headers that present it with the DPoP scheme and a proof. */
async function dpopCall(base: string, options: { defect?: ProofDefect; proofKey?: DpopKey; scheme?: 'DPoP' | 'Bearer'; proof?: string | null } = {}) {
  const key = await newDpopKey();
  const token = await mint({ claims: { cnf: { jkt: key.thumbprint } } });
  const proof = options.proof === undefined ? (await dpopProof(options.proofKey ?? key, { htm: 'GET', htu: new URL(routes.protected, base).href, accessToken: token }, options.defect)).jwt : options.proof;
  const headers: [string, string][] = [['authorization', `${options.scheme ?? 'DPoP'} ${token}`]];
  if (proof !== null) headers.push(['dpop', proof]);
  return { token, key, proof, reply: await call(base, routes.protected, { headers }) };
}

Object.assign(FAULT_PROBES, {
  'dpop-scheme-unsupported': async (base: string) => assert.equal((await dpopCall(base)).reply.status, 401),
  'dpop-bound-token-accepted-as-bearer': async (base: string) => assert.equal((await dpopCall(base, { scheme: 'Bearer', proof: null })).reply.status, 200),
  'dpop-ignores-key-binding': async (base: string) => assert.equal((await dpopCall(base, { proofKey: await newDpopKey() })).reply.status, 200),
  'dpop-ignores-ath': async (base: string) => assert.equal((await dpopCall(base, { defect: 'no-ath' })).reply.status, 200),
  'dpop-ignores-htu': async (base: string) => assert.equal((await dpopCall(base, { defect: 'wrong-htu' })).reply.status, 200),
  'dpop-proof-replay-accepted': async (base: string) => {
    const first = await dpopCall(base);
    assert.equal(first.reply.status, 200);
    const again = await call(base, routes.protected, { headers: [['authorization', `DPoP ${first.token}`], ['dpop', first.proof!]] });
    assert.equal(again.status, 200);
  },
  'dpop-challenge-bearer-only': async (base: string) => {
    const { reply } = await dpopCall(base, { proofKey: await newDpopKey() });
    assert.equal(reply.status, 401);
    assert.doesNotMatch(String(reply.headers['www-authenticate']), /(^|,\s*)DPoP\s/, 'no challenge with the DPoP scheme');
  },
});

test('DPoP (RFC 9449 §7): a bound token is served with a valid proof only; an unbound token stays a Bearer token', async () => {
  assert.equal((await dpopCall(gateway)).reply.status, 200, 'bound token + valid proof');
  assert.equal((await call(gateway, routes.protected, { headers: [bearer(await systemToken())] })).status, 200, 'unbound Bearer token');
  assert.equal((await dpopCall(gateway, { scheme: 'Bearer', proof: null })).reply.status, 401, 'bound token as Bearer');
  for (const defect of ['wrong-htm', 'wrong-htu', 'stale-iat', 'alg-none', 'symmetric-alg', 'bad-signature', 'wrong-typ', 'private-key-in-jwk', 'no-ath', 'other-token-ath'] as const) {
    const { reply } = await dpopCall(gateway, { defect });
    assert.equal(reply.status, 401, defect);
    assert.match(String(reply.headers['www-authenticate']), /^DPoP error="invalid_dpop_proof"/, defect);
  }
  const otherKey = (await dpopCall(gateway, { proofKey: await newDpopKey() })).reply;
  assert.equal(otherKey.status, 401);
  assert.match(String(otherKey.headers['www-authenticate']), /^DPoP error="invalid_token"/);
  const first = await dpopCall(gateway);
  const replay = await call(gateway, routes.protected, { headers: [['authorization', `DPoP ${first.token}`], ['dpop', first.proof!]] });
  assert.equal(replay.status, 401, 'a proof is used once');
  const unbound = await call(gateway, routes.protected, { headers: [['authorization', `DPoP ${await systemToken()}`]] });
  assert.equal(unbound.status, 401, 'an unbound token with the DPoP scheme');
});

/**
 * A stub introspection endpoint (RFC 7662) for the variation gateway-introspects-opaque-tokens: it answers what
 * `introspected` holds for a token, else inactive.
 */
const introspected = new Map<string, Record<string, unknown>>();
let introspectionUrl: string | undefined;
async function introspectionEndpoint(): Promise<string> {
  if (introspectionUrl) return introspectionUrl;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const token = new URLSearchParams(Buffer.concat(chunks).toString()).get('token') ?? '';
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(introspected.get(token) ?? { active: false }));
    });
  });
  gateways.push(server);
  introspectionUrl = `${await listening(server)}/token/introspection`;
  return introspectionUrl;
}

/** The gateway with these switches and the variations they need, with the per-IP limits when those are on. */
const startWith = async (switches: readonly string[]) => {
  const all = new Set(withNeededVariations(switches));
  const introspection = all.has('gateway-introspects-opaque-tokens') ? { introspection: { endpoint: await introspectionEndpoint(), clientId: 'ctk-gateway-test', clientSecret: 'not-a-secret', timeoutMs: 2_000 } } : {};
  return startGateway({ faults: all, ...(all.has('gateway-rate-limit') ? { clientLimits: LIMITS } : {}), ...introspection });
};

// RFC 9449 §6.2: an opaque DPoP-bound token, its binding (cnf.jkt) in the introspection answer.
Object.assign(FAULT_PROBES, {
  'gateway-introspection-drops-cnf': async (base: string) => {
    const key = await newDpopKey();
    const token = `opaque-${Math.random().toString(36).slice(2)}`;
    introspected.set(token, { active: true, sub: 'ctk-system', client_id: 'ctk-system', aud: AUDIENCE, scope: 'orders:read', exp: now() + 300, token_type: 'DPoP', cnf: { jkt: key.thumbprint } });
    const proof = (await dpopProof(key, { htm: 'GET', htu: new URL(routes.protected, base).href, accessToken: token })).jwt;
    assert.equal((await call(base, routes.protected, { headers: [['authorization', `DPoP ${token}`], ['dpop', proof]] })).status, 401, 'healthy: 200');
  },
});

test('gateway-rate-limit (variation): 429 with Retry-After past 50/s, 403 after 5 invalid tokens, 127.0.0.1 allow-listed', async () => {
  const base = await startWith(['gateway-rate-limit']);
  const burst = await burstFrom(base, '127.0.0.211');
  assert.equal(burst.filter((r) => r.status === 200).length, LIMITS.requestsPerSecond, 'exactly the limit served in the window');
  assert.ok(burst.filter((r) => r.status === 429).every((r) => r.headers['retry-after'] === '1'));
  assert.ok((await burstFrom(base, '127.0.0.1')).every((r) => r.status === 200), 'the allow-listed address is never limited');
  await invalidTokensFrom(base, '127.0.0.212');
  assert.equal((await call(base, routes.public, { from: '127.0.0.212' })).status, 403);
  assert.equal((await call(base, routes.public, { from: '127.0.0.213' })).status, 200, 'another IP is not blocked');
  await invalidTokensFrom(base, '127.0.0.214');
  assert.equal((await call(base, routes.protected, { headers: [bearer('garbage')] })).status, 401, '127.0.0.1 is never blocked');
});

Object.assign(FAULT_PROBES, {
  // Issue 19: mutual TLS (RFC 8705 §3)
  'gateway-certificate-binding-hex': async (base: string) => assert.equal((await mtlsCall(base, mtlsMaterials!.client)).status, 401),
  'gateway-ignores-certificate-binding': async (base: string) => assert.equal((await mtlsCall(base, mtlsMaterials!.otherCertificate)).status, 200),
  'gateway-accepts-bound-token-without-certificate': async (base: string) => assert.equal((await mtlsCall(base, undefined)).status, 200),
  'gateway-certificate-mismatch-invalid-request': async (base: string) => assert.match(String((await mtlsCall(base, undefined)).headers['www-authenticate']), /error="invalid_request"/),
});


// The gateway rate limit above its claim (product matrix, fastify-rate-limit): 2.5 × the stated limit is served.
Object.assign(FAULT_PROBES, {
  'gateway-rate-limit-above-stated': async (base: string) => {
    const twice = await burstFrom(base, '127.0.0.215', 2 * LIMITS.requestsPerSecond! + 5);
    assert.ok(twice.every((r) => r.status === 200), 'more than twice the stated limit served in one window');
  },
  // REQ-GRL-09: 1.6 × the claim, within the 2N REQ-GRL-02 tolerates.
  'gateway-rate-limit-higher-than-claimed': async (base: string) => {
    const over = await burstFrom(base, '127.0.0.216', Math.ceil(1.6 * LIMITS.requestsPerSecond!) + 5);
    const served = over.filter((r) => r.status === 200).length;
    assert.equal(served, Math.floor(1.6 * LIMITS.requestsPerSecond!), 'served up to 1.6 times the stated limit, then 429');
  },
});

// One cause, one finding: REQ-ID-14 on its own. The component's half (every customer for a human without client_id) is
// proven by the fault-injection run; here the gateway's half: the token without client_id arrives as a human, not a system.
Object.assign(FAULT_PROBES, {
  'no-client-id-reads-every-customer': async (base: string) => {
    const echo = await whoami(base, [bearer(await mint({ drop: ['client_id'] }))]);
    assert.equal(echo.identity?.kind, 'human');
    assert.equal(echo.identity?.client_id, null);
  },
});

// RFC 6750 §3: a token that does not enable access refused with a plain 403, no challenge (REQ-BEARER-20).
Object.assign(FAULT_PROBES, {
  'invalid-token-403-without-challenge': async (base: string) => {
    const reply = await call(base, routes.protected, { headers: [bearer(await mint({ claims: { exp: now() - 600 } }))] });
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['www-authenticate'], undefined);
  },
  'insufficient-scope-without-challenge': async (base: string) => {
    const reply = await call(base, routes.scoped.path, { method: routes.scoped.method, headers: [bearer(await readOnlyToken())] });
    assert.equal(reply.status, 403);
    assert.equal(reply.headers['www-authenticate'], undefined);
  },
});

// RFC 9068 §4: aud and iss are required, and iss matches exactly. Each fault lets its token through and still refuses
// a wrong value (the hole is the missing claim, or the slash, not a check switched off).
Object.assign(FAULT_PROBES, {
  'gateway-aud-checked-only-when-present': async (base: string) => {
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ drop: ['aud'] }))] })).status, 200);
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { aud: 'https://other.invalid' } }))] })).status, 401, 'another aud is still refused');
  },
  'gateway-iss-checked-only-when-present': async (base: string) => {
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ drop: ['iss'] }))] })).status, 200);
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { iss: 'https://evil.invalid' } }))] })).status, 401, 'another iss is still refused');
  },
  'gateway-iss-trailing-slash-ignored': async (base: string) => {
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ claims: { iss: `${ISSUER.replace(/\/+$/, '')}/` } }))] })).status, 200);
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ drop: ['iss'] }))] })).status, 401, 'a token without iss is still refused');
  },
});

// Gateway decision cache: the same token before and after its exp (+ the leeway + 1 s, as the kit waits).
Object.assign(FAULT_PROBES, {
  'gateway-caches-valid-decision': async (base: string) => {
    const exp = now() + 2;
    const token = await mint({ claims: { exp } });
    assert.equal((await call(base, routes.protected, { headers: [bearer(token)] })).status, 200, 'served before its exp');
    await pause((exp + fixtures.limits.clockSkewSeconds + 1) * 1000 - Date.now());
    assert.equal((await call(base, routes.protected, { headers: [bearer(token)] })).status, 200, 'healthy: 401 once expired');
  },
});

// Seed 004 on the public route (REQ-ANON-03): a correctly signed but expired token is passed on as somebody.
Object.assign(FAULT_PROBES, {
  'public-route-checks-signature-only': async (base: string) => {
    const expired = [bearer(await mint({ claims: { exp: now() - 600 } }))];
    assert.equal((await call(base, routes.public, { headers: expired })).json?.servedTo?.kind, 'system', 'the public route passes the expired token\'s identity on');
    assert.equal((await call(base, routes.protected, { headers: expired })).status, 401, 'the protected route still refuses it');
  },
});

// REQ-ID-09: a caller's own identity header keeps its roles, or its kind, next to the token's identity.
Object.assign(FAULT_PROBES, {
  'forwards-caller-roles': async (base: string) => {
    const forged = encodeIdentity({ kind: 'system', sub: 'forged', client_id: 'forged', customer_id: null, scopes: [], roles: ['forged-role'], iss: null, authentication: 'token' });
    const echo = await whoami(base, [bearer(await humanToken(ALICE)), ['x-auth-identity', forged]]);
    assert.deepEqual([echo.identity?.sub, echo.identity?.kind], [ALICE, 'human'], "subject and kind stay the token's");
    assert.ok(echo.identity?.roles.includes('forged-role'));
  },
  'forwards-caller-kind': async (base: string) => {
    const forged = encodeIdentity({ kind: 'system', sub: 'forged', client_id: 'forged', customer_id: null, scopes: [], roles: ['forged-role'], iss: null, authentication: 'token' });
    const echo = await whoami(base, [bearer(await humanToken(ALICE)), ['x-auth-identity', forged]]);
    assert.deepEqual([echo.identity?.sub, echo.identity?.roles.includes('forged-role')], [ALICE, false], "subject and roles stay the token's");
    assert.equal(echo.identity?.kind, 'system');
  },
});

// Gateway IP block duration (REQ-GRL-05): half-way through the stated 2 s block the IP is let in (the fault's block: 500 ms).
Object.assign(FAULT_PROBES, {
  'gateway-block-lifted-early': async (base: string) => {
    await invalidTokensFrom(base, '127.0.0.230');
    assert.equal((await call(base, routes.public, { from: '127.0.0.230' })).status, 403, 'blocked right after the invalid tokens');
    await pause((LIMITS.ipBlock!.blockSeconds * 1000) / 2);
    assert.equal((await call(base, routes.public, { from: '127.0.0.230' })).status, 200, 'let in half-way through the block');
  },
});

// A broad fault: authentication switched off everywhere. A forged token and no token at all reach the protected route.
Object.assign(FAULT_PROBES, {
  'gateway-validates-nothing': async (base: string) => {
    assert.equal((await call(base, routes.protected)).status, 200, 'served without any credentials');
    assert.equal((await call(base, routes.protected, { headers: [bearer(await mint({ key: unpublished }))] })).status, 200, 'served with a token of a key never published');
  },
});

// Every probe is declared above this line: the loop below makes one test per probe when the module loads.
describe('gateway faults: each flips the behaviour it names, and the healthy gateway does not', () => {
  test('every declared gateway fault has a probe here, and every probe a declaration', () => {
    assert.deepEqual(GATEWAY_FAULTS.map((f) => f.name).sort(), Object.keys(FAULT_PROBES).sort());
    for (const fault of GATEWAY_FAULTS) {
      assert.equal(fault.component, 'gateway');
      assert.ok(fault.breaks.length > 0, `${fault.name} names no requirement`);
    }
  });

  for (const [name, probe] of Object.entries(FAULT_PROBES)) {
    test(name, async () => {
      const needs = GATEWAY_FAULTS.find((f) => f.name === name)?.needs ?? [];
      await assert.rejects(probe(needs.length > 0 ? await startWith(needs) : gateway), `the healthy gateway already shows ${name}`);
      await probe(await startWith([name]));
    });
  }
});

test('mutual TLS (RFC 8705 §3): a certificate-bound token is served with its certificate only, else 401 invalid_token', async () => {
  assert.equal((await mtlsCall(gateway, mtlsMaterials!.client)).status, 200, 'bound token + its certificate');
  for (const certificate of [undefined, mtlsMaterials!.otherCertificate]) {
    const reply = await mtlsCall(gateway, certificate);
    assert.equal(reply.status, 401);
    assert.match(String(reply.headers['www-authenticate']), /error="invalid_token"/);
  }
  const plain = await call(gateway, routes.protected, { headers: [['authorization', `Bearer ${await mint({ claims: { cnf: { 'x5t#S256': mtlsMaterials!.client.thumbprintS256 } } })}`]] });
  assert.equal(plain.status, 401, 'the plain listener has no certificate');
});
