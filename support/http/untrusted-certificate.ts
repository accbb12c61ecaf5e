/**
 * One cause, one finding for an https endpoint whose certificate the kit cannot trust. Expired, not yet valid,
 * self-signed or from an unknown CA (REQ-TLS-06), or for another host (REQ-TLS-05): no request to it gets an HTTP
 * answer, and a client that went on anyway would be doing what RFC 9325 §3 and RFC 6125 forbid. Measured against
 * fault expired-certificate, whole suite: REQ-TOK-01, REQ-DISC-01, the audit, PKCE, anonymous and client-method
 * requirements, 20 in all, failed on "no HTTP answer (CERT_HAS_EXPIRED)" beside REQ-TLS-06.
 *
 * So every request the World sends (CtkWorld.send) that meets such a certificate blocks its scenario on the TLS
 * requirement the certificate breaks, which the TLS feature's own scenarios judge (they are exempt: they probe the
 * certificate on purpose). The request stays in the scenario's evidence.
 */
import { PrerequisiteBlocked } from '../verdict/blocked.ts';
import type { Exchange } from './exchange.ts';

/** Node's / OpenSSL's verification failures, by the requirement they break. */
const CERTIFICATE_ERRORS: Readonly<Record<string, string>> = {
  ERR_TLS_CERT_ALTNAME_INVALID: 'REQ-TLS-05',
  CERT_HAS_EXPIRED: 'REQ-TLS-06',
  CERT_NOT_YET_VALID: 'REQ-TLS-06',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'REQ-TLS-06',
  SELF_SIGNED_CERT_IN_CHAIN: 'REQ-TLS-06',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'REQ-TLS-06',
  UNABLE_TO_GET_ISSUER_CERT: 'REQ-TLS-06',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'REQ-TLS-06',
  CERT_UNTRUSTED: 'REQ-TLS-06',
  CERT_SIGNATURE_FAILURE: 'REQ-TLS-06',
  CERT_REVOKED: 'REQ-TLS-06',
};

/** The TLS requirement an exchange's certificate failure breaks, if it failed on one. */
export function certificateFailureOf(exchange: Exchange): string | undefined {
  const code = exchange.transportError?.code;
  return code === undefined ? undefined : CERTIFICATE_ERRORS[code];
}

/**
 * Throws PrerequisiteBlocked on the TLS requirement `exchange`'s certificate failure breaks, unless the scenario judges
 * a TLS requirement itself (`scenarioRequirements`).
 */
export function blockOnUntrustedCertificate(exchange: Exchange, scenarioRequirements: readonly string[]): void {
  const requirement = certificateFailureOf(exchange);
  if (requirement === undefined || scenarioRequirements.some((id) => id.startsWith('REQ-TLS-'))) return;
  const origin = (() => {
    try {
      return new URL(exchange.request.url).origin;
    } catch {
      return exchange.request.url;
    }
  })();
  throw new PrerequisiteBlocked(
    requirement,
    `blocked: ${origin} presents a certificate the kit cannot trust (${exchange.transportError!.code}), so no request to it gets an answer; ${requirement} reports the certificate`,
    `fix what ${requirement} reports (a valid certificate for the host, from a CA clients trust); where the CA is a private one, name its certificate in the target profile (tls.caFile)`,
  );
}
