/**
 * The run-time test CA (support/tls/test-ca.ts) that TLS and mutual-TLS checks stand on: a server certificate from
 * it is accepted for its names and refused for another host, a client certificate reaches the server with its
 * subject, an expired one is refused, and the x5t#S256 thumbprint is RFC 8705 §3.1's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type TLSSocket, type ConnectionOptions } from 'node:tls';
import { createHash, X509Certificate } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { TestCertificateAuthority } from '../support/tls/test-ca.ts';

async function handshake(options: ConnectionOptions): Promise<{ ok: true; peerSubject?: string } | { ok: false; code: string }> {
  return new Promise((resolve) => {
    const socket = connect(options, () => {
      resolve({ ok: true });
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ ok: false, code: error.code ?? error.message }));
  });
}

test('a server certificate is valid for its names only, and a client certificate reaches the server with its subject', async () => {
  const ca = await TestCertificateAuthority.create();
  const server = await ca.issueServerCertificate({ dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const client = await ca.issueClientCertificate({ commonName: 'system-client' });
  let seen: string | undefined;
  const tlsServer = createServer({ cert: server.certificatePem, key: server.privateKeyPem, ca: ca.certificatePem, requestCert: true, rejectUnauthorized: false }, (socket: TLSSocket) => {
    seen = socket.getPeerCertificate().subject?.CN as string | undefined;
    socket.end();
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const port = (tlsServer.address() as AddressInfo).port;
  try {
    const good = await handshake({ host: '127.0.0.1', port, servername: 'localhost', ca: ca.certificatePem, cert: client.certificatePem, key: client.privateKeyPem });
    assert.equal(good.ok, true, JSON.stringify(good));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(seen, 'system-client');
    const otherHost = await handshake({ host: '127.0.0.1', port, servername: 'api.example', ca: ca.certificatePem });
    assert.deepEqual(otherHost, { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
    const untrusted = await handshake({ host: '127.0.0.1', port, servername: 'localhost' });
    assert.equal(untrusted.ok, false);
  } finally {
    tlsServer.close();
  }
});

test('an expired server certificate is refused, and x5t#S256 is the base64url SHA-256 of the DER certificate', async () => {
  const ca = await TestCertificateAuthority.create();
  const expired = await ca.issueServerCertificate({ dnsNames: ['localhost'], notBefore: new Date(Date.now() - 7200_000), notAfter: new Date(Date.now() - 3600_000) });
  const tlsServer = createServer({ cert: expired.certificatePem, key: expired.privateKeyPem }, (socket) => socket.end());
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  try {
    const result = await handshake({ host: '127.0.0.1', port: (tlsServer.address() as AddressInfo).port, servername: 'localhost', ca: ca.certificatePem });
    assert.deepEqual(result, { ok: false, code: 'CERT_HAS_EXPIRED' });
  } finally {
    tlsServer.close();
  }
  const der = new X509Certificate(expired.certificatePem).raw;
  assert.equal(expired.thumbprintS256, createHash('sha256').update(der).digest('base64url'));
  assert.doesNotMatch(expired.thumbprintS256, /[=+/]/);
});
