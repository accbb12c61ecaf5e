/**
 * The kit's JWKS relay (support/jwks/relay.ts, issue 20): the upstream set plus the kit's published public keys,
 * GETs counted, down and slow on request, an admin API only its token opens, private keys refused, and a stop that
 * never waits for a held (slow) answer.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { JwksRelay, ADMIN_PREFIX } from '../support/jwks/relay.ts';

let upstream: Server;
let upstreamFetches = 0;
let relay: JwksRelay;
const UPSTREAM_KEY = { kty: 'RSA', kid: 'idp-key', n: 'AQAB', e: 'AQAB' };

before(async () => {
  upstream = createServer((_req, res) => {
    upstreamFetches++;
    res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=60' });
    res.end(JSON.stringify({ keys: [UPSTREAM_KEY] }));
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  relay = await JwksRelay.start({ upstream: `http://127.0.0.1:${(upstream.address() as { port: number }).port}/jwks` });
});
after(async () => {
  await relay.stop();
  upstream.close();
});

const admin = async (method: string, path: string, body?: unknown, token = relay.adminToken) => {
  const res = await fetch(`${new URL(relay.url).origin}${ADMIN_PREFIX}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

test('serves the upstream set, fetched again for every request, with its caching advice; counts the GETs', async () => {
  const before = { relay: relay.state().requests, upstream: upstreamFetches };
  for (let i = 0; i < 2; i++) {
    const res = await fetch(relay.url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'max-age=60');
    assert.deepEqual(((await res.json()) as { keys: unknown[] }).keys, [UPSTREAM_KEY]);
  }
  assert.equal(relay.state().requests - before.relay, 2);
  assert.equal(upstreamFetches - before.upstream, 2, 'a rotation at the IdP is seen at once');
  assert.equal((await fetch(`${new URL(relay.url).origin}/other`)).status, 404);
});

test('publishes a public key and removes it again; private members are refused', async () => {
  const key = { kty: 'EC', crv: 'P-256', kid: 'kit-key', x: 'x', y: 'y', alg: 'ES256' };
  assert.equal((await admin('POST', '/keys', { jwk: key })).status, 200);
  assert.deepEqual(((await (await fetch(relay.url)).json()) as { keys: unknown[] }).keys, [UPSTREAM_KEY, key]);
  assert.deepEqual(relay.state().kids, ['kit-key']);
  assert.equal((await admin('DELETE', '/keys/kit-key')).status, 200);
  assert.deepEqual(((await (await fetch(relay.url)).json()) as { keys: unknown[] }).keys, [UPSTREAM_KEY]);
  assert.equal((await admin('DELETE', '/keys/kit-key')).status, 404);
  const refused = await admin('POST', '/keys', { jwk: { ...key, d: 'private' } });
  assert.equal(refused.status, 400);
  assert.match(String(refused.json.error_description), /private members \(d\)/);
  assert.equal((await admin('POST', '/keys', { jwk: { kty: 'EC' } })).status, 400, 'a kid is required');
});

test('the admin API needs its token', async () => {
  assert.equal((await admin('GET', '/state', undefined, 'wrong')).status, 401);
  assert.equal((await admin('POST', '/outage', { outage: 'down' }, 'wrong')).status, 401);
  assert.equal(relay.state().outage, 'none');
  assert.equal((await admin('POST', '/outage', { outage: 'sideways' })).status, 400);
});

test('down answers 503 (counted); slow holds the answer; a stop does not wait for it', async () => {
  const requests = relay.state().requests;
  assert.equal((await admin('POST', '/outage', { outage: 'down' })).json.outage, 'down');
  assert.equal((await fetch(relay.url)).status, 503);
  await admin('POST', '/outage', { outage: 'slow' });
  await assert.rejects(fetch(relay.url, { signal: AbortSignal.timeout(500) }), 'no answer within half a second');
  assert.equal((await admin('GET', '/state')).json.requests, requests + 2);
  const held = fetch(relay.url).then((r) => r.status, () => 'closed');
  await new Promise((resolve) => setTimeout(resolve, 100));
  const other = await JwksRelay.start({ upstream: relay.url });
  const started = Date.now();
  await relay.stop();
  assert.ok(Date.now() - started < 2_000, 'stopped without waiting out the slow answer');
  assert.equal(await held, 'closed');
  relay = other; // stopped by after()
});
