/**
 * Before a scenario runs: does it apply to this target, and can it be tested here?
 * - A requirement that binds a part the target does not have (an IdP-only profile names no gateway) -> not
 *   applicable, said so.
 * - A requirement that asks a client for an authentication method the profile says it is not registered for
 *   (clients.system.tokenEndpointAuthMethod) -> not applicable, with the clause that allows that.
 * - A requirement that binds a capability the target does not claim -> not applicable (never passed).
 * - A `@requires-<capability>` tag the target does not provide -> for a capability that says what the target is
 *   (it issues JWTs, has human login, ...) not applicable: the scenario's premise does not hold, nothing is left
 *   unjudged; for a test aid the profile could provide (a test-token signer, a short-TTL client, audit access)
 *   not testable, with what would make it so.
 */
import { requirement } from '../requirements/catalogue.ts';
import { CAPABILITIES, type Capability, type Requirement } from '../requirements/types.ts';
import type { NotRunReason } from '../verdict/media-types.ts';
import type { TargetDescription } from './target.ts';
import { servesHttps } from '../tls/endpoints.ts';

export type Applicability =
  | { readonly kind: 'applicable' }
  | { readonly kind: 'not-applicable' | 'not-testable'; readonly record: NotRunReason };

/** Capabilities that are test aids a profile can provide, not properties of the deployment: missing = not testable. */
export const TEST_AIDS: readonly Capability[] = ['test-token-signer', 'per-client-ttl', 'audit-log', 'foreign-issuer', 'other-audience-client'];

/**
 * Test aids that judge what another aid judges too: the genuine token of a second issuer (or of a client for
 * another API) and the test signer's token with another iss (aud) are two ways to the same refusal of REQ-BEARER-04.
 * Where the target gives the alternative, the missing aid leaves nothing of that refusal unjudged: the scenario is
 * not applicable, said so, rather than a not-testable gap that would mark REQ-BEARER-04 "partly judged" for every
 * target that gives a signer. What only the genuine token can show (a gateway that takes its keys from the issuer
 * the token names) is in the remedy.
 */
const ALTERNATIVE_AIDS: Readonly<Partial<Record<Capability, { readonly by: Capability; readonly judges: string; readonly profile: string; readonly adds: string }>>> = {
  'foreign-issuer': {
    by: 'test-token-signer',
    judges: 'the refusal of a token of another issuer is judged with the test-token signer\'s token instead',
    profile: 'foreignIssuer',
    adds: 'a gateway that takes its keys from the issuer the token names',
  },
  'other-audience-client': {
    by: 'test-token-signer',
    judges: 'the refusal of a token meant for another audience is judged with the test-token signer\'s token instead',
    profile: 'clients.otherAudience',
    adds: 'the audience a real client of the IdP gets for another API',
  },
};

/** What a profile gives for each test aid, for the not-testable remedy. */
const AID_REMEDY: Readonly<Partial<Record<Capability, string>>> = {
  'foreign-issuer': 'name a second issuer in the target profile (foreignIssuer: another realm or tenant and a client of it) or give a test-token signer (testTokenSigner)',
  'other-audience-client': 'name a client whose tokens are meant for another API in the target profile (clients.otherAudience) or give a test-token signer (testTokenSigner)',
};

/** Tag of the TLS scenarios (issue 19): they judge https URLs, and do not apply to a target that has none. */
export const HTTPS_TAG = '@requires-https';

/**
 * Capabilities that follow from a part the profile describes (not a claim to set true): when unclaimed, the reason
 * says what is missing and the remedy names the profile's entry.
 */
const FOLLOWS_FROM_ENTRY: Readonly<Partial<Record<Capability, { readonly reason: string; readonly remedy: string }>>> = {
  'jwks-control': {
    reason: "no gateway of this target fetches its keys from the kit's JWKS relay (jwks-control), so the kit can neither see the gateway's requests for the JWK Set, nor take the set down or slow, nor publish and remove a key",
    remedy: "point the jwks_uri of a test instance of the gateway at the kit's JWKS relay and describe both in the target profile (jwksRelay: { listen, gatewayUrl }; README \"Target profiles\")",
  },
};

/** Tag of a scenario whose requirements bind the IdP but whose steps go through the gateway too. */
export const USES_GATEWAY_TAG = '@uses-gateway';

