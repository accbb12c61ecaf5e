/**
 * The reference component on its own: it trusts the gateway's identity header and nothing else, and scopes
 * customer data by who asks (seed 003: a system user sees every customer, a human only its own; seed 004: an
 * anonymous identity only public data). Also: both entry points start as child processes and announce
 * readiness the way reference/stack.ts expects.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { loadReferenceFixtures } from '../reference/fixtures.ts';
import { createComponentServer } from '../reference/component/server.ts';
import { COMPONENT_FAULTS } from '../reference/component/faults.ts';
import { anonymousIdentity, encodeIdentity, GATEWAY_PROOF_HEADER, IDENTITY_HEADER, type ForwardedIdentity } from '../reference/gateway/identity.ts';

const fixtures = loadReferenceFixtures();
const routes = fixtures.routes;
const ALICE = fixtures.users[0]!.customerId;
const BOB = fixtures.users[1]!.customerId;
const ordersOf = (customerId: string) => routes.customerData!.replace('{customerId}', encodeURIComponent(customerId));

const SYSTEM: ForwardedIdentity = { kind: 'system', sub: 'ctk-system', client_id: 'ctk-system', customer_id: null, scopes: ['orders:read'], roles: [], iss: 'https://idp.invalid', authentication: 'token' };
const human = (customerId: string): ForwardedIdentity => ({ ...SYSTEM, kind: 'human', sub: customerId, client_id: 'ctk-web', customer_id: customerId });

const servers: Server[] = [];
async function startComponent(faults: string[] = [], gatewaySecret?: string): Promise<string> {
  const server = createComponentServer({ routes, users: fixtures.users, faults: new Set(faults), ...(gatewaySecret ? { gatewaySecret } : {}) });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function get(base: string, path: string, identity?: ForwardedIdentity | string, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra };
  if (identity !== undefined) headers[IDENTITY_HEADER] = typeof identity === 'string' ? identity : encodeIdentity(identity);
  const res = await fetch(new URL(path, base), { headers });
  return { status: res.status, json: (await res.json()) as any };
}

let component: string;
before(async () => {
  component = await startComponent();
});
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('component: customer scoping (seed 003)', () => {
  test('a system identity sees every customer', async () => {
    for (const customer of [ALICE, BOB]) {
      const reply = await get(component, ordersOf(customer), SYSTEM);
      assert.equal(reply.status, 200);
      assert.equal(reply.json.customerId, customer);
      assert.ok(reply.json.orders.length > 0);
    }
  });

  test('the two customers have different orders', async () => {
    const alice = (await get(component, ordersOf(ALICE), SYSTEM)).json.orders;
    const bob = (await get(component, ordersOf(BOB), SYSTEM)).json.orders;
    assert.notDeepEqual(alice, bob);
  });

  test('a human identity sees its own customer only; another customer is 403 before any lookup', async () => {
    assert.equal((await get(component, ordersOf(ALICE), human(ALICE))).status, 200);
    assert.equal((await get(component, ordersOf(BOB), human(ALICE))).status, 403);
    assert.equal((await get(component, ordersOf('ec-uuid-9999-nobody'), human(ALICE))).status, 403);
    assert.equal((await get(component, ordersOf('ec-uuid-9999-nobody'), SYSTEM)).status, 404);
  });

  test('an anonymous identity gets no customer data', async () => {
    const reply = await get(component, ordersOf(ALICE), anonymousIdentity('failed'));
    assert.equal(reply.status, 403);
    assert.equal(reply.json.error, 'forbidden');
  });

  test('no identity header: no customer data', async () => {
    assert.equal((await get(component, ordersOf(ALICE))).status, 403);
  });

  test('a malformed identity header is 400', async () => {
    assert.equal((await get(component, ordersOf(ALICE), 'not-base64-json')).status, 400);
    assert.equal((await get(component, ordersOf(ALICE), Buffer.from('{"kind":"admin"}').toString('base64url'))).status, 400);
  });
});

describe('component: identity echo and catalog', () => {
  test('the echo returns exactly the identity received, and whether an Authorization header came along', async () => {
    assert.deepEqual((await get(component, routes.identityEcho!, human(BOB))).json, { identity: human(BOB), authorizationHeaderReceived: false });
    assert.deepEqual((await get(component, routes.identityEcho!, SYSTEM, { authorization: 'Bearer x' })).json, { identity: SYSTEM, authorizationHeaderReceived: true });
    assert.deepEqual((await get(component, routes.identityEcho!)).json, { identity: null, authorizationHeaderReceived: false });
  });

  test('the public catalog says whom it served and leaves out stock', async () => {
    const reply = await get(component, routes.public, anonymousIdentity('none'));
    assert.equal(reply.status, 200);
    assert.equal(reply.json.servedTo.kind, 'anonymous');
    assert.ok(reply.json.products.length >= 3);
    assert.ok(reply.json.products.every((p: Record<string, unknown>) => !('stock' in p)));
  });
});

describe('component: served through the gateway only (REQ-CANVAS-01, seed 000)', () => {
  test('with a gateway secret, a request without it (or with another) is refused 403, whatever identity it claims', async () => {
    const base = await startComponent([], 'the-gateway-secret');
    for (const extra of [{}, { [GATEWAY_PROOF_HEADER]: 'a-guess' }] as Record<string, string>[]) {
      const reply = await get(base, routes.protected, SYSTEM, extra);
      assert.equal(reply.status, 403);
      assert.equal(reply.json.error, 'not_from_gateway');
      assert.doesNotMatch(JSON.stringify(reply.json), /the-gateway-secret/);
    }
  });

  test('with the gateway secret, the request is served', async () => {
    const base = await startComponent([], 'the-gateway-secret');
    assert.equal((await get(base, routes.identityEcho!, SYSTEM, { [GATEWAY_PROOF_HEADER]: 'the-gateway-secret' })).json.identity?.sub, 'ctk-system');
  });
});

describe('component faults', () => {
  test('every component fault is declared for the component', () => {
    for (const fault of COMPONENT_FAULTS) assert.equal(fault.component, 'component');
    assert.deepEqual(COMPONENT_FAULTS.map((f) => f.name).sort(), ['component-trusts-direct-calls', 'customer-data-refused-to-humans', 'human-deletes-any-customer', 'human-sees-all-customers', 'human-writes-any-customer', 'public-route-500', 'system-denied-customer-data']);
  });

  test('public-route-500: the public catalog answers 500, with or without an identity; the protected route still serves', async () => {
    const base = await startComponent(['public-route-500']);
    assert.equal((await get(base, routes.public, anonymousIdentity('none'))).status, 500);
    assert.equal((await get(base, routes.public, SYSTEM)).status, 500);
    assert.equal((await get(base, routes.protected, SYSTEM)).status, 200);
  });

  test('component-trusts-direct-calls: a call without the gateway secret is served (REQ-CANVAS-01)', async () => {
    const base = await startComponent(['component-trusts-direct-calls'], 'the-gateway-secret');
    assert.equal((await get(base, routes.identityEcho!, SYSTEM)).json.identity?.sub, 'ctk-system');
  });

  test('human-sees-all-customers: a human reads another customer', async () => {
    assert.equal((await get(await startComponent(['human-sees-all-customers']), ordersOf(BOB), human(ALICE))).status, 200);
  });

  test('customer-data-refused-to-humans: a human is refused its own customer too; the system is served', async () => {
    const base = await startComponent(['customer-data-refused-to-humans']);
    assert.equal((await get(base, ordersOf(ALICE), human(ALICE))).status, 403);
    assert.equal((await get(base, ordersOf(BOB), human(ALICE))).status, 403);
    assert.equal((await get(base, ordersOf(BOB), SYSTEM)).status, 200);
  });

  test('system-denied-customer-data: the system user is refused', async () => {
    assert.equal((await get(await startComponent(['system-denied-customer-data']), ordersOf(BOB), SYSTEM)).status, 403);
  });
});

// Issue 22: deletes, front-end system user, rotation ownership
describe('component: a customer\'s disposable record (seed 003 for deletes)', () => {
  const record = routes.customerDelete!;
  const recordOf = (customerId: string) => record.path.replace('{customerId}', encodeURIComponent(customerId)).replace('{recordId}', encodeURIComponent(record.recordId));
  const remove = async (base: string, customerId: string, identity: ForwardedIdentity) =>
    (await fetch(new URL(recordOf(customerId), base), { method: 'DELETE', headers: { [IDENTITY_HEADER]: encodeIdentity(identity) } })).status;

  test('another customer may neither read nor delete it; its owner reads it, and deletes it', async () => {
    const base = await startComponent();
    assert.equal((await get(base, recordOf(BOB), human(ALICE))).status, 403);
    assert.equal(await remove(base, BOB, human(ALICE)), 403);
    assert.equal((await get(base, recordOf(BOB), human(BOB))).status, 200, 'the record stays');
    assert.equal(await remove(base, BOB, human(BOB)), 204);
    assert.equal((await get(base, recordOf(BOB), SYSTEM)).status, 404, 'deleted');
  });

  test('human-deletes-any-customer: another customer deletes it (reads stay scoped)', async () => {
    const base = await startComponent(['human-deletes-any-customer']);
    assert.equal((await get(base, recordOf(BOB), human(ALICE))).status, 403);
    assert.equal(await remove(base, BOB, human(ALICE)), 204);
    assert.equal((await get(base, recordOf(BOB), human(BOB))).status, 404);
  });
});

describe('entry points: started as child processes like reference/stack.ts does', () => {
  function start(name: 'gateway' | 'component', env: Record<string, string>): Promise<{ url: string; stop: () => Promise<void> }> {
    const child = fork(fileURLToPath(new URL(`../reference/${name}/main.ts`, import.meta.url)), [], {
      env: { ...process.env, AUTH_CTK_FAULTS: '', ...env },
      execPath: process.execPath,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const stop = () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready in 10 s: ${stderr}`)), 10_000);
      child.on('message', (m: { type: string; name: string; url: string }) => {
        if (m.type !== 'ready') return;
        clearTimeout(timer);
        assert.equal(m.name, name);
        resolve({ url: m.url, stop });
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}): ${stderr}`));
      });
    });
  }

  test('component and gateway start from the environment, announce ready, and serve through each other', async () => {
    const jwks = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const c = await start('component', { AUTH_CTK_COMPONENT_HOST: '127.0.0.1', AUTH_CTK_COMPONENT_PORT: '0' });
    const g = await start('gateway', {
      AUTH_CTK_GATEWAY_HOST: '127.0.0.1',
      AUTH_CTK_GATEWAY_PORT: '0',
      AUTH_CTK_ISSUER: 'https://idp.invalid',
      AUTH_CTK_JWKS_URI: `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`,
      AUTH_CTK_UPSTREAM: c.url,
    });
    try {
      const publicReply = await fetch(new URL(routes.public, g.url));
      assert.equal(publicReply.status, 200);
      assert.equal(((await publicReply.json()) as any).servedTo.kind, 'anonymous');
      const refused = await fetch(new URL(routes.protected, g.url), { headers: { authorization: 'Bearer abc' } });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get('www-authenticate') ?? '', /^Bearer realm="auth-ctk", error="invalid_token"/);
    } finally {
      await Promise.all([g.stop(), c.stop()]);
      await new Promise((resolve) => jwks.close(resolve));
    }
  });

  test('the gateway refuses to start without its configuration, with the variable named', async () => {
    await assert.rejects(start('gateway', { AUTH_CTK_ISSUER: '', AUTH_CTK_GATEWAY_PORT: '0' }), /AUTH_CTK_ISSUER/);
  });
});
