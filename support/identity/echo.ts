/**
 * What the component says it received from the gateway (seed 000): read out of the identity echo's JSON answer
 * (routes.identityEcho) or the public route's answer, through the target's IdentityEchoFormat (JSON pointers,
 * RFC 6901). The defaults are the reference's format; a component that answers differently is described in the
 * target profile (gateway.routes.identityEchoFormat).
 */
import type { Exchange } from '../http/exchange.ts';
import { jsonOf } from '../http/exchange.ts';
import type { ForwardedIdentityHeaders, IdentityEchoFormat, TargetDescription } from '../target/target.ts';

export type IdentityKind = 'system' | 'human' | 'anonymous';

export interface ObservedIdentity {
  /** False when the component received no identity at all (null / absent at the pointer). */
  readonly present: boolean;
  readonly subject?: string;
  readonly clientId?: string;
  /** The kind in the kit's words, when the component states one the format maps. */
  readonly kind?: IdentityKind;
  /** The kind as the component wrote it. */
  readonly rawKind?: string;
  /** Roles and scopes the component received (union of the format's lists); undefined when none is readable. */
  readonly roles?: readonly string[];
}

export interface EchoReading {
  /** Undefined when the answer is not JSON or the pointer leads nowhere readable. */
  readonly identity?: ObservedIdentity;
  /** Whether the component got an Authorization header; undefined when the echo does not say. */
  readonly authorizationReceived?: boolean;
  /** Why nothing could be read, for not-testable reasons. */
  readonly unreadable?: string;
}

const DEFAULTS = {
  identity: '/identity',
  subject: '/sub',
  clientId: '/client_id',
  kind: '/kind',
  roles: ['/roles', '/scopes'],
  authorizationReceived: '/authorizationHeaderReceived',
  publicIdentity: '/servedTo',
} as const;

/** RFC 6901 JSON pointer; `undefined` when a step leads nowhere. "" is the whole document. */
export function pointer(document: unknown, path: string): unknown {
  if (path === '') return document;
  if (!path.startsWith('/')) return undefined;
  let node: unknown = document;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node)) node = /^(0|[1-9]\d*)$/.test(key) ? node[Number(key)] : undefined;
    else if (node !== null && typeof node === 'object') node = Object.prototype.hasOwnProperty.call(node, key) ? (node as Record<string, unknown>)[key] : undefined;
    else return undefined;
  }
  return node;
}

export const formatOf = (target: TargetDescription): IdentityEchoFormat => target.gateway?.routes.identityEchoFormat ?? {};

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Reads an identity object (already located) through the format. */
export function readIdentity(node: unknown, format: IdentityEchoFormat): ObservedIdentity {
  if (node === null || node === undefined || node === false) return { present: false };
  if (typeof node !== 'object') return { present: true, ...(text(node) ? { subject: text(node) } : {}) };
  const subject = text(pointer(node, format.subject ?? DEFAULTS.subject));
  const clientId = text(pointer(node, format.clientId ?? DEFAULTS.clientId));
  const rawKind = text(pointer(node, format.kind ?? DEFAULTS.kind));
  const kinds = { system: format.kinds?.system ?? 'system', human: format.kinds?.human ?? 'human', anonymous: format.kinds?.anonymous ?? 'anonymous' };
  const kind = (Object.keys(kinds) as IdentityKind[]).find((k) => kinds[k] === rawKind);
  const lists = (format.roles ?? DEFAULTS.roles).map((p) => pointer(node, p)).filter((v): v is unknown[] => Array.isArray(v));
  const roles = lists.length > 0 ? [...new Set(lists.flat().filter((v): v is string => typeof v === 'string'))] : undefined;
  return {
    present: true,
    ...(subject ? { subject } : {}),
    ...(clientId ? { clientId } : {}),
    ...(rawKind ? { rawKind } : {}),
    ...(kind ? { kind } : {}),
    ...(roles ? { roles } : {}),
  };
}

/** The identity echo's answer (routes.identityEcho). */
export function readEcho(target: TargetDescription, exchange: Exchange): EchoReading {
  const format = formatOf(target);
  const json = jsonOf(exchange);
  if (exchange.response?.status !== 200) return { unreadable: `the identity echo did not answer 200` };
  if (!json) return { unreadable: 'the identity echo did not answer with a JSON object' };
  if (format.forwardedHeaders) return readForwardedHeaders(json, format, format.forwardedHeaders);
  const identityPointer = format.identity ?? DEFAULTS.identity;
  const located = pointer(json, identityPointer);
  // Without a configured format, a component that answers the identity object itself is read from the root.
  const node = located === undefined && format.identity === undefined ? json : located;
  const received = pointer(json, format.authorizationReceived ?? DEFAULTS.authorizationReceived);
  return {
    identity: readIdentity(node, format),
    ...(typeof received === 'boolean' ? { authorizationReceived: received } : {}),
  };
}

