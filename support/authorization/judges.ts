/**
 * The judgements of the authorization endpoint (issue 20), each on the answers of probe.ts. A refusal only
 * counts where the same request with the registered redirect_uri / an S256 challenge is NOT refused: a server
 * that refuses everything proves nothing, and is reported as not judged.
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import { check, couldNotJudge, doesNotApply, reportRootCause } from '../verdict/check.ts';
import { requirementApplies } from '../target/applicability.ts';
import { findMetadata } from '../discovery/metadata.ts';
import { describeAnswer, goesOnToLogin, isRefusal, probeAuthorization, type AuthorizationProbe, type AuthorizingClient } from './probe.ts';
import { isLoopbackHttp } from '../browser/callback.ts';
import type { ApplicationType } from '../target/target.ts';

/** A response_type no server supports: RFC 6749 §4.1.2.1 answers it with an error delivered to the redirect URI. */
export const UNSUPPORTED_RESPONSE_TYPE = 'ctk_unsupported_response_type';

/** A variant that the clause itself allows for this registered URI: not tried, with the reason. */
export interface ExemptVariant {
  readonly exempt: string;
}

/** How the kit changes the registered redirect URI (REQ-AUTHZ-01: another URI; REQ-AUTHZ-02: an extended one). */
export const REDIRECT_URI_VARIANTS: Readonly<Record<string, (registered: URL, applicationType?: ApplicationType) => string | ExemptVariant>> = {
  'on another host': (u) => `https://ctk-attacker.invalid${u.pathname}${u.search}`,
  // The registered origin as userinfo: a prefix or "starts with the host" check is fooled, the browser goes to the other host.
  'with the registered host as user information': (u) => `${u.protocol}//${u.host}@ctk-attacker.invalid${u.pathname}${u.search}`,
  'with an extra path segment': (u) => {
    const v = new URL(u);
    v.pathname = `${u.pathname.replace(/\/$/, '')}/ctk-extra`;
    return v.toString();
  },
  'with a suffix on its last path segment': (u) => {
    const v = new URL(u);
    v.pathname = `${u.pathname.replace(/\/$/, '')}-ctk-extra`;
    return v.toString();
  },
  'with an extra query parameter': (u) => {
    const v = new URL(u);
    v.searchParams.append('ctk-extra', '1');
    return v.toString();
  },
  'on another port': (u, applicationType) => {
    // RFC 9700 §2.1 exempts only a native app's loopback port (RFC 8252 §7.3); a client the profile declares a web
    // client has its loopback URI compared by exact string like any other.
    if (isLoopbackHttp(u) && applicationType !== 'web') {
      return {
        exempt: `${u.toString()} is a loopback redirect URI, whose port a native app may vary (RFC 9700 §2.1, RFC 8252 §7.3); the profile does not declare the client a web client (applicationType: web)`,
      };
    }
    const v = new URL(u);
    const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
    v.port = String(port === 65535 ? port - 1 : port + 1);
    return v.toString();
  },
};

export class UnknownVariantError extends Error {
  constructor(variant: string) {
    super(`unknown redirect_uri variant "${variant}" in the feature file; known: ${Object.keys(REDIRECT_URI_VARIANTS).join(', ')}`);
    this.name = 'UnknownVariantError';
  }
}

export function redirectUriVariant(registered: string, variant: string, applicationType?: ApplicationType): string | ExemptVariant {
  const make = REDIRECT_URI_VARIANTS[variant];
  if (!make) throw new UnknownVariantError(variant);
  return make(new URL(registered), applicationType);
}

/** The same request with the registered and with another redirect_uri, each once valid and once with an error due. */
export type RedirectUriTrial = RedirectUriProbes | (ExemptVariant & { readonly other?: undefined });

export interface RedirectUriProbes {
  readonly other: string;
  readonly registered: { readonly valid: AuthorizationProbe; readonly erroneous: AuthorizationProbe };
  readonly changed: { readonly valid: AuthorizationProbe; readonly erroneous: AuthorizationProbe };
}

export async function probeRedirectUri(world: CtkWorld, who: AuthorizingClient, other: string): Promise<RedirectUriProbes> {
  const erroneous = { response_type: UNSUPPORTED_RESPONSE_TYPE };
  return {
    other,
    registered: { valid: await probeAuthorization(world, who), erroneous: await probeAuthorization(world, who, erroneous) },
    changed: {
      valid: await probeAuthorization(world, who, { redirect_uri: other }),
      erroneous: await probeAuthorization(world, who, { ...erroneous, redirect_uri: other }),
    },
  };
}

/**
 * REQ-AUTHZ-01 / -02: the other redirect_uri is never redirected to (RFC 6749 §4.1.2.1), neither with a valid
 * request nor with an error due. Earned where the server was seen to redirect to the registered URI (its error
 * response) or to refuse the other URI where it took the registered one on to the login.
 */
