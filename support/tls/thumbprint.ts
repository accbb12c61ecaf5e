/**
 * RFC 8705 §3.1 certificate thumbprints. Apart from support/tls/test-ca.ts so that code which only reads
 * certificates does not load @peculiar/x509 (~0.35 s of CPU in every cucumber worker that imports it).
 */
import { createHash, X509Certificate } from 'node:crypto';

/** RFC 8705 §3.1 `x5t#S256`: base64url (no padding) of the SHA-256 of the certificate's DER encoding. */
export function certificateThumbprintS256(certificatePem: string): string {
  return createHash('sha256').update(new X509Certificate(certificatePem).raw).digest('base64url');
}
