/**
 * Certificate-bound access tokens at the resource (issue 19, RFC 8705 §3): a token whose cnf names a certificate
 * (x5t#S256) is served only over a connection whose client certificate is that one; otherwise the request is
 * refused with 401 invalid_token (RFC 6750). Unbound tokens are unaffected. The gateway's mTLS listener
 * (reference/mtls.ts listenMutualTls, started by main.ts) asks for a certificate without judging its chain: the
 * binding is what counts here. The faults below are deliberate holes, each named by the requirement it breaks.
 */
import { createHash, type X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { AccessTokenClaims } from './access-token.ts';

/** A bound token presented without its certificate (RFC 8705 §3). */
export class CertificateBindingRefused extends Error {
  /** The RFC 6750 error code of the challenge: invalid_token (fault gateway-certificate-mismatch-invalid-request: invalid_request). */
  readonly code: 'invalid_token' | 'invalid_request';
  constructor(description: string, code: 'invalid_token' | 'invalid_request') {
    super(description);
    this.name = 'CertificateBindingRefused';
    this.code = code;
  }
}

const peerCertificate = (socket: Socket): X509Certificate | undefined => {
  const tls = socket as Partial<TLSSocket>;
  if (!tls.encrypted || typeof tls.getPeerX509Certificate !== 'function') return undefined;
  return tls.getPeerX509Certificate() ?? undefined;
};

/** Throws CertificateBindingRefused when a certificate-bound token is presented without the certificate it names. */
export function checkCertificateBinding(claims: AccessTokenClaims, socket: Socket, faults: ReadonlySet<string>): void {
  const cnf = claims.cnf as Record<string, unknown> | undefined;
  const bound = typeof cnf?.['x5t#S256'] === 'string' ? cnf['x5t#S256'] : undefined;
  // Fault gateway-ignores-certificate-binding: the cnf of a token is never looked at (REQ-MTLS-07).
  if (bound === undefined || faults.has('gateway-ignores-certificate-binding')) return;
  const code = faults.has('gateway-certificate-mismatch-invalid-request') ? 'invalid_request' : 'invalid_token';
  const certificate = peerCertificate(socket);
  if (!certificate) {
    // Fault gateway-accepts-bound-token-without-certificate: only a certificate that is there is compared (REQ-MTLS-07).
    if (faults.has('gateway-accepts-bound-token-without-certificate')) return;
    throw new CertificateBindingRefused('the access token is bound to a client certificate (cnf x5t#S256): present it over mutual TLS (RFC 8705 section 3)', code);
  }
  // §3.1: the base64url SHA-256 of the DER certificate. Fault gateway-certificate-binding-hex compares the hex digest (REQ-MTLS-06).
  const digest = createHash('sha256').update(certificate.raw);
  const presented = faults.has('gateway-certificate-binding-hex') ? digest.digest('hex') : digest.digest('base64url');
  if (presented !== bound) throw new CertificateBindingRefused('the access token is bound to another client certificate than the one presented (RFC 8705 section 3)', code);
}