export async function judgeNotRedirected(world: CtkWorld, requirement: string, trial: RedirectUriTrial, who: AuthorizingClient): Promise<void> {
  if ('exempt' in trial) {
    doesNotApply(world, { requirement, expected: 'no redirect to the changed redirect_uri', why: trial.exempt });
    return;
  }
  const { registered, changed, other } = trial;
  const expected = `no redirect to ${other} (RFC 6749 §4.1.2.1: an error shown to the user, never a redirect to an invalid redirection URI)`;
  const observed =
    `with ${other}: ${describeAnswer(changed.valid)}; with it and an unsupported response_type: ${describeAnswer(changed.erroneous)} ` +
    `(with the registered ${registered.valid.redirectUri}: ${describeAnswer(registered.valid)}; with an unsupported response_type: ${describeAnswer(registered.erroneous)})`;
  const redirected = [changed.valid, changed.erroneous].filter((p) => p.answer.kind === 'redirected');
  const earned = registered.erroneous.answer.kind === 'redirected' || (changed.valid.answer.kind === 'error-page' && goesOnToLogin(registered.valid.answer));
  if (redirected.length === 0 && !earned) {
    couldNotJudge(world, {
      requirement,
      expected,
      observed,
      why: `${observed}: the registered redirect_uri got no redirect either, nor a login where the other got an error page, so an absent redirect proves nothing`,
    });
    return;
  }
  if (redirected.length > 0 && (await redirectedToAnotherHostToo(world, requirement, who, expected))) return;
  check(world, { requirement, expected, observed }, () => expect(redirected.map(describeAnswer), 'redirects to the other redirect_uri').to.deep.equal([]));
}

/** The requirement a server that redirects to a redirect_uri never registered, on another host, breaks (RFC 6749 §4.1.2.1). */
const UNCHECKED_REDIRECT_ROOT = 'REQ-AUTHZ-01';

/**
 * One cause, one finding (support/verdict/check.ts reportRootCause). A registered redirect URI extended by a path,
 * a suffix, a query or another port (REQ-AUTHZ-02) that was redirected to is, where a redirect_uri on another host
 * is redirected to as well, a server that checks no redirect_uri at all: REQ-AUTHZ-01's finding, and REQ-AUTHZ-02 is
 * not judged on it. The other host is asked only after such a redirect; where it is not redirected to (a server
 * matching prefixes), the extended URI's redirect is REQ-AUTHZ-02's own finding. True when it reported (the scenario
 * stops at REQ-AUTHZ-01, a MUST).
 */
export async function redirectedToAnotherHostToo(world: CtkWorld, requirement: string, who: AuthorizingClient, expected: string): Promise<boolean> {
  if (requirement === UNCHECKED_REDIRECT_ROOT || !requirementApplies(world.target, UNCHECKED_REDIRECT_ROOT)) return false;
  const host = redirectUriVariant(who.redirectUri, 'on another host');
  if (typeof host !== 'string') return false;
  const valid = await probeAuthorization(world, who, { redirect_uri: host });
  const erroneous = await probeAuthorization(world, who, { response_type: UNSUPPORTED_RESPONSE_TYPE, redirect_uri: host });
  const there = [valid, erroneous].filter((p) => p.answer.kind === 'redirected');
  if (there.length === 0) return false;
  reportRootCause(
    world,
    {
      requirement: UNCHECKED_REDIRECT_ROOT,
      expected: `no redirect to ${host} (RFC 6749 §4.1.2.1: an error shown to the user, never a redirect to an invalid redirection URI)`,
      observed: `with ${host}: ${describeAnswer(valid)}; with it and an unsupported response_type: ${describeAnswer(erroneous)}`,
    },
    () => expect(there.map(describeAnswer), 'redirects to the other host').to.deep.equal([]),
    [{ requirement, expected }],
    { why: `a redirect_uri on another host (${host}) is redirected to as well: the server checks no redirect_uri at all` },
  );
  return true;
}

/** The same authorization request, once as changed and once as the kit's front end sends it (S256). */
export interface PkceProbes {
  readonly changed: AuthorizationProbe;
  readonly control: AuthorizationProbe;
}

export async function probePkce(world: CtkWorld, who: AuthorizingClient, overrides: Readonly<Record<string, string | null>>): Promise<PkceProbes> {
  return { changed: await probeAuthorization(world, who, overrides), control: await probeAuthorization(world, who) };
}

/** REQ-AUTHZ-03 / -04: the changed request is refused where the S256 one goes on to the login. */
export function judgePkceRefused(world: CtkWorld, requirement: string, probes: PkceProbes, what: string): void {
  const expected = `${what} refused: an error page, or error=invalid_request delivered to the redirect URI (RFC 7636 §4.4.1)`;
  const observed = `${describeAnswer(probes.changed)} (with an S256 code_challenge: ${describeAnswer(probes.control)})`;
  if (!goesOnToLogin(probes.control.answer)) {
    couldNotJudge(world, { requirement, expected, observed, why: `${observed}: the request with an S256 code_challenge did not go on to a login either, so a refusal proves nothing` });
    return;
  }
  check(world, { requirement, expected, observed }, () => expect(isRefusal(probes.changed.answer), 'refused').to.equal(true));
}

/**
 * REQ-AUTHZ-06 (RFC 9207 §2): where the metadata advertises authorization_response_iss_parameter_supported, the
 * authorization response (`params`, a code's or an error's) carries iss equal to the issuer.
 */
export async function judgeIssuerParameter(world: CtkWorld, params: URLSearchParams, what: string): Promise<void> {
  const requirement = 'REQ-AUTHZ-06';
  const issuer = world.target.issuer;
  const expected = `${what} carries iss=${issuer} (RFC 9207 §2)`;
  const found = await findMetadata(world);
  const advertised = 'metadata' in found ? found.metadata?.authorization_response_iss_parameter_supported : undefined;
  if (advertised !== true) {
    doesNotApply(world, {
      requirement,
      expected,
      why: 'notFound' in found ? `${found.notFound}: the server claims no RFC 9207 support` : `the metadata has authorization_response_iss_parameter_supported=${JSON.stringify(advertised ?? null)}, not true`,
    });
    return;
  }
  const iss = params.getAll('iss');
  check(world, { requirement, expected, observed: `iss=${JSON.stringify(iss.length === 1 ? iss[0] : iss)}` }, () => expect(iss).to.deep.equal([issuer]));
}
