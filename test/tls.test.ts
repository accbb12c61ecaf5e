/**
 * The TLS checks of issue 19 (RFC 9325, RFC 6749 §3.2) on their own: where they apply, what the probes see on an
 * https listener of the reference (reference/https.ts) with and without each TLS fault, and how the plain-http
 * judge grades what came back.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { applicability } from '../support/target/applicability.ts';
import type { TargetDescription } from '../support/target/target.ts';
import { httpsEndpoints, plainHttpTwin } from '../support/tls/endpoints.ts';
import { handshake, hostMismatch, localOpensslOffers } from '../support/tls/probes.ts';
import { judgePlainHttpNotProcessed } from '../support/tls/judges.ts';
import { certificatesOf, TargetCaError } from '../support/tls/trust.ts';
import { TestCertificateAuthority } from '../support/tls/test-ca.ts';
import { createMainServer } from '../reference/https.ts';
import { serverCertificateRequest } from '../reference/tls-material.ts';
import { RequirementViolation } from '../support/verdict/check.ts';
import type { CheckRecord } from '../support/verdict/media-types.ts';
import type { CtkWorld } from '../support/world.ts';
import type { Exchange } from '../support/http/exchange.ts';

const target = (urls: { idp: string; gateway: string }, tls?: TargetDescription['tls']) =>
  ({
    name: 't',
    kind: 'external',
    issuer: urls.idp,
    tokenEndpoint: `${urls.idp}/token`,
    jwksUri: `${urls.idp}/jwks`,
    gateway: { baseUrl: urls.gateway, routes: {} },
    clients: { system: { clientId: 'c', clientSecret: 's', scopes: [] } },
    capabilities: {},
    ...(tls ? { tls } : {}),
  }) as unknown as TargetDescription;

describe('where the TLS requirements apply', () => {
  test('an http target: not applicable, with the reason', () => {
    const verdict = applicability(target({ idp: 'http://127.0.0.1:1', gateway: 'http://127.0.0.1:2' }), ['@requires-https', '@REQ-TLS-01']);
    assert.equal(verdict.kind, 'not-applicable');
    assert.equal(verdict.kind === 'not-applicable' && verdict.record.reason, "the target's URLs are http: TLS is not in play (RFC 9325 applies to https targets)");
  });
  test('an https target: applicable; each origin probed once; the plain-http twin on port 80 or the declared port', () => {
    const t = target({ idp: 'https://idp.example', gateway: 'https://api.example:8443' });
    assert.equal(applicability(t, ['@requires-https', '@REQ-TLS-01']).kind, 'applicable');
    assert.deepEqual(httpsEndpoints(t).map((e) => `${e.host}:${e.port}`), ['idp.example:443', 'api.example:8443']);
    assert.equal(plainHttpTwin(t), 'http://idp.example/token');
    assert.equal(plainHttpTwin(target({ idp: 'https://idp.example', gateway: 'https://api.example' }, { plainHttpPort: 8080 })), 'http://idp.example:8080/token');
  });
  test('a CA file without a certificate is refused with why', () => {
    assert.throws(() => certificatesOf('not a certificate'), TargetCaError);
  });
});

describe('the probes against the reference https listener', () => {
  let ca: TestCertificateAuthority;
  const servers: Server[] = [];
  before(async () => {
    ca = await TestCertificateAuthority.create();
  });
  after(() => servers.forEach((s) => s.close()));

  async function listener(...faults: string[]) {
    const switches = new Set(faults);
    const tls = await ca.issueServerCertificate(serverCertificateRequest(switches));
    const server = createMainServer((_req, res) => res.end('ok'), { tls, faults: switches });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  }

  test('conformant: TLS 1.2 and 1.3 only, a certificate for the host that a verifying client accepts', async () => {
    const e = await listener();
    for (const v of ['TLSv1', 'TLSv1.1'] as const) {
      assert.equal(await localOpensslOffers(v), undefined, `this machine's OpenSSL offers ${v}: the refusal below means something`);
      assert.equal((await handshake(e, { version: v })).connected, false, `${v} refused`);
    }
    assert.equal((await handshake(e, { version: 'TLSv1.2' })).protocol, 'TLSv1.2');
    assert.equal((await handshake(e, { version: 'TLSv1.3' })).protocol, 'TLSv1.3');
    const verified = await handshake(e, { caPem: ca.certificatePem });
    assert.equal(verified.authorizationError, undefined);
    assert.equal(hostMismatch('127.0.0.1', verified.certificate!), undefined);
    assert.equal((await handshake(e)).authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'without the CA the chain is not trusted');
  });

  test('each fault shows in the probe that judges it', async () => {
    assert.equal((await handshake(await listener('tls-1.0-accepted'), { version: 'TLSv1' })).protocol, 'TLSv1');
    const only11 = await listener('tls-1.1-accepted');
    assert.equal((await handshake(only11, { version: 'TLSv1.1' })).protocol, 'TLSv1.1');
    assert.equal((await handshake(only11, { version: 'TLSv1' })).connected, false);
    assert.equal((await handshake(await listener('tls-1.3-only'), { version: 'TLSv1.2' })).connected, false);
    assert.equal((await handshake(await listener('tls-1.2-only'), { version: 'TLSv1.3' })).connected, false);
    const other = await handshake(await listener('certificate-for-another-host'), { caPem: ca.certificatePem });
    assert.equal(other.authorizationError, undefined);
    assert.match(hostMismatch('127.0.0.1', other.certificate!) ?? '', /IP: 127\.0\.0\.1 is not in the cert's list/);
    assert.equal((await handshake(await listener('expired-certificate'), { caPem: ca.certificatePem })).authorizationError, 'CERT_HAS_EXPIRED');
  });
});

describe('REQ-TLS-07: was the token request processed over plain http?', () => {
  const judge = (exchange: Partial<Exchange>) => {
    const checks: CheckRecord[] = [];
    const sink = { recordWarning() {}, recordViolation() {}, recordCheck: (r: CheckRecord) => void checks.push(r) };
    const full = { request: { method: 'POST', url: 'http://idp.example/token' }, startedAt: 0, durationMs: 1, ...exchange } as Exchange;
    try {
      judgePlainHttpNotProcessed(sink as unknown as CtkWorld, full);
    } catch (error) {
      if (!(error instanceof RequirementViolation)) throw error;
    }
    return checks[0]!.outcome;
  };
  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
    response: { status, headers: { 'content-type': 'application/json', ...headers }, rawHeaders: [], body: JSON.stringify(body) },
  });
  test('a redirect, a refusal or no listener: holds', () => {
    assert.equal(judge(answer(308, {}, { location: 'https://idp.example/token' })), 'holds');
    assert.equal(judge(answer(403, { message: 'https required' })), 'holds');
    assert.equal(judge(answer(400, { error: 'invalid_request', error_description: 'TLS required' })), 'holds');
    assert.equal(judge({ transportError: { code: 'ECONNREFUSED', message: 'refused' } }), 'holds');
  });
  test('a token, or invalid_client (the credentials were judged): does not hold', () => {
    assert.equal(judge(answer(401, { error: 'invalid_client' })), 'does-not-hold');
    assert.equal(judge(answer(200, { access_token: 'x', token_type: 'Bearer' })), 'does-not-hold');
  });
});
