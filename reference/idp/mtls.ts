/**
 * Mutual TLS at the reference IdP (issue 19, RFC 8705): oidc-provider's mTLS feature does the protocol work —
 * tls_client_auth by subject DN (§2.1) and certificate-bound access tokens (§3, cnf.x5t#S256) — on a second, https
 * listener that asks for a client certificate and lets oidc-provider judge it (rejectUnauthorized off). The
 * metadata names that listener's token endpoint in mtls_endpoint_aliases (§5). The faults below are deliberate
 * holes, each named by the requirement it breaks (faults.ts).
 */
import type { Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { createHash, X509Certificate } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import { errors, type OidcContext } from 'oidc-provider';
import { listenMutualTls, MTLS_CLIENT_ID } from '../mtls.ts';
import type { IdpFaults } from './faults.ts';

/** The IdP's mTLS setting: where its listener is, and whom the client's certificate names. */
export interface IdpMtls {
  /** https://host:port of the mTLS listener (filled in once it listens). */
  url: string;
  readonly clientSubject: string;
  /** The client's certificate (PEM), for self_signed_tls_client_auth (variation mtls-self-signed-client-auth). */
  readonly clientCertificate?: string;
}

/** Starts the https listener that hands every request to the IdP's own handler; undefined without mTLS settings. */
export async function startMtlsListener(server: Server, host: string): Promise<{ server: HttpsServer; mtls: IdpMtls } | undefined> {
  const listener = await listenMutualTls(server, host);
  return listener && { server: listener.server, mtls: { url: listener.url, clientSubject: listener.clientSubject, ...(listener.clientCertificate ? { clientCertificate: listener.clientCertificate } : {}) } };
}

const peerCertificate = (ctx: OidcContext): X509Certificate | undefined => {
  const socket = ctx.req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || typeof socket.getPeerX509Certificate !== 'function') return undefined;
  return socket.getPeerX509Certificate() ?? undefined;
};

/** oidc-provider's features.mTLS: the peer certificate of the connection, its chain as the TLS layer judged it. */
export function mtlsFeature(mtls: IdpMtls | undefined, faults: IdpFaults): Record<string, unknown> {
  if (!mtls) return {};
  return {
    mTLS: {
      enabled: true,
      certificateBoundAccessTokens: true,
      tlsClientAuth: true,
      selfSignedTlsClientAuth: faults.has('mtls-self-signed-client-auth'),
      getCertificate: peerCertificate,
      // Fault mtls-client-certificate-refused: no certificate is ever taken as verified (REQ-MTLS-01).
      certificateAuthorized: (ctx: OidcContext) => !faults.has('mtls-client-certificate-refused') && (ctx.req.socket as Partial<TLSSocket>).authorized === true,
      // §2.1: the subject DN must be the registered one. Fault mtls-any-certificate-accepted: any trusted certificate will do (REQ-MTLS-02).
      certificateSubjectMatches: (ctx: OidcContext, property: string, expected: string) =>
        faults.has('mtls-any-certificate-accepted') || (property === 'tls_client_auth_subject_dn' && sameDn(peerCertificate(ctx)?.subject, expected)),
    },
  };
}

/**
 * RFC 8705 §3: a token issued to a client of certificate-bound tokens is bound to the connection's certificate
 * (x5t#S256), as oidc-provider's own client_credentials grant does (grants.ts replaces that grant). Without a
 * certificate such a client gets no token.
 */
export function bindToCertificate(ctx: OidcContext, token: { setThumbprint(kind: 'x5t', certificate: X509Certificate): void }): void {
  if (!(ctx.oidc.client as { tlsClientCertificateBoundAccessTokens?: boolean }).tlsClientCertificateBoundAccessTokens) return;
  const certificate = peerCertificate(ctx);
  if (!certificate) throw new errors.InvalidGrant('mutual TLS client certificate not provided');
  token.setThumbprint('x5t', certificate);
}

const sameDn = (actual: string | undefined, expected: string): boolean => actual !== undefined && actual.split('\n').join(',').trim() === expected.trim();

