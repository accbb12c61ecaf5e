/**
 * The external provider (issue 11): discovery is fetched and checked before any scenario runs; an unreachable
 * URL or a discovery document that is not JSON is ONE error naming the file and field (exit 2); the profile's
 * timeout (seconds), load caps and capabilities reach the TargetDescription; requirements bound to a capability
 * the profile does not claim are "not applicable", never passed. Fake IdP/gateway servers on 127.0.0.1.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ExternalTargetProvider } from '../support/target/external.ts';
import { ProfileError } from '../support/target/profile.ts';
import { targetProvider, ReferenceTargetProvider } from '../support/target/providers.ts';
import { ContainersTargetProvider, networkMode, servicesToBuild } from '../support/target/containers.ts';
import { applicability } from '../support/target/applicability.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { requirements } from '../support/requirements/catalogue.ts';
import { UsageError } from '../cli/errors.ts';
import { closeConnections } from '../support/http/exchange.ts';

let server: Server;
let base: string;
let closedPort: number;
let dir: string;
const seen: string[] = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`.trim());
    const json = (body: unknown) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    switch (req.url) {
      case '/good/.well-known/openid-configuration':
        return json({ issuer: `${base}/good`, token_endpoint: `${base}/good/token`, jwks_uri: `${base}/good/jwks` });
      case '/html/.well-known/openid-configuration':
        return res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Login</title>');
      case '/404/.well-known/openid-configuration':
        return res.writeHead(404).end();
      case '/bad-type/.well-known/openid-configuration':
        return json({ issuer: 42, token_endpoint: `${base}/good/token`, jwks_uri: `${base}/good/jwks` });
      case '/relative/.well-known/openid-configuration':
        return json({ issuer: `${base}/good`, token_endpoint: '/token', jwks_uri: `${base}/good/jwks` });
      case '/no-jwks/.well-known/openid-configuration':
        return json({ issuer: `${base}/good`, token_endpoint: `${base}/good/token` });
      case '/good/token':
        // A token endpoint: GET is not served, a POST without credentials is an OAuth error.
        if (req.method === 'POST') return res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Basic' }).end('{"error":"invalid_client"}');
        return res.writeHead(405, { allow: 'POST' }).end();
      case '/moved/.well-known/openid-configuration':
        return json({ issuer: `${base}/good`, token_endpoint: `${base}/moved/token`, jwks_uri: `${base}/good/jwks` });
      case '/moved/token':
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not Found</h1>');
      default:
        return json({ keys: [] });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const gone = createTcpServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  closedPort = (gone.address() as { port: number }).port;
  await new Promise((resolve) => gone.close(resolve));
  dir = mkdtempSync(join(tmpdir(), 'ctk-target-'));
});

after(async () => {
  server.close();
  await closeConnections();
  rmSync(dir, { recursive: true, force: true });
});

function profile(idp: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `t${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    stringify({
      name: 'fake deployment',
      idp,
      gateway: { baseUrl: `${base}/gw/`, audience: 'https://api.test', routes: { protected: '/p', public: '/pub', scoped: { method: 'POST', path: '/p', scope: 'write' } } },
      clients: { system: { clientId: 'sys', clientSecret: '${T_SECRET}', scopes: ['write'] } },
      ...extra,
    }),
  );
  return file;
}

const start = (file: string) => {
  process.env.T_SECRET = 'fake-secret-value';
  return new ExternalTargetProvider(file).start({ log: () => undefined });
};

async function startFails(file: string): Promise<ProfileError> {
  try {
    await start(file);
  } catch (error) {
    assert.ok(error instanceof ProfileError, String(error));
    return error;
  }
  assert.fail('the target started');
}

describe('external target: checked before any scenario runs', () => {
  test('discovery fills issuer and endpoints; profile values land in the description', async () => {
    const started = await start(
      profile(
        { discoveryUrl: `${base}/good/.well-known/openid-configuration` },
        {
          capabilities: { 'rate-limiting': true },
          limits: { requestTimeoutSeconds: 2.5, clockSkewSeconds: 5, tokenRequestsPerSecond: 50, loadScenarios: true, maxRequestsPerSecond: 20, maxRequestsPerRun: 300 },
          sourceAddresses: ['127.0.0.9'],
        },
      ),
    );
    const d = started.description;
    assert.equal(d.kind, 'external');
    assert.equal(d.issuer, `${base}/good`);
    assert.equal(d.tokenEndpoint, `${base}/good/token`);
    assert.equal(d.jwksUri, `${base}/good/jwks`);
    assert.equal(d.gateway?.baseUrl, `${base}/gw`, 'trailing slash dropped: routes start with /');
    assert.equal(d.limits.requestTimeoutMs, 2_500, 'timeout from the profile, in seconds');
    assert.equal(d.limits.maxRequestsPerSecond, 20);
    assert.equal(d.limits.maxRequestsPerRun, 300);
    assert.deepEqual(d.sourceAddresses, ['127.0.0.9']);
    assert.equal(d.clients.system.clientSecret, 'fake-secret-value');
    assert.equal(d.admin, undefined);
    await started.stop();
  });

  // Issue 20: the kit's JWKS relay, started with the target and stopped with it
  test('jwksRelay: the relay listens where the profile says, serves the IdP\'s set, and stops with the target', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createTcpServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as { port: number }).port;
        probe.close(() => resolve(p));
      });
    });
    const started = await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }, { jwksRelay: { listen: `127.0.0.1:${port}`, gatewayUrl: `${base}/relay-gw` } }));
    try {
      const relay = started.description.jwksRelay!;
      assert.equal(relay.url, `http://127.0.0.1:${port}/jwks`);
      assert.equal(relay.gatewayUrl, `${base}/relay-gw`);
      assert.equal(relay.shared, undefined, 'a gateway of its own: the JWKS checks run beside the others');
      assert.ok(relay.adminToken.length >= 32);
      assert.equal(started.description.capabilities['jwks-control'], true);
      assert.deepEqual(await (await fetch(relay.url)).json(), { keys: [] }, "the IdP's set (the stub's) plus no kit key yet");
      assert.equal(applicability(started.description, ['@REQ-JWKS-01']).kind, 'applicable');
      // A second run on the same port: the profile's error, exit 2, naming the field.
      const busy = await startFails(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }, { jwksRelay: { listen: `127.0.0.1:${port}` } }));
      assert.equal(busy.field, 'jwksRelay.listen');
    } finally {
      await started.stop();
    }
    await assert.rejects(fetch(`http://127.0.0.1:${port}/jwks`), 'stopped with the target');
    const shared = await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }, { jwksRelay: { listen: `127.0.0.1:${port}` } }));
    try {
      assert.deepEqual({ gatewayUrl: shared.description.jwksRelay!.gatewayUrl, shared: shared.description.jwksRelay!.shared }, { gatewayUrl: `${base}/gw`, shared: true });
    } finally {
      await shared.stop();
    }
  });

  test('without jwksRelay the JWKS checks are not applicable, with the remedy', async () => {
    const started = await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }, { capabilities: { 'retired-key-bound': true }, limits: { gateway: { retiredKeySeconds: 5 } } }));
    for (const tags of [['@REQ-JWKS-01'], ['@REQ-JWKS-04', '@requires-jwks-control']]) {
      const verdict = applicability(started.description, tags);
      assert.equal(verdict.kind, 'not-applicable', tags.join(' '));
      if (verdict.kind === 'not-applicable') {
        assert.match(verdict.record.reason, /JWKS relay/);
        assert.match(verdict.record.remedy ?? '', /jwksRelay/);
      }
    }
  });

  test('the checks send only GETs without credentials, and one POST without credentials to the token endpoint', () => {
    assert.ok(seen.length > 0);
    for (const line of seen) assert.match(line, /^(GET \S+|POST \S+\/token)$/, line);
  });

  test('a token_endpoint from the discovery document that answers 404 is REQ-DISC-11\'s finding, not a usage error', async () => {
    const d = (await start(profile({ discoveryUrl: `${base}/moved/.well-known/openid-configuration` }))).description;
    assert.equal(d.tokenEndpoint, `${base}/moved/token`);
    assert.equal(d.tokenEndpointUnusable?.requirement, 'REQ-DISC-11');
    assert.match(d.tokenEndpointUnusable!.reason, /^blocked: the token_endpoint the discovery document names \(.*\/moved\/token\) answers a token request with HTTP 404/);
    assert.equal((await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }))).description.tokenEndpointUnusable, undefined);
  });

  test('a token endpoint named in the profile that answers 404 is a usage error on idp.tokenEndpoint', async () => {
    const error = await startFails(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration`, tokenEndpoint: `${base}/moved/token` }));
    assert.match(error.message, /idp\.tokenEndpoint/);
    assert.match(error.message, /gave HTTP 404/);
  });

  test('load not enabled -> caps of 0: load scenarios may send nothing', async () => {
    const d = (await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }))).description;
    assert.equal(d.limits.maxRequestsPerSecond, 0);
    assert.equal(d.limits.maxRequestsPerRun, 0);
  });

  test('explicit endpoints win over discovery', async () => {
    const d = (
      await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration`, issuer: 'https://documented.issuer', jwksUri: `${base}/other/jwks` }))
    ).description;
    assert.equal(d.issuer, 'https://documented.issuer');
    assert.equal(d.jwksUri, `${base}/other/jwks`);
    assert.equal(d.tokenEndpoint, `${base}/good/token`);
  });

  test('unreachable discovery URL', async () => {
    const e = await startFails(profile({ discoveryUrl: `http://127.0.0.1:${closedPort}/.well-known/openid-configuration` }));
    assert.equal(e.field, 'idp.discoveryUrl');
    assert.match(e.message, /idp\.discoveryUrl: expected a reachable discovery document; .* gave no HTTP answer \(ECONNREFUSED\)/);
  });

  test('discovery that is not JSON', async () => {
    const e = await startFails(profile({ discoveryUrl: `${base}/html/.well-known/openid-configuration` }));
    assert.match(e.message, /idp\.discoveryUrl: expected a JSON object \(RFC 8414 §3\.2\); .* gave text\/html, body starting "<!doctype html>/);
  });

  test('discovery that is not there', async () => {
    assert.match((await startFails(profile({ discoveryUrl: `${base}/404/.well-known/openid-configuration` }))).message, /expected HTTP 200 .* gave HTTP 404/);
  });

  test('discovery with a wrongly typed member', async () => {
    assert.match((await startFails(profile({ discoveryUrl: `${base}/bad-type/.well-known/openid-configuration` }))).message, /expected "issuer" to be a string/);
  });

  test('discovery naming an endpoint that is not a URL', async () => {
    assert.match((await startFails(profile({ discoveryUrl: `${base}/relative/.well-known/openid-configuration` }))).message, /expected "token_endpoint" to be an http\(s\) URL in the discovery document; got "\/token"/);
  });

  test('discovery without jwks_uri and no jwksUri in the profile: an error only where the profile claims JWT access tokens', async () => {
    const e = await startFails(profile({ discoveryUrl: `${base}/no-jwks/.well-known/openid-configuration` }, { capabilities: { 'jwt-access-tokens': true } }));
    assert.equal(e.field, 'idp.jwksUri');
    // Opaque tokens: no JWK Set is no mistake in the profile (README "Target profiles", idp.jwksUri).
    const described = (await start(profile({ discoveryUrl: `${base}/no-jwks/.well-known/openid-configuration` }))).description;
    assert.equal(described.jwksUri, undefined);
  });

  test('unreachable token endpoint', async () => {
    const e = await startFails(profile({ issuer: 'https://i', tokenEndpoint: `http://127.0.0.1:${closedPort}/token`, jwksUri: `${base}/jwks` }));
    assert.equal(e.field, 'idp.tokenEndpoint');
    assert.match(e.message, /expected a reachable URL; http:\/\/127\.0\.0\.1:\d+\/token gave no HTTP answer \(ECONNREFUSED\)/);
  });

  test('unreachable gateway', async () => {
    const file = profile({ issuer: 'https://i', tokenEndpoint: `${base}/good/token`, jwksUri: `${base}/jwks` });
    writeFileSync(file, (await import('node:fs')).readFileSync(file, 'utf8').replace(`${base}/gw/`, `http://127.0.0.1:${closedPort}`));
    assert.equal((await startFails(file)).field, 'gateway.baseUrl');
  });
});

describe('capabilities the profile does not claim', () => {
  const bound = requirements().filter((r) => r.capability !== undefined);

  test('a requirement bound to an unclaimed capability is not applicable, with the remedy', async () => {
    assert.ok(bound.length > 0, 'the catalogue has capability-bound requirements');
    const d = (await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }))).description;
    for (const r of bound) {
      const verdict = applicability(d, [`@${r.id}`]);
      assert.equal(verdict.kind, 'not-applicable', r.id);
      // jwks-control follows from the profile's jwksRelay entry: its remedy names the entry, not a claim to set.
      const remedy = r.capability === 'jwks-control' ? /jwksRelay: \{ listen, gatewayUrl \}/ : new RegExp(`capabilities\\.${r.capability}: true`);
      if (verdict.kind === 'not-applicable') assert.match(verdict.record.remedy ?? '', remedy);
    }
  });

  test('claimed -> applicable; a capability claimed false counts as unclaimed', async () => {
    const r = bound[0]!;
    const claimed = (await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }, { capabilities: { [r.capability!]: true } }))).description;
    assert.equal(applicability(claimed, [`@${r.id}`]).kind, 'applicable');
    const denied = (await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }, { capabilities: { [r.capability!]: false } }))).description;
    assert.equal(applicability(denied, [`@${r.id}`]).kind, 'not-applicable');
  });

  test('a scenario needing an unclaimed property of the deployment is not applicable; a missing test aid not testable', async () => {
    const d = (await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }))).description;
    assert.equal(applicability(d, ['@REQ-TOK-01', '@requires-human-login']).kind, 'not-applicable');
    assert.equal(applicability(d, ['@REQ-TOK-01', '@requires-test-token-signer']).kind, 'not-testable');
  });

  // Issue 19: a token's claims are readable from a JWT or through introspection
  test('@requires-readable-token-claims: met by jwt-access-tokens or token-introspection, not applicable without both', () => {
    const reference = describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' });
    const claiming = (jwt: boolean, introspection: boolean) => ({ ...reference, capabilities: { ...reference.capabilities, 'jwt-access-tokens': jwt, 'token-introspection': introspection } });
    const tags = ['@REQ-ID-01', '@requires-readable-token-claims'];
    assert.equal(applicability(claiming(true, false), tags).kind, 'applicable');
    assert.equal(applicability(claiming(false, true), tags).kind, 'applicable', 'an opaque-token target that introspects');
    const neither = applicability(claiming(false, false), tags);
    assert.equal(neither.kind, 'not-applicable');
    if (neither.kind === 'not-applicable') assert.match(neither.record.reason, /jwt-access-tokens, token-introspection/);
  });

  test('a second issuer / other-audience client: missing -> not testable, unless the test signer judges the same refusal', () => {
    const reference = describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' });
    const without = (aids: Record<string, boolean>) => ({ ...reference, capabilities: { ...reference.capabilities, ...aids } });
    for (const [tag, profileField] of [['@requires-foreign-issuer', 'foreignIssuer'], ['@requires-other-audience-client', 'clients.otherAudience']] as const) {
      const tags = ['@REQ-BEARER-04', '@REQ-BEARER-05', tag];
      assert.equal(applicability(reference, tags).kind, 'applicable', `the reference gives ${profileField}`);
      const aid = tag.slice('@requires-'.length);
      const neither = applicability(without({ [aid]: false, 'test-token-signer': false }), tags);
      assert.equal(neither.kind, 'not-testable', 'a missing test aid, with nothing standing in for it');
      if (neither.kind === 'not-testable') assert.match(neither.record.remedy ?? '', new RegExp(`${profileField.replace('.', '\\.')}.* or give a test-token signer`));
      // With a signer, REQ-BEARER-04's wrong-iss / wrong-aud refusal is judged by the signer's token: no gap that
      // would mark the requirement "partly judged" for every signer-only target.
      const signerOnly = applicability(without({ [aid]: false }), tags);
      assert.equal(signerOnly.kind, 'not-applicable');
      if (signerOnly.kind === 'not-applicable') {
        assert.match(signerOnly.record.reason, /judged with the test-token signer's token instead/);
        assert.match(signerOnly.record.remedy ?? '', new RegExp(profileField.replace('.', '\\.')));
      }
    }
  });

  // Issue 22: deletes, front-end system user, rotation ownership
  test('self-service rotation and a disposable record: not applicable where the profile names none, applicable on the reference', () => {
    const reference = describeReferenceTarget({ idp: 'http://127.0.0.1:1', issuer: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2', component: '' });
    assert.equal(reference.selfServiceRotation?.owner, 'alice');
    const without = { ...reference, capabilities: { ...reference.capabilities, 'self-service-rotation': false, 'customer-deletes': false } };
    for (const tags of [['@REQ-ROT-04', '@requires-human-login'], ['@REQ-ID-15', '@requires-human-login', '@requires-customer-scoping']]) {
      assert.equal(applicability(reference, tags).kind, 'applicable', tags[0]);
      const missing = applicability(without, tags);
      assert.equal(missing.kind, 'not-applicable', tags[0]);
      if (missing.kind === 'not-applicable') assert.match(missing.record.reason, /does not claim (self-service-rotation|customer-deletes)/);
    }
  });

  test('requirements without a capability always apply', async () => {
    const d = (await start(profile({ discoveryUrl: `${base}/good/.well-known/openid-configuration` }))).description;
    assert.equal(applicability(d, ['@REQ-TOK-01']).kind, 'applicable');
  });
});

describe('--target picks the provider', () => {
  test('names and profile files', () => {
    assert.ok(targetProvider('reference') instanceof ReferenceTargetProvider);
    assert.ok(targetProvider('containers') instanceof ContainersTargetProvider);
    assert.ok(targetProvider('fixtures/targets/example.yaml') instanceof ExternalTargetProvider);
    assert.throws(() => targetProvider('nope'), UsageError);
  });
});

describe('containers: choices made before any container starts', () => {
  const linux = { operatingSystem: 'Debian GNU/Linux 12 (bookworm)', operatingSystemType: 'linux' };
  test('host network only where the engine shares this machine\'s kernel; the variable decides otherwise', (t) => {
    if (process.platform !== 'linux') return t.skip('host networking is chosen on Linux only');
    assert.equal(networkMode(linux, {}), 'host');
    assert.equal(networkMode(linux, { DOCKER_HOST: 'unix:///run/dockerd/docker.sock' }), 'host');
    assert.equal(networkMode(linux, { DOCKER_HOST: 'tcp://build-box:2375' }), 'bridge', 'a remote engine cannot share our loopback');
    assert.equal(networkMode({ operatingSystem: 'Docker Desktop', operatingSystemType: 'linux' }, {}), 'bridge');
    assert.equal(networkMode(linux, { AUTH_CTK_CONTAINER_NETWORK: 'bridge' }), 'bridge');
    assert.throws(() => networkMode(linux, { AUTH_CTK_CONTAINER_NETWORK: 'overlay' }), UsageError);
  });

  test('the three services share one image, built once', () => {
    assert.deepEqual(servicesToBuild(), ['idp']);
  });
});
