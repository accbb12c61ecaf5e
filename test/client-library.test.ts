/**
 * The reference client library (client/) on its own, against tiny in-process servers: single flight,
 * renewal at ~85% of expires_in, one re-authentication on 401 invalid_token shared by concurrent requests,
 * the token kept from other origins, Retry-After at the API, the fallback cache, and the small parsers.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Agent, request } from 'undici';
import { clientCredentials, bearerError, ApiUnavailableError } from '../client/interceptor.ts';
import { TokenSource, TokenUnavailableError, retryAfterMs, basicCredentials } from '../client/token-source.ts';
import { FallbackCache, HttpStatusError, isUnavailable } from '../client/cache.ts';

const servers: Server[] = [];
after(() => servers.forEach((s) => s.closeAllConnections?.() ?? s.close()));

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** A token endpoint issuing tok1, tok2, ... with the given expires_in; records arrival times. */
async function tokenEndpoint(expiresIn: number) {
  const arrivals: number[] = [];
  const url = await serve((_req, res) => {
    arrivals.push(performance.now());
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ access_token: `tok${arrivals.length}`, token_type: 'Bearer', expires_in: expiresIn }));
  });
  return { url: `${url}/token`, arrivals };
}

const credentials = { clientId: 'lib-test', clientSecret: 'lib-test-secret' };

test('concurrent callers share one token request, and the token is renewed at ~85% of expires_in', async () => {
  const idp = await tokenEndpoint(1);
  const tokens = new TokenSource({ tokenUrl: idp.url, ...credentials });
  const got = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
  assert.deepEqual(new Set(got), new Set(['tok1']));
  assert.equal(idp.arrivals.length, 1);
  // Keep using it, as a busy client does; renewal is due at 850 ms (tolerance for a loaded machine).
  const deadline = performance.now() + 2_000;
  while (idp.arrivals.length < 2 && performance.now() < deadline) {
    await tokens.getToken();
    await new Promise((r) => setTimeout(r, 20));
  }
  const elapsed = idp.arrivals[1]! - idp.arrivals[0]!;
  assert.ok(elapsed >= 780 && elapsed <= 1_200, `renewal ${Math.round(elapsed)} ms after the first token (expected ~850)`);
  assert.equal(await tokens.getToken(), 'tok2');
  await tokens.close();
});

test('401 invalid_token: one new token for all concurrent requests, each retried once; other origins get no token', async () => {
  const idp = await tokenEndpoint(300);
  const seen: (string | undefined)[] = [];
  const api = await serve((req, res) => {
    seen.push(req.headers.authorization);
    if (req.headers.authorization === 'Bearer tok1') {
      res.writeHead(401, { 'www-authenticate': 'Bearer realm="t", error="invalid_token"' });
      res.end();
    } else {
      res.writeHead(200);
      res.end('ok');
    }
  });
  const other: (string | undefined)[] = [];
  const elsewhere = await serve((req, res) => {
    other.push(req.headers.authorization);
    res.end('elsewhere');
  });
  const agent = new Agent();
  const dispatcher = agent.compose(clientCredentials({ tokenUrl: idp.url, ...credentials, apiOrigins: [api] }));
  const statuses = await Promise.all(Array.from({ length: 5 }, () => request(`${api}/items`, { dispatcher }).then(async (r) => (await r.body.text(), r.statusCode))));
  assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
  assert.equal(idp.arrivals.length, 2, 'one token, then exactly one re-authentication');
  assert.deepEqual(seen.filter((a) => a === 'Bearer tok1').length, 5, 'all five were sent with the first token');
  assert.deepEqual(seen.filter((a) => a === 'Bearer tok2').length, 5, 'each was retried once, with the one new token');
  await request(`${elsewhere}/x`, { dispatcher }).then((r) => r.body.text());
  assert.deepEqual(other, [undefined]);
  await agent.close();
});

test('a second 401 invalid_token reaches the caller: no loop', async () => {
  const idp = await tokenEndpoint(300);
  const api = await serve((_req, res) => {
    res.writeHead(401, { 'www-authenticate': 'Bearer error="invalid_token"' });
    res.end();
  });
  const agent = new Agent();
  const dispatcher = agent.compose(clientCredentials({ tokenUrl: idp.url, ...credentials, apiOrigins: [api] }));
  const res = await request(`${api}/items`, { dispatcher });
  await res.body.text();
  assert.equal(res.statusCode, 401);
  assert.equal(idp.arrivals.length, 2);
  await agent.close();
});

