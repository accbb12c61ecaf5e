/** Probes of the IdP's conformant variations (reference/idp/variations.ts): one per variation, the type says so. */
import assert from 'node:assert/strict';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { IdpVariationName } from '../../../reference/idp/variations.ts';
import { jsonOf, send } from '../../../support/http/exchange.ts';
import { assertionClaims, JWT_BEARER_ASSERTION_TYPE, signAssertion } from '../../../support/jwt/client-assertion.ts';
import type { Probe, ProbeContext } from './context.ts';
import { dpopProof, newDpopKey } from '../../../support/dpop/proof.ts';
import { Agent } from 'undici';
import type { IssuedCertificate } from '../../../support/tls/test-ca.ts';

const scopeOf = (c: ProbeContext) => c.fx.clients.system!.scopes[0]!;
const issued = async (c: ProbeContext) => {
  const served = await c.tokenRequest({ scope: scopeOf(c) });
  assert.equal(served.response?.status, 200, served.response?.body);
  return jsonOf(served) as Record<string, unknown>;
};

export const IDP_PROBES: Record<IdpVariationName, Probe> = {
  'scope-required': async (c) => {
    const scopeless = await c.tokenRequest({});
    assert.equal(scopeless.response?.status, 400);
    assert.equal(jsonOf(scopeless)?.error, 'invalid_scope');
    assert.equal(jsonOf(await c.tokenRequest({}, { secret: 'wrong' }))?.error, 'invalid_client', 'client authentication is judged first');
    await issued(c);
  },
  'lowercase-token-type': async (c) => assert.equal((await issued(c)).token_type, 'bearer'),
  'token-response-extras': async (c) => assert.equal((await issued(c))['not-before-policy'], 0),
  'nbf-claim': async (c) => {
    const claims = decodeJwt(String((await issued(c)).access_token));
    assert.equal(claims.nbf, claims.iat);
  },
  'aud-array': async (c) => {
    const claims = decodeJwt(String((await issued(c)).access_token));
    assert.ok(Array.isArray(claims.aud) && claims.aud.length === 2);
  },
  'typ-application-at-jwt': async (c) => assert.equal(decodeProtectedHeader(String((await issued(c)).access_token)).typ, 'application/at+jwt'),
  'scope-reordered': async (c) => {
    const two = c.fx.clients.system!.scopes.slice(0, 2);
    const body = jsonOf(await c.tokenRequest({ scope: two.join(' ') })) as { scope: string };
    assert.equal(body.scope, [...two].reverse().join(' '));
  },
  'jwks-minimal-members': async (c) => {
    const jwks = jsonOf(await c.get(`${c.urls.idp}/jwks`)) as { keys: { alg?: string; use?: string }[] };
    assert.ok(jwks.keys.every((k) => k.alg === undefined && k.use === undefined));
  },
  'jwks-extra-keys': async (c) => {
    const jwks = jsonOf(await c.get(`${c.urls.idp}/jwks`)) as { keys: { kty: string }[] };
    assert.ok(jwks.keys.some((k) => k.kty === 'EC') && jwks.keys.some((k) => k.kty === 'RSA'));
  },
  'fractional-numeric-dates': async (c) => {
    const claims = decodeJwt(String((await issued(c)).access_token));
    // 1 in 1000 tokens is issued on a whole second: ask again rather than fail.
    const { iat, exp } = Number.isInteger(claims.iat) ? decodeJwt(String((await issued(c)).access_token)) : claims;
    assert.ok(!Number.isInteger(iat) && !Number.isInteger(exp), `iat ${iat}, exp ${exp}`);
  },
  'extra-access-token-claims': async (c) => {
    const claims = decodeJwt(String((await issued(c)).access_token));
    assert.ok(Array.isArray(claims.scp) && claims.azp === claims.client_id && Array.isArray(claims.roles));
    assert.match(String(claims.jti), /^[0-9a-f]{8}-[0-9a-f]{4}-/);
  },
  'token-error-members': async (c) => {
    const body = jsonOf(await c.tokenRequest({ scope: scopeOf(c) }, { secret: 'wrong' }));
    assert.equal(body?.error, 'invalid_client');
    assert.ok(typeof body?.error_uri === 'string' && typeof body?.error_description === 'string');
    assert.match(body.error_description, /`invalid_client` \('see error_uri'\) \[#5\.2\] ~ .*!$/);
  },
  'basic-challenge-charset': async (c) => {
    const refused = await c.tokenRequest({ scope: scopeOf(c) }, { secret: 'wrong' });
    assert.match(String(refused.response?.headers['www-authenticate']), /^Basic realm="[^"]*",.*\bcharset="UTF-8"$/);
  },
  'metadata-extras': async (c) => {
    const doc = jsonOf(await c.get(`${c.urls.idp}/.well-known/openid-configuration`)) as Record<string, string[]>;
    assert.ok(doc.token_endpoint_auth_methods_supported!.includes('private_key_jwt') && doc.grant_types_supported!.includes('urn:ietf:params:oauth:grant-type:device_code'));
    assert.ok('x_vendor_build' in doc);
  },
  'metadata-jwks-uri-elsewhere': async (c) => {
    const uri = String((jsonOf(await c.get(`${c.urls.idp}/.well-known/openid-configuration`)) as Record<string, unknown>).jwks_uri);
    assert.match(uri, /\/jwks-mirror$/);
    assert.deepEqual(jsonOf(await c.get(uri)), jsonOf(await c.get(`${c.urls.idp}/jwks`)));
  },
  'scope-omitted-as-requested': async (c) => {
    const body = await issued(c);
    assert.equal(body.scope, undefined, 'granted as requested: no scope member');
    assert.equal(decodeJwt(String(body.access_token)).scope, scopeOf(c), 'the token holds the requested scope');
  },
  'invalid-client-400-for-body-auth': async (c) => {
    const bodyAuth = await c.tokenRequest({ scope: scopeOf(c) }, { basic: false, secret: 'wrong' });
    assert.equal(bodyAuth.response?.status, 400);
    assert.equal(bodyAuth.response?.headers['www-authenticate'], undefined);
    assert.equal((await c.tokenRequest({ scope: scopeOf(c) }, { secret: 'wrong' })).response?.status, 401, 'HTTP Basic still gets 401');
  },
  'retry-after-http-date': async (c) => {
    // A burst of limit + 10 from one address meets 429s whose Retry-After is a date.
    const burst = await Promise.all(Array.from({ length: c.fx.limits.tokenRequestsPerSecond + 10 }, () => c.tokenRequest({ scope: scopeOf(c) }, { from: '127.0.0.61' })));
    const limited = burst.filter((e) => e.response?.status === 429);
    assert.ok(limited.length > 0, 'the burst met the limit');
    for (const e of limited) {
      const value = String(e.response?.headers['retry-after']);
      assert.ok(!/^\d+$/.test(value) && !Number.isNaN(Date.parse(value)), value);
    }
  },
  // The windows differ only in when a refused request would be served; on loopback that cannot be timed reliably,
  // so the limiter's own behaviour is shown with a fake clock (variations.test.ts) and the IdP's switch for it
  // by the "branch in its server" test. Here: the limit holds at all.
  'sliding-window-rate-limit': async (c) => {
    const burst = await Promise.all(Array.from({ length: c.fx.limits.tokenRequestsPerSecond + 5 }, () => c.tokenRequest({ scope: scopeOf(c) }, { from: '127.0.0.63' })));
    assert.ok(burst.filter((e) => e.response?.status === 200).length <= c.fx.limits.tokenRequestsPerSecond);
  },
  // Issue 19: an assertion for the token endpoint is refused, one for the issuer accepted.
  'assertion-aud-issuer-only': async (c) => {
    const client = c.fx.privateKeyJwtClient!;
    const signer = { clientId: client.clientId, scopes: client.scopes, privateJwk: client.privateJwk, alg: client.alg, kid: String(client.privateJwk.kid) };
    const withAud = async (aud: string) => {
      const form = new URLSearchParams({ grant_type: 'client_credentials', scope: client.scopes.join(' '), client_assertion_type: JWT_BEARER_ASSERTION_TYPE });
      form.set('client_assertion', await signAssertion(signer, assertionClaims(client.clientId, aud)));
      return send({ method: 'POST', url: `${c.urls.idp}/token`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), timeoutMs: 5_000 });
    };
    assert.equal(jsonOf(await withAud(`${c.urls.idp}/token`))?.error, 'invalid_client', 'the token endpoint URL is refused as aud');
    const byIssuer = await withAud(c.urls.issuer);
    assert.equal(byIssuer.response?.status, 200, byIssuer.response?.body);
  },
  'blocked-ip-answers-403': async (c) => {
    for (let i = 0; i < c.fx.limits.ipBlock!.failedAttempts; i++) await c.tokenRequest({ scope: scopeOf(c) }, { secret: 'wrong', from: '127.0.0.62' });
    const blocked = await c.tokenRequest({ scope: scopeOf(c) }, { from: '127.0.0.62' });
    assert.equal(blocked.response?.status, 403, blocked.transportError?.code ?? '');
  },
  // Issue 20: an unregistered redirect_uri gets an error page served with 200, never a redirect.
  'authorization-error-page-200': async (c) => {
    const web = c.fx.clients.web!;
    const url = new URL(`${c.urls.idp}/auth`);
    const params = { response_type: 'code', client_id: web.clientId, redirect_uri: 'https://ctk-attacker.invalid/callback', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const page = await c.get(url.toString());
    assert.equal(page.response?.status, 200, page.response?.body);
    assert.match(page.response?.body ?? '', /invalid_redirect_uri/);
  },
  // Two thirds of the limit to the JWKS, then two thirds to the token endpoint, from one address: neither endpoint
  // passes the limit alone, together they do, and one budget refuses the excess.
  'oauth-endpoints-one-budget': async (c) => {
    const from = '127.0.0.64';
    const part = Math.ceil((c.fx.limits.tokenRequestsPerSecond * 2) / 3);
    const keys = await Promise.all(Array.from({ length: part }, () => send({ method: 'GET', url: `${c.urls.idp}/jwks`, sourceAddress: from })));
    assert.ok(keys.every((e) => e.response?.status === 200), 'the JWKS alone stays within the limit');
    const tokens = await Promise.all(Array.from({ length: part }, () => c.tokenRequest({ scope: scopeOf(c) }, { from })));
    assert.ok(tokens.some((e) => e.response?.status === 429), 'the token requests after them pass the one budget');
  },
  // Issue 19: DPoP (RFC 9449 §8)
  'dpop-nonce-required': async (c) => {
    const key = await newDpopKey();
    const htu = `${c.urls.idp}/token`;
    const first = await c.tokenRequest({ scope: scopeOf(c) }, { headers: { dpop: (await dpopProof(key, { htm: 'POST', htu })).jwt } });
    assert.equal(jsonOf(first)?.error, 'use_dpop_nonce');
    const nonce = first.response?.headers['dpop-nonce'];
    assert.ok(nonce, 'a DPoP-Nonce header');
    const second = await c.tokenRequest({ scope: scopeOf(c) }, { headers: { dpop: (await dpopProof(key, { htm: 'POST', htu, nonce })).jwt } });
    assert.equal(String(jsonOf(second)?.token_type).toLowerCase(), 'dpop', second.response?.body);
  },
  // Issue 19: the disabled client is refused with unauthorized_client, the system client still served.
  'disabled-client-unauthorized-client': async (c) => {
    const disabled = c.fx.clients.disabled!;
    const form = new URLSearchParams({ grant_type: 'client_credentials', scope: disabled.scopes.join(' '), client_id: disabled.clientId, client_secret: disabled.clientSecret });
    const refused = await send({ method: 'POST', url: `${c.urls.idp}/token`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), sourceAddress: '127.0.0.65', timeoutMs: 5_000 });
    assert.equal(refused.response?.status, 400, refused.response?.body);
    assert.equal(jsonOf(refused)?.error, 'unauthorized_client');
    await issued(c);
  },
  'https-reference': async (c) => {
    assert.match(c.urls.idp, /^https:/);
    assert.match(c.urls.gateway, /^https:/);
    await issued(c);
    const twin = await send({ method: 'POST', url: `${c.urls.tls!.plainIdp}/token`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials', timeoutMs: 5_000 });
    assert.equal(twin.response?.status, 308, 'the plain-http twin redirects and reads nothing');
    assert.equal(twin.response?.headers.location, `${c.urls.idp}/token`);
  },
  // Issue 19: mutual TLS (RFC 8705 §2.2)
  'mtls-self-signed-client-auth': async (c) => {
    const mtls = c.urls.mtls!;
    const metadata = jsonOf(await c.get(`${c.urls.idp}/.well-known/openid-configuration`));
    assert.ok((metadata?.token_endpoint_auth_methods_supported as string[]).includes('self_signed_tls_client_auth'));
    const tokenWith = async (certificate: IssuedCertificate) => {
      const dispatcher = new Agent({ connect: { ca: mtls.caCertificatePem, cert: certificate.certificatePem, key: certificate.privateKeyPem } });
      try {
        // The declared scope, as every token request of the kit: with every variation on, the IdP requires one.
        const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: mtls.clientId, scope: scopeOf(c) });
        return await send({ method: 'POST', url: `${mtls.idpUrl}/token`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), timeoutMs: 5_000 }, dispatcher);
      } finally {
        await dispatcher.close();
      }
    };
    const ok = await tokenWith(mtls.client);
    assert.equal(ok.response?.status, 200, ok.response?.body);
    assert.equal(jsonOf(await tokenWith(mtls.otherCertificate))?.error, 'invalid_client', 'a certificate not registered is refused');
  },
};