/** The mTLS client (tls_client_auth by subject, certificate-bound tokens), when the IdP has an mTLS listener. */
export function mtlsClientMetadata(mtls: IdpMtls | undefined, scopes: readonly string[], faults: IdpFaults): Record<string, unknown>[] {
  if (!mtls) return [];
  // Variation mtls-self-signed-client-auth (RFC 8705 §2.2): the client is registered by its certificate itself (jwks x5c), not by subject.
  const selfSigned = faults.has('mtls-self-signed-client-auth') && mtls.clientCertificate !== undefined;
  const registration = selfSigned
    ? { token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [jwkOfCertificate(mtls.clientCertificate!)] } }
    : { token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: mtls.clientSubject };
  return [
    {
      client_id: MTLS_CLIENT_ID,
      ...registration,
      tls_client_certificate_bound_access_tokens: true,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      application_type: 'web',
      scope: scopes.join(' '),
    },
  ];
}

export const mtlsAuthMethods = (mtls: IdpMtls | undefined, faults: IdpFaults): string[] =>
  mtls ? ['tls_client_auth', ...(faults.has('mtls-self-signed-client-auth') ? ['self_signed_tls_client_auth'] : [])] : [];

/** The public key of a certificate as a JWK with the certificate in x5c (RFC 7517 §4.7), as §2.2 registers it. */
function jwkOfCertificate(pem: string): Record<string, unknown> {
  const certificate = new X509Certificate(pem);
  return { ...(certificate.publicKey.export({ format: 'jwk' }) as Record<string, unknown>), use: 'sig', x5c: [certificate.raw.toString('base64')] };
}

/** Fault rewrites of the bound JWT (RFC 8705 §3.1), called from the IdP's JWT customizer. */
export function mtlsJwtFaults(faults: IdpFaults, payload: Record<string, unknown>): void {
  const cnf = payload.cnf as Record<string, unknown> | undefined;
  if (!cnf || typeof cnf['x5t#S256'] !== 'string') return;
  // Fault mtls-token-not-bound: the token does not say which certificate it is bound to (REQ-MTLS-05).
  if (faults.has('mtls-token-not-bound')) delete payload.cnf;
  // Fault mtls-thumbprint-hex: the thumbprint is written in hex instead of base64url (REQ-MTLS-04).
  else if (faults.has('mtls-thumbprint-hex')) payload.cnf = { ...cnf, 'x5t#S256': Buffer.from(cnf['x5t#S256'], 'base64url').toString('hex') };
}

/** RFC 8705 §3.3 and §5 in the metadata, and the fault of the refusal's error code (§2), around oidc-provider. */
export function mtlsMiddleware(mtls: IdpMtls | undefined, faults: IdpFaults) {
  return async (ctx: OidcContext, next: () => Promise<void>): Promise<void> => {
    await next();
    if (!mtls) return;
    if (ctx.path === '/.well-known/openid-configuration' && ctx.status === 200) {
      const doc = { ...(ctx.body as Record<string, unknown>) };
      // §5: the mTLS listener's token endpoint. Fault metadata-without-mtls-endpoint-aliases leaves it out (REQ-MTLS-10).
      if (!faults.has('metadata-without-mtls-endpoint-aliases')) doc.mtls_endpoint_aliases = { token_endpoint: `${mtls.url}/token` };
      // §3.3 (oidc-provider sets it). Fault metadata-without-certificate-bound-tokens drops it (REQ-MTLS-09).
      if (faults.has('metadata-without-certificate-bound-tokens')) delete doc.tls_client_certificate_bound_access_tokens;
      ctx.body = doc;
    }
    // Fault mtls-refusal-invalid-request: a refused certificate is answered invalid_request, not invalid_client (REQ-MTLS-03).
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.path === '/token' && faults.has('mtls-refusal-invalid-request') && body?.error === 'invalid_client' && (ctx.req.socket as Partial<TLSSocket>).encrypted) {
      ctx.status = 400;
      ctx.body = { ...body, error: 'invalid_request' };
    }
  };
}

/** base64url SHA-256 of a DER certificate (RFC 8705 §3.1), for the IdP's own tests. */
export const thumbprintOf = (certificate: X509Certificate): string => createHash('sha256').update(certificate.raw).digest('base64url');
