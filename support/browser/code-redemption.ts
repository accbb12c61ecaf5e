/**
 * The front end's back channel: redeeming an authorization code at the token endpoint (RFC 6749 §4.1.3) with
 * the PKCE code_verifier (RFC 7636 §4.5). The web client authenticates the way the profile registered it (HTTP
 * Basic by default, RFC 6749 §2.3.1, or the form body); a public web client (no secret) sends only its client_id.
 */
import type { CtkWorld } from '../world.ts';
import { expect } from 'chai';
import { describeOutcome, type Exchange } from '../http/exchange.ts';
import { requestToken, tokenResponseOf, type TokenResponse } from '../oauth/token-client.ts';
import { check } from '../verdict/check.ts';
import { NotTestableError } from '../verdict/not-testable.ts';
import { judgeRefusal as judgeTokenEndpointRefusal } from '../oauth/token-errors.ts';
import type { HumanLogin } from './human-login.ts';

export interface RedemptionOptions {
  /** The verifier to send: default the login's own; null sends none. */
  readonly codeVerifier?: string | null;
  /** The redirect_uri to send: default the one of the authorization request. */
  readonly redirectUri?: string;
  readonly keepAsLast?: boolean;
}

/**
 * The RFC 8707 resource the login asked for (browserLogin.extraParams.resource), named again in the redemption:
 * RFC 8707 §2.2 lets the client name the resource it wants the access token for at the token endpoint, and an IdP
 * may need it there — oidc-provider answers a code with the `openid` scope and no `resource` with an access token
 * for its userinfo endpoint, not for the API (its features.resourceIndicators rules). Only `resource`: the other
 * authorization-request parameters (audience, ...) are no token request parameters of any standard.
 */
export function redemptionResource(world: CtkWorld): Record<string, string> {
  const resource = world.target.browserLogin?.extraParams?.resource;
  return resource ? { resource } : {};
}

export async function redeemCode(world: CtkWorld, login: HumanLogin, code: string, options: RedemptionOptions = {}): Promise<Exchange> {
  const web = world.target.clients.web!;
  const verifier = options.codeVerifier === undefined ? login.request.codeVerifier : options.codeVerifier;
  const extraParams: Record<string, string> = {
    code,
    redirect_uri: options.redirectUri ?? login.request.redirectUri,
    ...(verifier !== null ? { code_verifier: verifier } : {}),
    ...redemptionResource(world),
  };
  // The way the profile registered the web client: Basic (default), the form body, or none (public: client_id only);
  // left to requestToken, which sends it in the form body where HTTP Basic is refused to every client (REQ-CAUTH-01).
  return requestToken(world, web, {
    grantType: 'authorization_code',
    extraParams,
    // A redemption is neither a client-credentials nor a password request: the profile's token request parameters
    // are not for it (only the login's own resource, above), and it carries no scope (RFC 6749 §4.1.3: the
    // authorization's scope applies).
    targetParameters: false,
    keepAsLast: options.keepAsLast ?? true,
  });
}

/**
 * The judgement of a refused redemption, as every token endpoint refusal (oauth/token-errors.ts): above all no access
 * token (the requirement's MUST: issuing one is the break the check exists for), then one of the expected error codes.
 * The status is RFC 6749 §5.2's "400 (Bad Request) (unless specified otherwise)", no keyword: REQ-TOK-17's, a
 * warning, not this requirement's failure (fault non-client-errors-403 failed REQ-HUM-05, -PKCE-02/-03 and
 * REQ-AUTHZ-05/-08 beside REQ-TOK-17 on a correct invalid_grant with 403). A 429 is the rate limit's answer, judged
 * by the REQ-RL scenarios (fault global-rate-limit failed REQ-PKCE-02 on it).
 */
export function judgeRefusal(world: CtkWorld, exchange: Exchange, requirementId: string, errors: readonly string[], what: string): void {
  judgeTokenEndpointRefusal(world, exchange, { requirement: requirementId, codes: errors, situation: what, statusRequirement: 'REQ-TOK-17' });
}

/** REQ-PKCE-01: the code with its verifier gives a Bearer access token (RFC 6749 §4.1.4, §5.1). Returns it. */
export function judgeTokenIssued(world: CtkWorld, exchange: Exchange): TokenResponse {
  // A 429 says nothing about the code (RFC 6585 §4): the REQ-RL scenarios judge the limit (fault global-rate-limit).
  if (exchange.response?.status === 429) {
    throw new NotTestableError(`the token endpoint answered the code's redemption with its rate limit (${describeOutcome(exchange)}), not about the code`, {
      remedy: 'run again with less load on the token endpoint; the REQ-RL scenarios judge the limit itself',
    });
  }
  const token = tokenResponseOf(exchange);
  check(world, { requirement: 'REQ-PKCE-01', expected: '200 with a JSON token response for the code and its code_verifier: access_token and token_type Bearer (RFC 6749 §4.1.4, §5.1)', observed: exchange }, () => {
    expect(token?.access_token).to.be.a('string').and.not.empty;
    expect(String(token?.token_type).toLowerCase()).to.equal('bearer');
  });
  return token!;
}
