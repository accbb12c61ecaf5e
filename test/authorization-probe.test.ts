/**
 * The authorization endpoint probes (issue 20): reading a first answer right is what the redirect_uri and PKCE
 * verdicts rest on, so the classification and the redirect_uri variants are pinned here without a server.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Exchange } from '../support/http/exchange.ts';
import { classify, goesOnToLogin, isRefusal, pointsAt } from '../support/authorization/probe.ts';
import { REDIRECT_URI_VARIANTS, redirectUriVariant, UnknownVariantError } from '../support/authorization/judges.ts';

const REGISTERED = 'http://127.0.0.1/callback';

function answer(status: number, location?: string): Exchange {
  return {
    request: { method: 'GET', url: 'http://127.0.0.1:9400/auth?client_id=x' },
    response: { status, headers: location ? { location } : {}, rawHeaders: [], body: '' },
    startedAt: 0,
    durationMs: 1,
  };
}

describe('pointsAt: a Location delivers to a redirect URI', () => {
  test('same origin and path, with response parameters added', () => {
    assert.equal(pointsAt(new URL('http://127.0.0.1/callback?code=abc&state=s'), REGISTERED), true);
  });
  test("keeps the URI's own query parameters", () => {
    const extended = 'http://127.0.0.1/callback?ctk-extra=1';
    assert.equal(pointsAt(new URL('http://127.0.0.1/callback?ctk-extra=1&error=invalid_request'), extended), true);
    assert.equal(pointsAt(new URL('http://127.0.0.1/callback?error=invalid_request'), extended), false);
  });
  test('another path or host is not the URI', () => {
    assert.equal(pointsAt(new URL('http://127.0.0.1/callback/ctk-extra?code=a'), REGISTERED), false);
    assert.equal(pointsAt(new URL('https://ctk-attacker.invalid/callback?code=a'), REGISTERED), false);
  });
});

describe('classify: the first answer of the authorization endpoint', () => {
  test('a redirect to the redirect_uri sent, with its error', () => {
    const a = classify(answer(303, 'http://127.0.0.1/callback?error=invalid_request&state=s'), REGISTERED);
    assert.equal(a.kind, 'redirected');
    assert.equal(isRefusal(a), true);
  });
  test("a relative redirect to the IdP's login page goes on to the login", () => {
    const a = classify(answer(302, '/interaction/abc'), REGISTERED);
    assert.deepEqual(a, { kind: 'elsewhere', location: 'http://127.0.0.1:9400/interaction/abc' });
    assert.equal(goesOnToLogin(a), true);
    assert.equal(isRefusal(a), false);
  });
  test('an error page is a refusal, a 200 page is not', () => {
    assert.equal(isRefusal(classify(answer(400), REGISTERED)), true);
    assert.equal(goesOnToLogin(classify(answer(200), REGISTERED)), true);
  });
  test('no answer is neither', () => {
    const a = classify({ request: { method: 'GET', url: 'http://127.0.0.1:1/auth' }, transportError: { code: 'ECONNREFUSED', message: 'refused' }, startedAt: 0, durationMs: 1 }, REGISTERED);
    assert.equal(a.kind, 'no-answer');
    assert.equal(isRefusal(a) || goesOnToLogin(a), false);
  });
});

describe('the redirect_uri variants', () => {
  test('each differs from the registered URI and is not delivered to by a redirect to it', () => {
    for (const variant of Object.keys(REDIRECT_URI_VARIANTS)) {
      for (const registered of [REGISTERED, 'https://shop.example/callback']) {
        const other = redirectUriVariant(registered, variant);
        if (typeof other !== 'string') continue;
        assert.notEqual(other, registered, variant);
        assert.equal(pointsAt(new URL(`${registered}?error=invalid_request`), other), false, `${variant}: ${other}`);
      }
    }
  });
  test('the user-information variant sends the browser to the other host', () => {
    assert.equal(new URL(String(redirectUriVariant(REGISTERED, 'with the registered host as user information'))).hostname, 'ctk-attacker.invalid');
  });
  test('the port is varied only where the clause does not let it vary (a loopback URI may change it)', () => {
    assert.match((redirectUriVariant(REGISTERED, 'on another port') as { exempt: string }).exempt, /RFC 8252 §7\.3/);
    assert.equal(redirectUriVariant('https://shop.example/callback', 'on another port'), 'https://shop.example:444/callback');
    assert.equal(redirectUriVariant('https://shop.example:8443/callback', 'on another port'), 'https://shop.example:8444/callback');
  });
  // oidc-provider matches a web client's loopback URI exactly (only native clients may vary the port): the kit left
  // that row untried for any loopback URI. A client the profile declares a web client gets it tried.
  test('a web client\'s loopback URI (applicationType: web) is tried on another port; a native or undeclared one is not', () => {
    assert.equal(redirectUriVariant('http://127.0.0.1:35999/callback', 'on another port', 'web'), 'http://127.0.0.1:36000/callback');
    assert.match((redirectUriVariant('http://127.0.0.1:35999/callback', 'on another port', 'native') as { exempt: string }).exempt, /RFC 8252 §7\.3/);
    assert.match((redirectUriVariant('http://127.0.0.1:35999/callback', 'on another port') as { exempt: string }).exempt, /applicationType: web/);
  });
  test('an unknown variant names the known ones', () => {
    assert.throws(() => redirectUriVariant(REGISTERED, 'with a typo'), UnknownVariantError);
  });
});
