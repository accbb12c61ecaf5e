/**
 * Mutual TLS on the reference stack (issue 19, RFC 8705): the kit makes a test CA at run time
 * (support/tls/test-ca.ts), a server certificate for the IdP's and the gateway's mTLS listeners, and the client
 * certificates it presents. The servers get the CA and their certificate through the environment (the same way a
 * container would); the client's registration is its subject DN (tls_client_auth, §2.1). Nothing is written to
 * the repository, and no key outlives the run.
 */
import type { Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer, type ServerOptions } from 'node:https';
import { TestCertificateAuthority, type IssuedCertificate } from '../support/tls/test-ca.ts';

/** The reference IdP's mTLS client (registered for tls_client_auth by subject, with certificate-bound tokens). */
export const MTLS_CLIENT_ID = 'ctk-mtls-client';

/** What the kit needs of the stack's mTLS listeners: their URLs, the CA that trusts them, the certificates to present. */
export interface ReferenceMtls {
  readonly idpUrl: string;
  readonly gatewayUrl: string;
  readonly caCertificatePem: string;
  readonly clientId: string;
  readonly client: IssuedCertificate;
  /** A certificate of the same CA for another subject: trusted, but not the client's. */
  readonly otherCertificate: IssuedCertificate;
}

export interface MtlsMaterials {
  readonly caCertificatePem: string;
  readonly server: IssuedCertificate;
  readonly client: IssuedCertificate;
  readonly otherCertificate: IssuedCertificate;
}

export async function makeMtlsMaterials(host: string): Promise<MtlsMaterials> {
  const ca = await TestCertificateAuthority.create('auth-ctk reference mTLS CA (run-time, not trusted anywhere else)');
  const ipAddresses = /^\d+\.\d+\.\d+\.\d+$/.test(host) && host !== '0.0.0.0' ? [host] : ['127.0.0.1'];
  const [server, client, otherCertificate] = await Promise.all([
    ca.issueServerCertificate({ dnsNames: ['localhost'], ipAddresses }),
    ca.issueClientCertificate({ commonName: MTLS_CLIENT_ID }),
    ca.issueClientCertificate({ commonName: 'ctk-mtls-other-client' }),
  ]);
  return { caCertificatePem: ca.certificatePem, server, client, otherCertificate };
}

/** The environment of a server process with an mTLS listener (PEMs; the key is the server's own, never a client's). */
export function mtlsEnvironment(materials: MtlsMaterials): Record<string, string> {
  return {
    AUTH_CTK_MTLS_CA: materials.caCertificatePem,
    AUTH_CTK_MTLS_CERT: materials.server.certificatePem,
    AUTH_CTK_MTLS_KEY: materials.server.privateKeyPem,
    AUTH_CTK_MTLS_CLIENT_SUBJECT: materials.client.subject,
    // The client's certificate (public): what variation mtls-self-signed-client-auth registers (RFC 8705 §2.2).
    AUTH_CTK_MTLS_CLIENT_CERT: materials.client.certificatePem,
  };
}

/** The TLS options of a server process's mTLS listener, from its environment; undefined when it has none. */
export function mtlsListenerOptions(env: NodeJS.ProcessEnv = process.env): (ServerOptions & { clientSubject?: string; clientCertificate?: string }) | undefined {
  const { AUTH_CTK_MTLS_CA: ca, AUTH_CTK_MTLS_CERT: cert, AUTH_CTK_MTLS_KEY: key } = env;
  if (!ca || !cert || !key) return undefined;
  // requestCert without rejectUnauthorized: the handshake always completes, so the IdP (oidc-provider) and the
  // gateway judge the certificate and answer with an OAuth error (RFC 8705 §2: invalid_client; §3: invalid_token).
  return { ca, cert, key, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2', ...(env.AUTH_CTK_MTLS_CLIENT_SUBJECT ? { clientSubject: env.AUTH_CTK_MTLS_CLIENT_SUBJECT } : {}), ...(env.AUTH_CTK_MTLS_CLIENT_CERT ? { clientCertificate: env.AUTH_CTK_MTLS_CLIENT_CERT } : {}) };
}

/**
 * The mTLS listener of a reference server: an https server on a port of its own that hands every request to the
 * plain server's own handler, so both listeners behave alike except for the client certificate. Undefined when the
 * environment configures no mTLS.
 */
export async function listenMutualTls(server: Server, host: string, env: NodeJS.ProcessEnv = process.env): Promise<{ server: HttpsServer; url: string; clientSubject: string; clientCertificate?: string } | undefined> {
  const options = mtlsListenerOptions(env);
  if (!options) return undefined;
  const { clientSubject, clientCertificate, ...tls } = options;
  const https = createHttpsServer(tls, (req, res) => server.emit('request', req, res));
  https.requestTimeout = server.requestTimeout;
  https.headersTimeout = server.headersTimeout;
  await new Promise<void>((resolve, reject) => {
    https.once('error', reject);
    https.listen(0, host, () => resolve());
  });
  const address = https.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server: https, url: `https://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`, clientSubject: clientSubject ?? `CN=${MTLS_CLIENT_ID}`, ...(clientCertificate ? { clientCertificate } : {}) };
}
