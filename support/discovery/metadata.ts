/**
 * Finding and judging the authorization server metadata (RFC 8414 §3; OpenID Connect Discovery 1.0 §4).
 * Where the profile names the document (discoveryUrl), that URL is judged as it answers. Otherwise the kit tries
 * the well-known locations an issuer may use, in order:
 *   1. RFC 8414 §3.1: /.well-known/oauth-authorization-server inserted between host and issuer path;
 *   2. OpenID Discovery §4.1: the issuer with /.well-known/openid-configuration appended;
 *   3. RFC 8414 §5 style insertion of openid-configuration.
 * When none answers with a JSON object, the metadata scenarios are not testable: publishing metadata is optional.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { describeOutcome, jsonOf, type Exchange } from '../http/exchange.ts';
import { check } from '../verdict/check.ts';
import type { TargetDescription } from '../target/target.ts';
import { stateKey } from '../scenario-state.ts';

export interface FoundMetadata {
  readonly url: string;
  readonly exchange: Exchange;
  /** The JSON object, when the answer is one. */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** The profile named this URL (judge it as it answers) rather than the kit finding it. */
  readonly configured: boolean;
}

export function wellKnownCandidates(issuer: string): string[] {
  const u = new URL(issuer);
  const path = u.pathname === '/' ? '' : u.pathname.replace(/\/$/, '');
  const origin = u.origin;
  return [
    `${origin}/.well-known/oauth-authorization-server${path}`,
    `${origin}${path}/.well-known/openid-configuration`,
    `${origin}/.well-known/openid-configuration${path}`,
  ].filter((v, i, all) => all.indexOf(v) === i);
}

export async function findMetadata(world: CtkWorld): Promise<FoundMetadata | { readonly notFound: string }> {
  const target = world.target;
  const get = (url: string) => world.send({ method: 'GET', url, headers: { accept: 'application/json' } }, { keepAsLast: false });
  if (target.discoveryUrl) {
    const exchange = await get(target.discoveryUrl);
    const metadata = exchange.response?.status === 200 ? jsonOf(exchange) : undefined;
    return { url: target.discoveryUrl, exchange, configured: true, ...(metadata ? { metadata } : {}) };
  }
  const tried: string[] = [];
  for (const url of wellKnownCandidates(target.issuer)) {
    const exchange = await get(url);
    const metadata = exchange.response?.status === 200 ? jsonOf(exchange) : undefined;
    if (metadata) return { url, exchange, metadata, configured: false };
    tried.push(`${url}: ${describeOutcome(exchange)}`);
  }
  return { notFound: `no authorization server metadata was found (${tried.join('; ')})` };
}

export const METADATA_REMEDY = 'set discoveryUrl in the target profile if the deployment publishes its metadata elsewhere';

const KEY = stateKey<FoundMetadata>('authorization server metadata');
export const rememberMetadata = (world: CtkWorld, found: FoundMetadata): FoundMetadata => world.state.remember(KEY, found);
export const theMetadata = (world: CtkWorld): FoundMetadata => world.state.recall(KEY);

/** REQ-DISC-01 (RFC 8414 §3.2): 200, application/json, a JSON object. */
export function judgeMetadataDocument(world: CtkWorld, found: FoundMetadata): void {
  const type = found.exchange.response?.headers['content-type'] ?? '(none)';
  check(
    world,
    {
      requirement: 'REQ-DISC-01',
      expected: `200 with a JSON object as application/json at ${found.url}`,
      observed: found.exchange.response ? `HTTP ${found.exchange.response.status}, Content-Type ${type}${found.metadata ? '' : ', no JSON object'}` : found.exchange,
    },
    () => {
      expect(found.exchange.response?.status, 'status').to.equal(200);
      expect(type, 'Content-Type').to.match(/^application\/json\s*(;|$)/i);
      expect(found.metadata, 'JSON object').to.be.an('object');
    },
  );
}

const member = (found: FoundMetadata, name: string): unknown => found.metadata?.[name];

/**
 * REQ-DISC-02: issuer identical to the issuer identifier the target is known by, and — RFC 8414 §3.3, OpenID
 * Discovery §4.3 — the document was fetched from a well-known location formed from that very issuer (a profile
 * that names only discoveryUrl takes its issuer from the document, so that is where a mismatch shows).
 */
