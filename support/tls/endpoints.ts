/**
 * The https URLs of a target (issue 19): which origins the TLS checks probe, whether TLS is in play at all
 * (support/target/applicability.ts), and the plain-http twin of the token endpoint (REQ-TLS-07). No I/O.
 */
import type { TargetDescription } from '../target/target.ts';

/** An https origin of the target, with the URL (and role) it was taken from. */
export interface HttpsEndpoint {
  readonly label: string;
  readonly url: string;
  readonly host: string;
  readonly port: number;
}

/** The distinct https origins of the target's main URLs: the IdP's (token endpoint, issuer, discovery) and the gateway's. */
export function httpsEndpoints(target: TargetDescription): HttpsEndpoint[] {
  const candidates: [string, string | undefined][] = [
    ['token endpoint', target.tokenEndpoint],
    ['issuer', target.issuer],
    ['discovery document', target.discoveryUrl],
    ['gateway', target.gateway?.baseUrl],
  ];
  const seen = new Map<string, HttpsEndpoint>();
  for (const [label, url] of candidates) {
    if (!url || !URL.canParse(url)) continue;
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:') continue;
    const host = parsed.hostname.replace(/^\[|\]$/g, '');
    const key = `${host}:${parsed.port || '443'}`;
    if (!seen.has(key)) seen.set(key, { label, url, host, port: Number(parsed.port || 443) });
  }
  return [...seen.values()];
}

/** Whether any of the target's main URLs is https: the TLS requirements apply only then. */
export const servesHttps = (target: TargetDescription): boolean => httpsEndpoints(target).length > 0;

/** The plain-http twin of the token endpoint: same host and path, port 80 or the profile's tls.plainHttpPort. */
export function plainHttpTwin(target: TargetDescription): string | undefined {
  const url = new URL(target.tokenEndpoint);
  if (url.protocol !== 'https:') return undefined;
  url.protocol = 'http:';
  url.port = String(target.tls?.plainHttpPort ?? 80);
  return url.href;
}

/** Not a client the target knows, and not a secret of anyone: all the probe sends in clear. */
export const PLAIN_HTTP_PROBE = { clientId: 'auth-ctk-plain-http-probe', clientSecret: 'auth-ctk-deliberately-wrong-secret' } as const;