/** The identity the public route says it served (seed 004), where the target's component reports one. */
export function readPublicIdentity(target: TargetDescription, exchange: Exchange): EchoReading {
  const format = formatOf(target);
  const json = jsonOf(exchange);
  if (!json) return { unreadable: 'the public route did not answer with a JSON object' };
  const path = format.publicIdentity ?? DEFAULTS.publicIdentity;
  if (!hasPointer(json, path)) {
    return { unreadable: `the public route's answer has nothing at ${path} (gateway.routes.identityEchoFormat.publicIdentity)` };
  }
  // The public answer may name the identity's parts differently from the echo (publicIdentityFormat).
  return { identity: readIdentity(pointer(json, path), { ...format, ...format.publicIdentityFormat }) };
}

/** A header's value in an echoed header object: names compare case-insensitively; a list of values is joined. */
function headerValue(headers: Record<string, unknown>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) return undefined;
  const value = headers[key];
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').join(', ');
  return undefined;
}

/** The identity the gateway forwarded as request headers (X-Auth-Sub, X-Auth-Scope, ...), as the echo shows them. */
export function readForwardedHeaders(json: unknown, format: IdentityEchoFormat, forwarded: ForwardedIdentityHeaders): EchoReading {
  const where = forwarded.in ?? '/headers';
  const headers = pointer(json, where);
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) {
    return { unreadable: `the identity echo's answer has no object of request headers at ${JSON.stringify(where)} (gateway.routes.identityEchoFormat.forwardedHeaders.in)` };
  }
  const h = headers as Record<string, unknown>;
  const subject = text(headerValue(h, forwarded.subject));
  const clientId = forwarded.clientId ? text(headerValue(h, forwarded.clientId)) : undefined;
  const rawKind = forwarded.kind ? text(headerValue(h, forwarded.kind)) : undefined;
  const kinds = { system: format.kinds?.system ?? 'system', human: format.kinds?.human ?? 'human', anonymous: format.kinds?.anonymous ?? 'anonymous' };
  const kind = (Object.keys(kinds) as IdentityKind[]).find((k) => kinds[k] === rawKind);
  const lists = (forwarded.roles ?? [])
    .map((r) => ({ value: headerValue(h, r.name), separator: r.separator ?? ' ' }))
    .filter((r): r is { value: string; separator: string } => r.value !== undefined);
  const roles = lists.length > 0 ? [...new Set(lists.flatMap((r) => r.value.split(r.separator).map((v) => v.trim()).filter((v) => v !== '')))] : undefined;
  const present = subject !== undefined || clientId !== undefined || rawKind !== undefined || roles !== undefined;
  // Presence of the named header says whether the component got the raw Authorization header; else the JSON boolean.
  const received = forwarded.authorization !== undefined ? headerValue(h, forwarded.authorization) !== undefined : pointer(json, format.authorizationReceived ?? DEFAULTS.authorizationReceived);
  return {
    identity: present
      ? { present, ...(subject ? { subject } : {}), ...(clientId ? { clientId } : {}), ...(rawKind ? { rawKind } : {}), ...(kind ? { kind } : {}), ...(roles ? { roles } : {}) }
      : { present: false },
    ...(typeof received === 'boolean' ? { authorizationReceived: received } : {}),
  };
}

function hasPointer(document: unknown, path: string): boolean {
  if (path === '') return true;
  const parent = pointer(document, path.slice(0, path.lastIndexOf('/')));
  const key = path.slice(path.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
  return parent !== null && typeof parent === 'object' && Object.prototype.hasOwnProperty.call(parent, key);
}

/**
 * Anonymous (seed 004): no identity at all, the component's anonymous kind, or an identity without a subject.
 * A subject, or a system/human kind, is not anonymous.
 */
export function isAnonymous(identity: ObservedIdentity): boolean {
  if (!identity.present) return true;
  if (identity.kind === 'system' || identity.kind === 'human') return false;
  // A subject or client id makes the caller somebody, whatever kind is stated; the one exception is a subject that
  // names the anonymous principal itself (Kong's and Apisix's anonymous consumer is literally "anonymous").
  const nobody = (value: string | undefined) => value === undefined || ANONYMOUS_PRINCIPAL.test(value);
  return nobody(identity.subject) && nobody(identity.clientId);
}

/** How gateways name the anonymous principal when they name one. */
const ANONYMOUS_PRINCIPAL = /^anonymous$/i;

/** One line for messages: what the component received. Subjects and client ids are not secrets. */
export function describeIdentity(identity: ObservedIdentity | undefined): string {
  if (!identity) return 'no readable identity';
  if (!identity.present) return 'no identity (null)';
  const parts = [
    `kind=${identity.rawKind ?? '(none)'}`,
    `subject=${identity.subject ?? '(none)'}`,
    `client_id=${identity.clientId ?? '(none)'}`,
    `roles/scopes=${identity.roles ? JSON.stringify(identity.roles) : '(not shown)'}`,
  ];
  return parts.join(' ');
}
