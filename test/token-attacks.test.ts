/**
 * The kit's own pieces for the gateway token attacks (support/jwt/): the self-signed certificate an x5u URL serves
 * must be one a vulnerable gateway can use (parsed, verified, its key the signer's), and the loopback key source
 * counts who fetched what. A certificate no library can read would make the x5u row unable to fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { CompactSign, compactVerify, importX509 } from 'jose';
import { selfSignedCertificatePem } from '../support/jwt/self-signed-cert.ts';
import { serveKeySource } from '../support/jwt/key-source-server.ts';

test('the self-signed certificate parses, verifies with its own key and carries that key (jose imports it for RS256)', async () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = selfSignedCertificatePem(keys, 'auth-ctk x5u probe');
  const certificate = new X509Certificate(pem);
  assert.equal(certificate.subject, 'CN=auth-ctk x5u probe');
  assert.equal(certificate.issuer, certificate.subject, 'self-signed');
  assert.ok(certificate.verify(keys.publicKey), 'signed with its own key');
  assert.ok(certificate.publicKey.equals(keys.publicKey));
  assert.ok(new Date(certificate.validFrom) <= new Date() && new Date() < new Date(certificate.validTo), 'valid now');
  const token = await new CompactSign(new TextEncoder().encode('{"sub":"x"}')).setProtectedHeader({ alg: 'RS256' }).sign(keys.privateKey);
  await compactVerify(token, await importX509(pem, 'RS256'));
});

test('two certificates differ in their serial number', () => {
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const serial = () => new X509Certificate(selfSignedCertificatePem(keys, 'a')).serialNumber;
  assert.notEqual(serial(), serial());
});

test('the key source serves each document at its own loopback path and counts its fetches', async () => {
  const jwks = await serveKeySource('jwks.json', '{"keys":[]}', 'application/jwk-set+json');
  const other = await serveKeySource('chain.pem', 'PEM', 'application/pem-certificate-chain');
  assert.match(jwks.url, /^http:\/\/127\.0\.0\.1:\d+\/ctk-key-source\/[0-9a-f]{16}\/jwks\.json$/);
  assert.equal(jwks.fetches(), 0);
  const answer = await fetch(jwks.url);
  assert.equal(answer.headers.get('content-type'), 'application/jwk-set+json');
  assert.equal(await answer.text(), '{"keys":[]}');
  assert.equal(jwks.fetches(), 1);
  assert.equal(other.fetches(), 0, 'counted per document');
  assert.equal((await fetch(`${new URL(jwks.url).origin}/ctk-key-source/unknown/jwks.json`)).status, 404);
});
