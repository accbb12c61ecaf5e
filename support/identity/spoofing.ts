/**
 * Forged identity headers (REQ-ID-09): what a caller would send to make the component believe it is somebody
 * else. The gateway's own identity header (the target's identityEchoFormat.identityHeader; the reference's
 * X-Auth-Identity by default) in its own encoding, plus the headers gateways and proxies commonly use to pass a
 * user on (Kong, oauth2-proxy, Apache, nginx auth_request setups), each naming a subject no real caller has.
 * Besides the subject, the caller claims a role no identity system grants (FORGED_ROLE) and the kind "system": a
 * gateway that overwrites only the subject and client id it sets itself lets the rest through (oauth2-proxy's
 * X-Forwarded-Groups pattern, or a JSON identity merged as {...callerHeader, ...tokenIdentity}).
 */
import type { TargetDescription } from '../target/target.ts';
import { formatOf } from './echo.ts';

export const FORGED_SUBJECT = 'ctk-forged-subject';
/** A role no identity system grants: seen by the component, it came from the caller (REQ-ID-09). */
export const FORGED_ROLE = 'ctk-forged-role';
const FORGED_ROLES = ['admin', FORGED_ROLE];

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
  // oauth2-proxy's group headers (X-Forwarded-Groups upstream, X-Auth-Request-Groups in auth_request setups).
  'x-forwarded-groups': FORGED_ROLES.join(','),
  'x-auth-request-groups': FORGED_ROLES.join(','),
};

/** The forged identity, shaped like the reference's identity header (kind system: "darf alles"). */
function forgedIdentity(target: TargetDescription): Record<string, unknown> {
  return {
    kind: 'system',
    sub: FORGED_SUBJECT,
    client_id: FORGED_SUBJECT,
    customer_id: null,
    // The forged role in the scopes too: a component may read roles and scopes as one list (the echo's default).
    scopes: [...target.clients.system.scopes, FORGED_ROLE],
    roles: FORGED_ROLES,
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
  return { ...COMMON_HEADERS, ...forgedForwardedHeaders(target), [header.name.toLowerCase()]: value };
}

/**
 * A gateway that forwards the identity as plain headers must strip ALL of them from what callers send, not only the
 * subject and client id it always sets: a kind or roles header it sets only when the token has one (or never) would
 * otherwise reach the component from the caller. Each header the profile names, forged.
 */
function forgedForwardedHeaders(target: TargetDescription): Record<string, string> {
  const format = formatOf(target);
  const forwarded = format.forwardedHeaders;
  if (!forwarded) return {};
  const headers: [string | undefined, string][] = [
    [forwarded.subject, FORGED_SUBJECT],
    [forwarded.clientId, FORGED_SUBJECT],
    [forwarded.kind, format.kinds?.system ?? 'system'],
    ...(forwarded.roles ?? []).map((r): [string, string] => [r.name, FORGED_ROLES.join(r.separator ?? ' ')]),
  ];
  return Object.fromEntries(headers.filter((h): h is [string, string] => h[0] !== undefined).map(([name, value]) => [name.toLowerCase(), value]));
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