test('429 with Retry-After from the API: the GET is retried after the wait, not before', async () => {
  const idp = await tokenEndpoint(300);
  const arrivals: number[] = [];
  const api = await serve((_req, res) => {
    arrivals.push(performance.now());
    res.writeHead(arrivals.length === 1 ? 429 : 200, arrivals.length === 1 ? { 'retry-after': '1' } : {});
    res.end();
  });
  const agent = new Agent();
  const dispatcher = agent.compose(clientCredentials({ tokenUrl: idp.url, ...credentials, apiOrigins: [api] }));
  const res = await request(`${api}/items`, { dispatcher });
  await res.body.text();
  assert.equal(res.statusCode, 200);
  assert.ok(arrivals[1]! - arrivals[0]! >= 990, `retried after ${Math.round(arrivals[1]! - arrivals[0]!)} ms`);
  await agent.close();
});

test('no token to be had: TokenUnavailableError, and the fallback cache serves; a refusal is not hidden', async () => {
  const tokens = new TokenSource({ tokenUrl: 'http://127.0.0.1:9/token', ...credentials });
  await assert.rejects(tokens.getToken(), TokenUnavailableError);
  const cache = new FallbackCache(['shipped default']);
  const served = await cache.load(() => tokens.getToken().then((t) => [t]));
  assert.deepEqual([served.source, served.value], ['cache', ['shipped default']]);
  await assert.rejects(cache.load(() => Promise.reject(new HttpStatusError(403))), HttpStatusError);
  assert.deepEqual(await cache.load(async () => ['fresh']), { value: ['fresh'], source: 'api' });
  assert.deepEqual((await cache.load(() => Promise.reject(new HttpStatusError(503)))).value, ['fresh']);
  await tokens.close();
});

test('an API that resets connections: requests fail fast with ApiUnavailableError during the back-off, then try again', async () => {
  const idp = await tokenEndpoint(300);
  let resetting = true;
  let connections = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200);
      res.end('{}');
    });
  });
  server.on('connection', (socket) => {
    connections += 1;
    if (resetting) socket.resetAndDestroy();
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const agent = new Agent();
  const dispatcher = agent.compose(clientCredentials({ tokenUrl: idp.url, ...credentials, apiOrigins: [api], unreachableBackoff: { initialMs: 300, maxMs: 300 } }));
  const first = await request(`${api}/items`, { dispatcher }).catch((e: unknown) => e);
  assert.ok(isUnavailable(first), `a reset is "unavailable" (the cache serves): ${String(first)}`);
  const during = await request(`${api}/items`, { dispatcher }).catch((e: unknown) => e);
  assert.ok(during instanceof ApiUnavailableError, `within the back-off: ApiUnavailableError, got ${String(during)}`);
  assert.equal(connections, 1, 'no connection attempt during the back-off');
  resetting = false;
  await new Promise((r) => setTimeout(r, 400));
  const res = await request(`${api}/items`, { dispatcher });
  await res.body.text();
  assert.equal(res.statusCode, 200);
  await agent.close();
});

test('invalid_client: no second token request during the pause, however often the caller asks', async () => {
  let arrivals = 0;
  const url = await serve((_req, res) => {
    arrivals += 1;
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: 'invalid_client' }));
  });
  const tokens = new TokenSource({ tokenUrl: `${url}/token`, ...credentials });
  for (let i = 0; i < 5; i += 1) await assert.rejects(tokens.getToken(), TokenUnavailableError);
  assert.equal(arrivals, 1);
  await tokens.close();
});

test('parsers: Bearer error codes, Retry-After, RFC 6749 §2.3.1 Basic encoding', () => {
  assert.equal(bearerError('Bearer realm="x", error="invalid_token"'), 'invalid_token');
  assert.equal(bearerError(['Basic realm="x"', 'Bearer error=insufficient_scope, scope="a"']), 'insufficient_scope');
  assert.equal(bearerError('Bearer realm="x"'), undefined);
  assert.equal(retryAfterMs('2'), 2_000);
  assert.equal(retryAfterMs(new Date(Date.now() + 5_000).toUTCString(), Date.now()) !== undefined, true);
  assert.equal(retryAfterMs('soon'), undefined);
  assert.equal(basicCredentials('a b', 'p:w%'), `Basic ${Buffer.from('a+b:p%3Aw%25').toString('base64')}`);
});
