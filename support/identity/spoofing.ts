/**
 * Forged identity headers (REQ-ID-09): what a caller would send to make the component believe it is somebody
 * else. The gateway's own identity header (the target's identityEchoFormat.identityHeader; the reference's
 * X-Auth-Identity by default) in its own encoding, plus the headers gateways and proxies commonly use to pass a
 * user on (Kong, oauth2-proxy, Apache, nginx auth_request setups), each naming a subject no real caller has.
 */
import type { TargetDescription } from '../target/target.ts';
import { formatOf } from './echo.ts';

export const FORGED_SUBJECT = 'ctk-forged-subject';

/** Commonly trusted identity headers, as plain text (X-Userinfo is Kong's base64 JSON userinfo). */
const COMMON_HEADERS: Readonly<Record<string, string>> = {
  'x-user': FORGED_SUBJECT,
  'x-user-id': FORGED_SUBJECT,
  'x-forwarded-user': FORGED_SUBJECT,
  'x-auth-request-user': FORGED_SUBJECT,
  'x-authenticated-userid': FORGED_SUBJECT,
  'x-consumer-username': FORGED_SUBJECT,
  'x-remote-user': FORGED_SUBJECT,
  'x-userinfo': Buffer.from(JSON.stringify({ sub: FORGED_SUBJECT })).toString('base64'),
};

/** The forged identity, shaped like the reference's identity header (kind system: "darf alles"). */
function forgedIdentity(target: TargetDescription): Record<string, unknown> {
  return {
    kind: 'system',
    sub: FORGED_SUBJECT,
    client_id: FORGED_SUBJECT,
    customer_id: null,
    scopes: [...target.clients.system.scopes],
    roles: ['admin'],
    iss: target.issuer,
    authentication: 'token',
  };
}

export function forgedIdentityHeaders(target: TargetDescription): Record<string, string> {
  const header = formatOf(target).identityHeader ?? { name: 'x-auth-identity', encoding: 'base64url-json' as const };
  const identity = forgedIdentity(target);
  const value =
    header.encoding === 'base64url-json'
      ? Buffer.from(JSON.stringify(identity)).toString('base64url')
      : header.encoding === 'json'
        ? JSON.stringify(identity)
        : FORGED_SUBJECT;
  // A gateway that forwards the identity as plain headers must also strip those headers from what callers send.
  const forwarded = formatOf(target).forwardedHeaders;
  const plain = Object.fromEntries(
    [forwarded?.subject, forwarded?.clientId].filter((n): n is string => n !== undefined).map((n) => [n.toLowerCase(), FORGED_SUBJECT]),
  );
  return { ...COMMON_HEADERS, ...plain, [header.name.toLowerCase()]: value };
}

/** "x-auth-identity" -> "X-Auth-Identity": the same header name in another letter case (RFC 9110 §5.1: case-insensitive). */
const titleCase = (name: string): string => name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('-');

/**
 * The forged identity headers, each sent TWICE, the second time under its name in another letter case (issue 20,
 * seed 000): a gateway that strips a single copy, or only the spelling it sets itself, lets the other through, and a
 * component that reads the first copy then believes the caller. RFC 9110 §5.3: a recipient may combine repeated
 * field lines, so whatever the gateway does with them, none may reach the component as the identity.
 */
export function duplicatedForgedIdentityHeaders(target: TargetDescription): Record<string, readonly string[]> {
  const headers: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(forgedIdentityHeaders(target))) {
    headers[name] = [value];
    headers[titleCase(name) === name ? name.toUpperCase() : titleCase(name)] = [value];
  }
  return headers;
}
