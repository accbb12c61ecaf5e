/**
 * Who a request claims to be, read from the request itself (before and independently of oidc-provider), for the
 * audit log and the failed-login count: the client id from an HTTP Basic header (RFC 6749 §2.3.1: form-urlencoded
 * before base64) or the form body, the username of a password-style login, the grant type. The presented secret
 * is kept only in memory for the request (the audit-logs-secrets fault is the one place that would record it).
 */
import type { IncomingMessage } from 'node:http';

export interface TokenAttempt {
  readonly grantType?: string;
  readonly clientId?: string;
  readonly username?: string;
  readonly presentedSecret?: string;
}

/** The TCP peer address, without the IPv4-mapped IPv6 prefix (seed 001 limits are per client IP). */
export function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
}

const formDecode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, '%20'));
  } catch {
    return s;
  }
};

export function basicCredentials(authorization: string | undefined): { clientId: string; secret: string } | undefined {
  const match = /^basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
}

export function tokenAttemptOf(req: IncomingMessage, form: URLSearchParams | undefined): TokenAttempt {
  const basic = basicCredentials(req.headers.authorization);
  const pick = (name: string) => form?.get(name) ?? undefined;
  return {
    grantType: pick('grant_type'),
    clientId: basic?.clientId ?? pick('client_id'),
    username: pick('username'),
    presentedSecret: basic?.secret ?? pick('client_secret') ?? pick('password'),
  };
}

/** Attempts by request, from the HTTP front (which reads the body) to the outcome hook inside oidc-provider. */
export const ATTEMPTS = new WeakMap<IncomingMessage, TokenAttempt>();