/**
 * `@requires-<property>` tags met by any one of several capabilities (issue 19): readable-token-claims holds for JWT
 * access tokens and for opaque ones the target introspects (support/identity/claims.ts readClaims).
 */
export const ANY_OF_CAPABILITIES: Readonly<Record<string, readonly Capability[]>> = {
  'readable-token-claims': ['jwt-access-tokens', 'token-introspection'],
};

/**
 * Requirements on the RFC 8414 metadata document (and the issuer identifier as §2 defines it there). RFC 8414 §3
 * binds "authorization servers supporting metadata": publishing it is an option, so a target whose profile says
 * it publishes none (idp.metadata: false) is not judged on them at all — not applicable, never a gap.
 */
export const NEEDS_METADATA: readonly string[] = ['REQ-DISC-01', 'REQ-DISC-02', 'REQ-DISC-03', 'REQ-DISC-04', 'REQ-DISC-06', 'REQ-DISC-07', 'REQ-DISC-08', 'REQ-DISC-09', 'REQ-DISC-10', 'REQ-DISC-11'];
/** Requirements on the published JWK Set: a target that claims no JWT access tokens may publish none. */
const NEEDS_JWKS: readonly string[] = ['REQ-DISC-05'];

/** The parts of the stack behind the gateway: an IdP-only target has none of them. */
const BEHIND_THE_GATEWAY: readonly Requirement['component'][] = ['gateway', 'component'];

/**
 * Requirements that ask the system client for one way of authenticating, and the registrations that rule it out.
 * RFC 6749 §2.3.1: credentials in the body are a MAY (and NOT RECOMMENDED), so a client registered for Basic
 * only is right to be refused them. Basic itself is a MUST of the server, so nothing rules REQ-CAUTH-01 out.
 */
const NEEDS_BODY_AUTH: Readonly<Record<string, string>> = {
  'REQ-CAUTH-02': 'RFC 6749 §2.3.1 lets a server accept credentials in the form body (MAY); a client registered for HTTP Basic only may be refused them',
};

/**
 * Whether one requirement applies to the target on its own (no scenario tags beside it): what a root cause asks
 * before it probes or explains a dependent away (support/verdict/check.ts reportRootCause).
 */
export const requirementApplies = (target: TargetDescription, id: string): boolean => applicability(target, [`@${id}`]).kind === 'applicable';