export function judgeMetadataIssuer(world: CtkWorld, found: FoundMetadata, target: TargetDescription): void {
  const issuer = member(found, 'issuer');
  check(
    world,
    { requirement: 'REQ-DISC-02', expected: `issuer exactly ${JSON.stringify(target.issuer)} (the issuer identifier the metadata URL was formed from)`, observed: `issuer ${JSON.stringify(issuer)}` },
    () => expect(issuer).to.equal(target.issuer),
  );
  const formedFrom = typeof issuer === 'string' && isAbsoluteUrl(issuer) ? wellKnownCandidates(issuer) : [];
  check(
    world,
    {
      requirement: 'REQ-DISC-02',
      expected: `metadata fetched from a well-known location of its issuer ${JSON.stringify(issuer)} (${formedFrom.join(' or ') || 'none: the issuer is no URL'})`,
      observed: `the document at ${found.url}`,
    },
    () => expect(formedFrom).to.include(found.url),
  );
}

const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || /^127\./.test(host);

/** Whether a URL uses https, loopback hosts exempt (REQ-DISC-10, REQ-TOK-18). */
export function isTlsOrLoopback(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'https:' || (u.protocol === 'http:' && isLoopbackHost(u.hostname));
  } catch {
    return false;
  }
}

/** REQ-DISC-10: the issuer is an https URL without query or fragment. */
export function judgeIssuerForm(world: CtkWorld, found: FoundMetadata): void {
  const issuer = member(found, 'issuer');
  check(
    world,
    { requirement: 'REQ-DISC-10', expected: 'issuer: an https URL (http only on loopback) without query or fragment', observed: `issuer ${JSON.stringify(issuer)}` },
    () => {
      expect(issuer, 'issuer').to.be.a('string');
      expect(isTlsOrLoopback(issuer as string), 'https').to.equal(true);
      const u = new URL(issuer as string);
      expect(u.search, 'query').to.equal('');
      expect(u.hash, 'fragment').to.equal('');
      expect(issuer as string, 'no "?" or "#"').to.not.match(/[?#]/);
    },
  );
}

const isAbsoluteUrl = (value: unknown): boolean => {
  if (typeof value !== 'string') return false;
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** REQ-DISC-03: token_endpoint, an absolute URL. */
export function judgeTokenEndpointMember(world: CtkWorld, found: FoundMetadata): void {
  check(world, { requirement: 'REQ-DISC-03', expected: 'token_endpoint: an absolute URL', observed: `token_endpoint ${JSON.stringify(member(found, 'token_endpoint'))}` }, () =>
    expect(isAbsoluteUrl(member(found, 'token_endpoint')), 'absolute URL').to.equal(true),
  );
}

/** REQ-DISC-04 (first half): jwks_uri, an absolute URL. Returns it. */
export function judgeJwksUriMember(world: CtkWorld, found: FoundMetadata): string {
  const uri = member(found, 'jwks_uri');
  check(world, { requirement: 'REQ-DISC-04', expected: 'jwks_uri: an absolute URL', observed: `jwks_uri ${JSON.stringify(uri)}` }, () =>
    expect(isAbsoluteUrl(uri), 'absolute URL').to.equal(true),
  );
  return uri as string;
}

/** REQ-DISC-09: response_types_supported, a JSON array of strings. */
export function judgeResponseTypes(world: CtkWorld, found: FoundMetadata): void {
  const value = member(found, 'response_types_supported');
  check(world, { requirement: 'REQ-DISC-09', expected: 'response_types_supported: a JSON array of strings', observed: `response_types_supported ${JSON.stringify(value) ?? '(absent)'}` }, () => {
    expect(value, 'array').to.be.an('array');
    for (const v of value as unknown[]) expect(v).to.be.a('string');
  });
}

/**
 * A value a metadata list should hold; when the member is absent, its RFC 8414 §2 default counts
 * (`defaults` undefined: absence is fine).
 */
export function judgeListed(world: CtkWorld, found: FoundMetadata, requirement: string, name: string, value: string, defaults?: readonly string[]): void {
  const list = member(found, name);
  const effective = Array.isArray(list) ? list : defaults;
  check(
    world,
    {
      requirement,
      expected: `${name} listing "${value}"${defaults ? ` (absent, it defaults to ${JSON.stringify(defaults)})` : ' when present'}`,
      observed: `${name} ${list === undefined ? `absent${defaults ? `, so ${JSON.stringify(defaults)}` : ''}` : JSON.stringify(list)}`,
    },
    () => {
      if (list !== undefined) expect(list, `${name} is an array`).to.be.an('array');
      if (effective !== undefined) expect(effective).to.include(value);
    },
  );
}
