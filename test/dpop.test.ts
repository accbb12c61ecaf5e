/** The kit's DPoP proofs (support/dpop/proof.ts) and its reading of DPoP challenges (issue 19, RFC 9449). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, EmbeddedJWK, jwtVerify } from 'jose';
import { accessTokenHash, dpopProof, newDpopKey } from '../support/dpop/proof.ts';
import { hasDpopChallenge } from '../support/dpop/judges.ts';

const HTU = 'https://api.example.test/v1/catalog?x=1#f';

test('a valid proof: dpop+jwt, signed by the public key it carries, htm/htu (no query, no fragment)/iat/jti/ath', async () => {
  const key = await newDpopKey();
  const { jwt, jti } = await dpopProof(key, { htm: 'GET', htu: HTU, accessToken: 'token-value' });
  const { payload, protectedHeader } = await jwtVerify(jwt, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256'] });
  assert.equal((protectedHeader.jwk as Record<string, unknown>).d, undefined, 'no private key in the header');
  assert.equal(await calculateJwkThumbprint(protectedHeader.jwk!), key.thumbprint);
  assert.deepEqual({ htm: payload.htm, htu: payload.htu, jti: payload.jti, ath: payload.ath }, { htm: 'GET', htu: 'https://api.example.test/v1/catalog', jti, ath: accessTokenHash('token-value') });
  assert.ok(Math.abs(Number(payload.iat) - Date.now() / 1000) < 5);
});

test('each spoiled proof differs from a valid one in exactly what it names', async () => {
  const key = await newDpopKey();
  const claims = { htm: 'GET', htu: HTU, accessToken: 'token-value' };
  const of = async (defect: Parameters<typeof dpopProof>[2]) => (await dpopProof(key, claims, defect)).jwt;
  assert.equal(decodeJwt(await of('wrong-htm')).htm, 'DELETE');
  assert.notEqual(decodeJwt(await of('wrong-htu')).htu, 'https://api.example.test/v1/catalog');
  assert.ok(Number(decodeJwt(await of('stale-iat')).iat) < Date.now() / 1000 - 3000);
  assert.equal(decodeProtectedHeader(await of('alg-none')).alg, 'none');
  assert.equal(decodeProtectedHeader(await of('symmetric-alg')).alg, 'HS256');
  await assert.rejects(jwtVerify(await of('bad-signature'), EmbeddedJWK));
  assert.equal(decodeProtectedHeader(await of('wrong-typ')).typ, 'JWT');
  assert.equal(typeof (decodeProtectedHeader(await of('private-key-in-jwk')).jwk as Record<string, unknown>).d, 'string');
  assert.equal(decodeJwt(await of('no-ath')).ath, undefined);
  assert.notEqual(decodeJwt(await of('other-token-ath')).ath, accessTokenHash('token-value'));
});

test('a DPoP challenge is found among others, never inside a quoted value', () => {
  assert.equal(hasDpopChallenge(['DPoP error="invalid_token", algs="ES256"']), true);
  assert.equal(hasDpopChallenge(['Bearer realm="x", error="invalid_token", DPoP algs="ES256 PS256"']), true);
  assert.equal(hasDpopChallenge(['Bearer realm="x"', 'dpop algs="ES256"']), true);
  assert.equal(hasDpopChallenge(['Bearer realm="x", error_description="bad, DPoP proof"']), false);
  assert.equal(hasDpopChallenge(['Bearer realm="x", error="invalid_token"']), false);
});