export function applicability(target: TargetDescription, tags: readonly string[]): Applicability {
  const requirementIds = tags.filter((t) => t.startsWith('@REQ-')).map((t) => t.slice(1));
  const requirements = requirementIds.map((id) => requirement(id));
  const notApplicable = (reason: string, remedy: string): Applicability => ({ kind: 'not-applicable', record: { requirementIds, reason, remedy } });

  if (!target.gateway) {
    const behind = requirements.filter((r) => BEHIND_THE_GATEWAY.includes(r.component));
    if (behind.length > 0 || tags.includes(USES_GATEWAY_TAG)) {
      const which = behind.length > 0 ? `${behind.map((r) => r.id).join(', ')} bind the gateway or what is behind it` : 'the check goes through the gateway';
      return notApplicable(`the profile names no gateway (${which})`, 'add gateway: to the target profile to test the gateway too');
    }
  }

  if (target.metadata === false) {
    const onMetadata = requirements.filter((r) => NEEDS_METADATA.includes(r.id));
    if (onMetadata.length > 0) {
      return notApplicable(
        `the profile says the authorization server publishes no RFC 8414 metadata (idp.metadata: false); RFC 8414 §3 binds "authorization servers supporting metadata", so ${onMetadata.map((r) => r.id).join(', ')} do not apply`,
        'remove idp.metadata: false (and name idp.discoveryUrl) if the server publishes a metadata document',
      );
    }
  }
  if (target.jwksUri === undefined) {
    const onJwks = requirements.filter((r) => NEEDS_JWKS.includes(r.id));
    if (onJwks.length > 0) {
      return notApplicable(
        `the target publishes no JWK Set (the profile names no idp.jwksUri, its metadata no jwks_uri, and it claims no JWT access tokens), so ${onJwks.map((r) => r.id).join(', ')} has nothing to judge`,
        'name idp.jwksUri if the IdP publishes signing keys',
      );
    }
  }

  const systemMethod = target.clients.system.tokenEndpointAuthMethod;
  if (systemMethod !== undefined && systemMethod !== 'client_secret_post') {
    const ruledOut = requirements.filter((r) => NEEDS_BODY_AUTH[r.id] !== undefined);
    if (ruledOut.length > 0) {
      return notApplicable(
        `clients.system is registered for ${systemMethod} only (tokenEndpointAuthMethod), not for credentials in the form body: ${ruledOut.map((r) => `${r.id}: ${NEEDS_BODY_AUTH[r.id]}`).join('; ')}`,
        'leave tokenEndpointAuthMethod out (or set client_secret_post) if the client may send its credentials in the form body',
      );
    }
  }

  // Issue 19: the TLS checks (RFC 9325) bind https targets; on an http (loopback) target TLS is not in play.
  if (tags.includes(HTTPS_TAG) && !servesHttps(target)) {
    return notApplicable(
      "the target's URLs are http: TLS is not in play (RFC 9325 applies to https targets)",
      'give the https URLs of the deployment in the target profile (and tls.caFile if its CA is a private one)',
    );
  }

  const claims = (c: Capability) => target.capabilities[c] === true;
  const unclaimed = requirements.filter((r) => r.capability !== undefined && !claims(r.capability));
  if (unclaimed.length > 0) {
    const caps = [...new Set(unclaimed.map((r) => r.capability!))];
    const entry = FOLLOWS_FROM_ENTRY[caps[0]!];
    if (entry && caps.length === 1) return notApplicable(`${entry.reason} (required by ${unclaimed.map((r) => r.id).join(', ')})`, entry.remedy);
    return notApplicable(
      `the target does not claim ${caps.join(', ')} (required by ${unclaimed.map((r) => r.id).join(', ')})`,
      `set capabilities.${caps[0]}: true in the target profile if the deployment offers it`,
    );
  }
  // Issue 19: a premise that any one of several capabilities meets (a token's claims, from a JWT or through introspection).
  for (const [property, anyOf] of Object.entries(ANY_OF_CAPABILITIES)) {
    if (tags.includes(`@requires-${property}`) && !anyOf.some(claims)) {
      return notApplicable(`the target claims none of ${anyOf.join(', ')}, one of which this scenario's premise needs (${property})`, `set capabilities.${anyOf[0]}: true (or describe ${anyOf.slice(1).join(', ')}) in the target profile if the deployment offers it`);
    }
  }
  const required = tags
    .filter((t) => t.startsWith('@requires-'))
    .map((t) => t.slice('@requires-'.length))
    .filter((c): c is Capability => (CAPABILITIES as readonly string[]).includes(c) && !claims(c as Capability));
  const absent = required.filter((c) => !TEST_AIDS.includes(c));
  const entry = absent.length === 1 ? FOLLOWS_FROM_ENTRY[absent[0]!] : undefined;
  if (entry) return notApplicable(`${entry.reason}, which this scenario needs`, entry.remedy);
  if (absent.length > 0) {
    return notApplicable(
      `the target does not claim ${absent.join(', ')}, which this scenario's premise needs`,
      `set capabilities.${absent[0]}: true in the target profile if the deployment offers it`,
    );
  }
  const missing = required;
  const standIns = missing.map((c) => ALTERNATIVE_AIDS[c]);
  if (missing.length > 0 && standIns.every((a) => a !== undefined && claims(a.by))) {
    return notApplicable(
      `the target profile does not provide ${missing.join(', ')}; ${standIns.map((a) => a!.judges).join('; ')}`,
      `name ${standIns.map((a) => a!.profile).join(' and ')} in the target profile to check it with a genuine token too (it also shows ${standIns.map((a) => a!.adds).join('; ')})`,
    );
  }
  if (missing.length > 0) {
    const remedies = missing.map((c) => AID_REMEDY[c]).filter((r): r is string => r !== undefined);
    return {
      kind: 'not-testable',
      record: {
        requirementIds,
        reason: `the target profile does not provide ${missing.join(', ')}, which this check needs`,
        remedy: remedies.length === missing.length ? remedies.join('; ') : `describe ${missing.join(', ')} in the target profile (see README, "Target profile")`,
      },
    };
  }
  return { kind: 'applicable' };
}
