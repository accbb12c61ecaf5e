/**
 * Client assertions for RFC 7523 private_key_jwt (issue 19, support/jwt/client-assertion.ts): the correct one verifies
 * with the client's public key and carries RFC 7523 §3's claims; each defective one has exactly its one defect.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { compactVerify, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, importJWK } from 'jose';
import { assertionClaims, EXPIRED_BY_SECONDS, FOREIGN_AUDIENCE, publicJwkOf, publicKeyPem, signAssertion } from '../support/jwt/client-assertion.ts';
import type { PrivateKeyJwtClient } from '../support/target/target.ts';

const TOKEN_ENDPOINT = 'https://idp.example.test/token';

async function client(alg: 'ES256' | 'RS256'): Promise<PrivateKeyJwtClient> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { clientId: 'ctk-signed-jwt', scopes: ['api:read'], privateJwk: { ...(await exportJWK(privateKey)), kid: 'k1' }, alg, kid: 'k1' };
}

const verifies = async (c: PrivateKeyJwtClient, jws: string): Promise<boolean> => {
  try {
    await compactVerify(jws, await importJWK(publicJwkOf(c.privateJwk) as never, c.alg));
    return true;
  } catch {
    return false;
  }
};

for (const alg of ['ES256', 'RS256'] as const) {
  test(`${alg}: a correct assertion verifies with the registered key and carries iss = sub = client_id, aud, exp ahead, a fresh jti`, async () => {
    const c = await client(alg);
    const now = Math.floor(Date.now() / 1000);
    const jws = await signAssertion(c, assertionClaims(c.clientId, TOKEN_ENDPOINT, 'none', now));
    assert.equal(await verifies(c, jws), true);
    const claims = decodeJwt(jws);
    assert.equal(claims.iss, c.clientId);
    assert.equal(claims.sub, c.clientId);
    assert.equal(claims.aud, TOKEN_ENDPOINT);
    assert.ok(claims.exp! > now);
    assert.deepEqual(decodeProtectedHeader(jws), { alg, typ: 'JWT', kid: 'k1' });
    assert.notEqual(assertionClaims(c.clientId, TOKEN_ENDPOINT).jti, assertionClaims(c.clientId, TOKEN_ENDPOINT).jti);
  });
}

test('the defects: another aud, an exp long past, alg none, HS256 keyed with the public key PEM, a key never registered', async () => {
  const c = await client('ES256');
  const now = Math.floor(Date.now() / 1000);
  const wrongAud = await signAssertion(c, assertionClaims(c.clientId, TOKEN_ENDPOINT, 'wrong-aud'), 'wrong-aud');
  assert.equal(await verifies(c, wrongAud), true, 'only the aud is wrong');
  assert.equal(decodeJwt(wrongAud).aud, FOREIGN_AUDIENCE);

  const expired = await signAssertion(c, assertionClaims(c.clientId, TOKEN_ENDPOINT, 'expired', now), 'expired');
  assert.equal(await verifies(c, expired), true, 'only the exp is wrong');
  assert.equal(decodeJwt(expired).exp, now - EXPIRED_BY_SECONDS);

  const none = await signAssertion(c, assertionClaims(c.clientId, TOKEN_ENDPOINT, 'alg-none'), 'alg-none');
  assert.equal(decodeProtectedHeader(none).alg, 'none');
  assert.ok(none.endsWith('.'), 'an unsecured JWS has an empty signature');

  const hs = await signAssertion(c, assertionClaims(c.clientId, TOKEN_ENDPOINT, 'hs256-public-key'), 'hs256-public-key');
  const [h, p, sig] = hs.split('.');
  assert.equal(decodeProtectedHeader(hs).alg, 'HS256');
  assert.equal(createHmac('sha256', publicKeyPem(c.privateJwk)).update(`${h}.${p}`).digest('base64url'), sig, 'MACed with the public key in PEM form');
  assert.ok(!publicKeyPem(c.privateJwk).includes(String(c.privateJwk.d)), 'the PEM is the public key only');

  const stranger = await signAssertion(c, assertionClaims(c.clientId, TOKEN_ENDPOINT, 'unregistered-key'), 'unregistered-key');
  assert.equal(await verifies(c, stranger), false, 'the registered key does not verify it');
  const header = decodeProtectedHeader(stranger);
  assert.equal(header.kid, 'k1', 'it names the registered kid');
  assert.equal((header.jwk as Record<string, unknown> | undefined)?.d, undefined, 'it brings a public key along, never a private one');
  assert.ok(header.jwk?.x);
});
