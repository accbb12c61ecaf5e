/** Probes of the gateway's conformant variations (reference/gateway/variations.ts): one per variation. */
import assert from 'node:assert/strict';
import type { GatewayVariationName } from '../../../reference/gateway/variations.ts';
import { jsonOf, send } from '../../../support/http/exchange.ts';
import { dpopProof, newDpopKey } from '../../../support/dpop/proof.ts';
import type { Probe, ProbeContext } from './context.ts';

const refusedWithGarbage = (c: ProbeContext) => c.get(`${c.urls.gateway}${c.fx.routes.protected}`, { authorization: 'Bearer not-a-token' });

export const GATEWAY_PROBES: Record<GatewayVariationName, Probe> = {
  'challenge-with-extras': async (c) => {
    const refused = await refusedWithGarbage(c);
    assert.equal(refused.response?.status, 401);
    assert.match(String(refused.response?.headers['www-authenticate']), /^Bearer error="invalid_token", error_description="[^"]*", (?:[a-z_]+="[^"]*", )*realm="[^"]*", DPoP /);
  },
  'gateway-empty-error-body': async (c) => {
    const refused = await refusedWithGarbage(c);
    assert.equal(refused.response?.status, 401);
    assert.equal(refused.response?.body.length, 0);
  },
  'challenge-in-separate-fields': async (c) => {
    const refused = await refusedWithGarbage(c);
    const fields = (refused.response?.rawHeaders ?? []).filter(([name]) => name === 'www-authenticate').map(([, value]) => value);
    assert.equal(fields.length, 2, `two WWW-Authenticate fields: ${fields.join(' | ')}`);
    assert.match(fields[0]!, /^Bearer /);
    assert.equal(fields[1], 'Key realm="auth-ctk"');
  },
  'challenge-description-punctuation': async (c) => {
    const refused = await refusedWithGarbage(c);
    assert.match(String(refused.response?.headers['www-authenticate']), /error_description="[^"]*\[status=401; scheme=Bearer, realm=auth-ctk\]"/);
  },
  'query-access-token': async (c) => {
    const token = (JSON.parse((await c.tokenRequest({ scope: c.fx.clients.system!.scopes.join(' ') })).response!.body) as { access_token: string }).access_token;
    const protectedUrl = `${c.urls.gateway}${c.fx.routes.protected}`;
    assert.equal((await c.get(`${protectedUrl}?access_token=${token}`)).response?.status, 200, 'a valid token in the query is served');
    const tampered = `${token.slice(0, -6)}${token.slice(-6, -5) === 'A' ? 'B' : 'A'}${token.slice(-5)}`;
    assert.equal((await c.get(`${protectedUrl}?access_token=${tampered}`)).response?.status, 401, 'a tampered one is refused: it is validated');
  },
  'challenge-resource-metadata': async (c) => {
    const refused = await c.get(`${c.urls.gateway}${c.fx.routes.protected}`);
    assert.equal(refused.response?.status, 401);
    const url = /resource_metadata="([^"]+)"/.exec(String(refused.response?.headers['www-authenticate']))?.[1];
    assert.ok(url?.endsWith('/.well-known/oauth-protected-resource'), `resource_metadata in the challenge without credentials: ${url}`);
    const metadata = await c.get(url!);
    assert.equal(metadata.response?.status, 200);
    assert.ok(Array.isArray((JSON.parse(metadata.response!.body) as { authorization_servers?: unknown }).authorization_servers));
  },
  'gateway-rate-limit': async (c) => {
    // From addresses outside the kit's own list (127.0.0.2..61), so the suite's run is not disturbed.
    const { requestsPerSecond, ipBlock } = c.fx.limits.gateway!;
    const publicUrl = `${c.urls.gateway}${c.fx.routes.public}`;
    const from = (sourceAddress: string, headers: Record<string, string> = {}) => send({ method: 'GET', url: publicUrl, headers, sourceAddress, timeoutMs: 5_000 });
    const burst = await Promise.all(Array.from({ length: requestsPerSecond! + 5 }, () => from('127.0.0.250')));
    const limited = burst.filter((e) => e.response?.status === 429);
    assert.ok(limited.length > 0, `a burst of ${burst.length} from one IP met a 429`);
    assert.match(String(limited[0]!.response?.headers['retry-after']), /^\d+$/);
    const own = await Promise.all(Array.from({ length: requestsPerSecond! + 5 }, () => c.get(publicUrl)));
    assert.ok(own.every((e) => e.response?.status === 200), '127.0.0.1 is allow-listed');
    const protectedUrl = `${c.urls.gateway}${c.fx.routes.protected}`;
    for (let i = 0; i < ipBlock!.failedAttempts; i++) {
      await send({ method: 'GET', url: protectedUrl, headers: { authorization: 'Bearer not-a-token' }, sourceAddress: '127.0.0.251', timeoutMs: 5_000 });
    }
    assert.equal((await from('127.0.0.251')).response?.status, 403, 'blocked after the invalid tokens');
  },
  'body-access-token': async (c) => {
    const { method, path, scope } = c.fx.routes.scoped;
    const token = (JSON.parse((await c.tokenRequest({ scope })).response!.body) as { access_token: string }).access_token;
    const url = `${c.urls.gateway}${path}`;
    const form = (fields: Record<string, string>) =>
      send({ method, url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), timeoutMs: 5_000 });
    // Past the gateway: the component answers (it may refuse a form body, but never with a Bearer challenge).
    const withToken = await form({ access_token: token, name: 'probe' });
    const passed = withToken.response !== undefined && ![401, 403].includes(withToken.response.status) && withToken.response.headers['www-authenticate'] === undefined;
    assert.ok(passed, `token in the body accepted: ${withToken.response?.status} ${withToken.response?.headers['www-authenticate']}`);
    assert.equal((await form({ name: 'probe' })).response?.status, 401, 'without it the same request is refused');
  },
  'gateway-large-headers': async (c) => {
    const refused = await c.get(`${c.urls.gateway}${c.fx.routes.protected}`, { authorization: `Bearer ${'a'.repeat(64 * 1024)}` });
    assert.equal(refused.response?.status, 401, 'a 64 KiB token is taken in and refused as invalid, not with 431');
    assert.match(String(refused.response?.headers['www-authenticate']), /error="invalid_token"/);
  },
  // Issue 19: DPoP (RFC 9449 §9)
  'dpop-nonce-required-at-gateway': async (c) => {
    const key = await newDpopKey();
    const tokenProof = async (nonce?: string) => (await dpopProof(key, { htm: 'POST', htu: `${c.urls.idp}/token`, ...(nonce ? { nonce } : {}) })).jwt;
    const scope = c.fx.clients.system!.scopes.join(' ');
    let issued = await c.tokenRequest({ scope }, { headers: { dpop: await tokenProof() } });
    const idpNonce = issued.response?.headers['dpop-nonce'];
    // With every variation on, the IdP asks for a nonce too (dpop-nonce-required).
    if (jsonOf(issued)?.error === 'use_dpop_nonce' && idpNonce) issued = await c.tokenRequest({ scope }, { headers: { dpop: await tokenProof(idpNonce) } });
    const token = String(jsonOf(issued)?.access_token);
    const htu = `${c.urls.gateway}${c.fx.routes.protected}`;
    const call = async (nonce?: string) =>
      c.get(htu, { authorization: `DPoP ${token}`, dpop: (await dpopProof(key, { htm: 'GET', htu, accessToken: token, ...(nonce ? { nonce } : {}) })).jwt });
    const asked = await call();
    assert.equal(asked.response?.status, 401);
    assert.match(String(asked.response?.headers['www-authenticate']), /^DPoP error="use_dpop_nonce"/);
    const nonce = asked.response?.headers['dpop-nonce'];
    assert.ok(nonce, 'a DPoP-Nonce header');
    assert.equal((await call(nonce)).response?.status, 200, 'served with the nonce');
  },
  // Issue 19: a garbage (non-JWT) token is asked about at the IdP, and refused as inactive rather than malformed.
  'gateway-introspects-opaque-tokens': async (c) => {
    const refused = await refusedWithGarbage(c);
    assert.equal(refused.response?.status, 401);
    assert.match(String(refused.response?.headers['www-authenticate']), /error="invalid_token"/);
    assert.match(String(refused.response?.headers['www-authenticate']) + refused.response?.body, /not active/);
  },
};
