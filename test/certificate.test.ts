/**
 * The signed certificate: sign and verify, one altered byte anywhere fails, a wrong key fails, a certificate
 * of another kit version or feature set fails with a clear message, signed content that contradicts its own
 * verdicts fails; signing-key problems are clear errors; the CLI exits 0/1/2 accordingly.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import { runFixture, KIT } from './report-fixtures/run-fixture.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts } from '../support/report/verdicts.ts';
import { certify } from '../support/report/certification.ts';
import { buildCertificate, serializeCertificate, signCertificate, verifyCertificate, type CertificatePayload } from '../support/report/certificate.ts';
import { renderCertificateHtml } from '../support/report/certificate-html.ts';
import { featureSetHash, kitVersion } from '../support/report/kit.ts';
import { loadSigningKey, loadVerificationKey, SigningKeyError, type SigningKey } from '../support/report/signing-key.ts';
import { publicTarget } from '../support/report/public-target.ts';
import { browserLine, browsersUsed } from '../support/report/browsers-used.ts';
import { MEDIA } from '../support/verdict/media-types.ts';

const dir = mkdtempSync(join(tmpdir(), 'ctk-cert-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let payload: CertificatePayload;
let key: SigningKey;
let bytes: Buffer;
// Hashed once: other work may edit features/ while this runs, and the hash is the kit's at signing time.
const hash = featureSetHash();
const options = () => ({ kitVersion: kitVersion(), featureSetHash: hash });

before(async () => {
  const run = await runFixture(dir);
  const verdicts = computeVerdicts(readMessages(join(run.reportsDir, 'cucumber-messages.ndjson')));
  payload = buildCertificate(verdicts, certify(verdicts), {
    kitVersion: kitVersion(),
    featureSetHash: hash,
    featureFiles: 1,
    target: publicTarget(run.target),
  });
  key = await loadSigningKey(join(dir, 'key.jwk'));
  bytes = Buffer.from(serializeCertificate(await signCertificate(payload, key)));
  writeFileSync(join(dir, 'certificate.json'), bytes);
});

test('a freshly signed certificate verifies, and says it checked integrity only without --key', async () => {
  const r = await verifyCertificate(bytes, options());
  assert.deepEqual(r.problems, []);
  assert.equal(r.ok, true);
  assert.match(r.notes[0]!, /proves the certificate is intact, not who issued it/);
  const pinned = await verifyCertificate(bytes, { ...options(), trustedKey: await loadVerificationKey(join(dir, 'key.jwk')) });
  assert.equal(pinned.ok, true);
  assert.deepEqual(pinned.notes, []);
});

test('one altered byte anywhere in the file makes it invalid', async () => {
  // Every byte of the key fields, of the JWS header and of the signature; evenly spread positions over the
  // readable certificate and over the JWS payload (a copy of it): flipping all ~160 000 bytes would take
  // minutes on a loaded machine. Each flip changes one bit of one byte.
  const text = bytes.toString('latin1');
  const sigStart = text.indexOf('"signature"');
  const jwsStart = text.indexOf('"jws": "', sigStart) + 8;
  const [h, p] = text.slice(jwsStart).split('.') as [string, string];
  const payloadStart = jwsStart + h.length + 1;
  const signatureStart = payloadStart + p.length + 1;
  const positions = new Set<number>();
  const every = (from: number, to: number, step: number) => {
    for (let i = from; i < to; i += step) positions.add(i);
  };
  every(0, sigStart, Math.max(1, Math.floor(sigStart / 300)));
  every(sigStart, payloadStart, 1);
  every(payloadStart, signatureStart, Math.max(1, Math.floor(p.length / 150)));
  every(signatureStart, bytes.length, 1);
  const accepted: number[] = [];
  for (const i of positions) {
    const altered = Buffer.from(bytes);
    altered[i] = altered[i]! ^ 0x01;
    const r = await verifyCertificate(altered, options());
    if (r.ok) accepted.push(i);
  }
  assert.deepEqual(accepted, [], `altered bytes at ${accepted.join(', ')} were accepted`);
  assert.ok(positions.size > 500, `${positions.size} positions checked`);
});

test('changing a verdict is reported as a difference from what was signed', async () => {
  const file = JSON.parse(bytes.toString('utf8'));
  const i = file.certificate.requirements.findIndex((r: { verdict: string }) => r.verdict === 'failed');
  file.certificate.requirements[i].verdict = 'passed';
  const r = await verifyCertificate(Buffer.from(serializeCertificate(file)), options());
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, new RegExp(`the readable certificate differs from what was signed \\(certificate\\.requirements\\[${i}\\]\\.verdict: signed "failed", file says "passed"\\)`));
});

test('reformatting the file is detected (byte-for-byte)', async () => {
  const r = await verifyCertificate(Buffer.from(JSON.stringify(JSON.parse(bytes.toString('utf8')), null, 4)), options());
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, /not byte-for-byte what auth-ctk wrote/);
});

test('a certificate signed with another key fails against the trusted key', async () => {
  const other = await loadSigningKey(join(dir, 'other.jwk'));
  const forged = Buffer.from(serializeCertificate(await signCertificate(payload, other)));
  const trusted = await loadVerificationKey(join(dir, 'key.jwk'));
  const r = await verifyCertificate(forged, { ...options(), trustedKey: trusted });
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, /signed by a different key: the certificate's key has thumbprint .+, the trusted key \(--key\) has/);
});

test('a certificate from another kit version or feature set is refused with a clear message', async () => {
  const old = Buffer.from(serializeCertificate(await signCertificate({ ...payload, kit: { name: 'auth-ctk', version: '0.0.1' } }, key)));
  const r = await verifyCertificate(old, options());
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, new RegExp(`issued by auth-ctk 0\\.0\\.1; this is auth-ctk ${kitVersion().replace(/\./g, '\\.')}\\. Verify it with the kit version that issued it`));
  const otherSet = Buffer.from(serializeCertificate(await signCertificate({ ...payload, featureSet: { hash: 'sha256:00', files: 1 } }, key)));
  const s = await verifyCertificate(otherSet, options());
  assert.equal(s.ok, false);
  assert.match(s.problems[0]!, /issued for a different feature set/);
});

test('signed content that contradicts its own verdicts is refused', async () => {
  const lying = { ...payload, result: { ...payload.result, status: 'certified' as const, exitCode: 0 as const } };
  const r = await verifyCertificate(Buffer.from(serializeCertificate(await signCertificate(lying, key))), options());
  assert.equal(r.ok, false);
  assert.match(r.problems.join('\n'), /the overall result says "certified", the verdicts give "not certified"/);
});

test('an EdDSA (Ed25519) key signs too', async () => {
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  writeFileSync(join(dir, 'ed.jwk'), JSON.stringify(await exportJWK(privateKey)));
  const ed = await loadSigningKey(join(dir, 'ed.jwk'), { explicit: true });
  assert.equal(ed.alg, 'EdDSA');
  const r = await verifyCertificate(Buffer.from(serializeCertificate(await signCertificate(payload, ed))), options());
  assert.equal(r.ok, true, r.problems.join('; '));
});

test('signing-key problems are clear errors, and a named key file is never created', async () => {
  const announced: string[] = [];
  const fresh = await loadSigningKey(join(dir, 'fresh', 'signing-key.jwk'), { announce: (l) => announced.push(l) });
  assert.equal(fresh.created, true);
  assert.match(announced[0]!, /generated a TEST signing key at .*\(ES256, thumbprint /);
  assert.equal(statSync(join(dir, 'fresh', 'signing-key.jwk')).mode & 0o777, 0o600);
  const again = await loadSigningKey(join(dir, 'fresh', 'signing-key.jwk'));
  assert.equal(again.created, false);
  assert.equal(again.thumbprint, fresh.thumbprint, 'an existing key is reused, never replaced');

  await assert.rejects(loadSigningKey(join(dir, 'missing.jwk'), { explicit: true }), (e: unknown) => e instanceof SigningKeyError && /does not exist/.test(e.message));
  assert.equal(existsSync(join(dir, 'missing.jwk')), false);
  const pub = JSON.parse(readFileSync(join(dir, 'key.jwk'), 'utf8'));
  delete pub.d;
  writeFileSync(join(dir, 'public.jwk'), JSON.stringify(pub));
  await assert.rejects(loadSigningKey(join(dir, 'public.jwk'), { explicit: true }), /holds a public key only: signing needs the private key/);
  writeFileSync(join(dir, 'rsa.jwk'), JSON.stringify({ kty: 'RSA', n: 'AQAB', e: 'AQAB', d: 'AQAB' }));
  await assert.rejects(loadSigningKey(join(dir, 'rsa.jwk'), { explicit: true }), /unsupported key \(kty RSA\)/);
  writeFileSync(join(dir, 'garbage.jwk'), 'not json');
  await assert.rejects(loadSigningKey(join(dir, 'garbage.jwk'), { explicit: true }), /is not a JWK: it is not JSON/);
  // Private scalar of one key with the public point of another: caught when signing.
  const a = JSON.parse(readFileSync(join(dir, 'key.jwk'), 'utf8'));
  const b = JSON.parse(readFileSync(join(dir, 'other.jwk'), 'utf8'));
  writeFileSync(join(dir, 'mixed.jwk'), JSON.stringify({ ...a, x: b.x, y: b.y }));
  await assert.rejects(
    (async () => signCertificate(payload, await loadSigningKey(join(dir, 'mixed.jwk'), { explicit: true })))(),
    /damaged|does not match/,
  );
});

test('certificate.html shows the verdict table, the result and the target, and no secret', async () => {
  const html = renderCertificateHtml(JSON.parse(bytes.toString('utf8')));
  assert.match(html, /<table id="verdicts">/);
  assert.equal((html.match(/<tr data-requirement=/g) ?? []).length, payload.requirements.length);
  assert.match(html, /NOT CERTIFIED/);
  assert.match(html, /report fixture target/);
  assert.ok(!html.includes('fixture-secret') && !html.includes('fixture-password'));
  assert.ok(!bytes.toString('utf8').includes('fixture-secret') && !bytes.toString('utf8').includes('fixture-password'));
});

test('auth-ctk verify exits 0 for a valid certificate, 1 for an altered one, 2 for a missing file', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, [join(KIT, 'bin/auth-ctk.js'), 'verify', ...args], { encoding: 'utf8', cwd: dir });
  const ok = cli(join(dir, 'certificate.json'), '--key', join(dir, 'key.jwk'));
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /VALID .*certificate\.json/);
  const altered = Buffer.from(bytes);
  altered[altered.indexOf('not certified') + 1] = 'o'.charCodeAt(0) ^ 0x20;
  writeFileSync(join(dir, 'altered.json'), altered);
  const bad = cli(join(dir, 'altered.json'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /INVALID .*altered\.json\n {2}- /);
  const wrongKey = cli(join(dir, 'certificate.json'), '--key', join(dir, 'other.jwk'));
  assert.equal(wrongKey.status, 1);
  assert.match(wrongKey.stderr, /signed by a different key/);
  const missing = cli(join(dir, 'nope.json'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /does not exist/);
});

test('the certificate records the browser the run drove (read from the scenarios\' attachments), signed like every field', async () => {
  const identity = { name: 'Chromium', version: '153.0.8010.0', source: 'npm', executablePath: '/x/chromium', package: '@sparticuz/chromium@153.0.0', passedOver: ['no system Chromium'] };
  const attempt = (bodies: { mediaType: string; body: string }[]) => ({ attachments: bodies });
  const run = {
    attempts: new Map([
      ['a', [attempt([{ mediaType: MEDIA.browser, body: JSON.stringify(identity) }, { mediaType: 'text/plain', body: 'x' }])]],
      ['b', [attempt([{ mediaType: MEDIA.browser, body: JSON.stringify(identity) }])]],
      ['c', [attempt([{ mediaType: MEDIA.browser, body: 'not json' }])]],
    ]),
  } as unknown as Parameters<typeof browsersUsed>[0];
  const browsers = browsersUsed(run);
  assert.deepEqual(browsers, [identity], 'one entry per distinct browser');
  assert.equal(browserLine(browsers), 'auth-ctk: browser: Chromium 153.0.8010.0 (npm package @sparticuz/chromium@153.0.0); not used: no system Chromium');
  assert.equal(browserLine([]), 'auth-ctk: browser: none used in this run');

  const verdicts = computeVerdicts(readMessages(join(dir, 'reports', 'cucumber-messages.ndjson')));
  const withBrowser = buildCertificate(verdicts, certify(verdicts), { kitVersion: kitVersion(), featureSetHash: hash, featureFiles: 1, browsers });
  assert.deepEqual(withBrowser.run.browsers, [identity]);
  assert.deepEqual(payload.run.browsers, [], 'no browser scenario ran: none recorded');
  const signed = Buffer.from(serializeCertificate(await signCertificate(withBrowser, key)));
  assert.equal((await verifyCertificate(signed, options())).ok, true);
  const altered = Buffer.from(signed.toString('utf8').replace('153.0.8010.0', '153.0.8010.1'));
  const r = await verifyCertificate(altered, options());
  assert.equal(r.ok, false);
  assert.match(r.problems[0]!, /run\.browsers\[0\]\.version/);
  assert.match(renderCertificateHtml(JSON.parse(signed.toString('utf8'))), /<dt>browser<\/dt><dd>Chromium 153\.0\.8010\.0 \(@sparticuz\/chromium@153\.0\.0\)/);
});
