/**
 * Presenting an access token to the gateway's protected route and judging what the gateway did with it
 * (RFC 6750 §3, §3.1; RFC 9068 §4). Refusals are judged in three steps so each diagnosis names its own clause:
 * the token did not get through (REQ-BEARER-04, MUST), the gateway did not fail with a 5xx (REQ-BEARER-12, MUST),
 * and the refusal is 401 with `WWW-Authenticate: Bearer error="invalid_token"` (REQ-BEARER-05, SHOULD) — whose
 * Bearer challenge, whatever the status, is RFC 6750 §3's MUST (REQ-BEARER-20).
 */
import { expect } from 'chai';
import type { CtkWorld } from '../world.ts';
import type { Exchange } from '../http/exchange.ts';
import { check, couldNotJudge } from '../verdict/check.ts';
import { positiveControl, underControl } from '../gateway/positive-control.ts';
import { explainedByIssuerDefect } from './issued-token-defect.ts';
import { judgeTokenRefusal, servedWithoutAnyCredentials, serverErrorForBadToken, withTokenChallenge } from '../gateway/verdicts.ts';
import { isTagged } from '../oauth/scenario.ts';
import { param, parseWwwAuthenticate } from '../gateway/www-authenticate.ts';
import { bearer, callGateway, isClientError, isSuccess } from '../gateway/gateway-client.ts';
import { stateKey } from '../scenario-state.ts';

/** The token a scenario presents to the gateway, with words for diagnoses ("an expired token of ctk-short-ttl"). */
export interface PresentedToken {
  readonly token: string;
  readonly description: string;
  /**
   * What the kit saw apart from the gateway's answer, read when the refusal is judged: "the gateway fetched the JWK
   * Set URL the token names 1 time". Goes into the diagnosis after the description.
   */
  readonly aside?: () => string | undefined;
  /** Made by the target's test signer (crafted.ts signerToken), not issued by the issuer. */
  readonly madeByTestSigner?: boolean;
}

const PRESENTED = stateKey<PresentedToken>('token to present to the gateway');
export const rememberPresented = (world: CtkWorld, presented: PresentedToken): PresentedToken => world.state.remember(PRESENTED, presented);
export const thePresented = (world: CtkWorld): PresentedToken => world.state.recall(PRESENTED);
export function presentedDescription(world: CtkWorld, fallback: string): string {
  const presented = world.state.peek(PRESENTED);
  if (!presented) return fallback;
  const aside = presented.aside?.();
  return aside ? `${presented.description} (${aside})` : presented.description;
}

export async function callProtectedRoute(world: CtkWorld, token: string): Promise<Exchange> {
  return callGateway(world, { route: 'protected', authorization: bearer(token) });
}

/**
 * The error code of the Bearer challenge, if any (RFC 6750 §3: error="..."). Read with the challenge parser, not a
 * regex over the whole value: RFC 9110 §11.6.1 lets another challenge with its own error come before the Bearer one,
 * and RFC 6750 §3 lets error_description (whose characters include "=" and ",") come before error, so the first
 * `error=` in the header is not necessarily the Bearer challenge's. Several fields joined with ", " parse as one
 * (RFC 9110 §5.3).
 */
export function bearerError(www: string | undefined): string | undefined {
  if (!www) return undefined;
  const bearer = parseWwwAuthenticate(www).challenges.find((c) => c.scheme.toLowerCase() === 'bearer');
  return bearer ? param(bearer, 'error') : undefined;
}


/**
 * The token was refused: a 4xx (REQ-BEARER-04; a reset or a 5xx is no refusal), not a 5xx (REQ-BEARER-12), and 401
 * invalid_token (REQ-BEARER-05). Judged only where the protected route serves a valid token in this scenario (its
 * positive control): a gateway that refuses everything refuses forged tokens too, and proves nothing by it.
 * `refusal` names the clause that makes this token one to refuse, where another than REQ-BEARER-04's does (an unknown
 * critical header extension, RFC 7515 §4.1.11: REQ-BEARER-17).
 */
export async function judgeGatewayRefusal(world: CtkWorld, exchange: Exchange, situation: string, refusal = 'REQ-BEARER-04'): Promise<void> {
  const judged = withTokenChallenge(world, [refusal, ...['REQ-BEARER-12', 'REQ-BEARER-05'].filter((id) => isTagged(world, id))]);
  if (!(await underControl(world, 'protected', judged, `the gateway refuses ${situation} with a 4xx`))) return;
  const refused = `the gateway refuses ${situation} with a 4xx (the resource is not served)`;
  // A 5xx or no answer is REQ-BEARER-12's one finding, not a second one ("let through") of the refusal's requirement.
  // The requirements that judge the refusal are then not judged on it (REQ-BEARER-12 itself is judged in there).
  if (serverErrorForBadToken(world, exchange, judged.filter((id) => id !== 'REQ-BEARER-12'), refused)) return;
  // A route that serves a request without any credentials validates no token: REQ-ANON-04's one finding, not this one.
  if (await servedWithoutAnyCredentials(world, withTokenChallenge(world, [refusal, ...(isTagged(world, 'REQ-BEARER-05') ? ['REQ-BEARER-05'] : [])]), exchange, refused)) return;
  check(world, { requirement: refusal, expected: refused, observed: exchange }, () => {
    expect(isSuccess(exchange), 'admitted').to.equal(false);
    expect(isClientError(exchange), 'an HTTP refusal (4xx)').to.equal(true);
  });
  if (isTagged(world, 'REQ-BEARER-12')) {
    check(world, { requirement: 'REQ-BEARER-12', expected: `a 4xx refusal of ${situation}, never a 5xx or no answer`, observed: exchange }, () => {
      expect(exchange.response, 'HTTP answer').to.not.equal(undefined);
      expect(exchange.response!.status).to.be.below(500);
    });
  }
  // The token does not enable access: the refusal's challenge is RFC 6750 §3's MUST (REQ-BEARER-20), its status and
  // error code §3.1's SHOULD (REQ-BEARER-05), each judged as its own clause on this answer (judgeTokenRefusal).
  if (isTagged(world, 'REQ-BEARER-05')) {
    const www = exchange.response?.headers['www-authenticate'];
    judgeTokenRefusal(world, exchange, {
      requirement: 'REQ-BEARER-05',
      status: 401,
      expected: `401 with WWW-Authenticate: Bearer error="invalid_token" for ${situation}`,
      situation,
      assertion: () => {
        expect(exchange.response?.status, 'status').to.equal(401);
        expect(bearerError(www), 'Bearer error').to.equal('invalid_token');
      },
    });
  }
}

/**
 * The token was served (2xx). REQ-BEARER-01 is itself the gateway's positive control; a refusal judged for any other
 * requirement this way (a rotated key's token, a token from before a rotation) is a finding only where the protected
 * route serves the system client's ordinary token in this scenario: a gateway that serves nothing fails REQ-BEARER-01
 * once. An admission needs no control: the 2xx is what the requirement asks for.
 */
export async function judgeGatewayAdmission(world: CtkWorld, exchange: Exchange, requirement: string, situation: string): Promise<void> {
  const expected = `the gateway serves the protected route (2xx) for ${situation}`;
  // Served: the admission is its own proof. Refused: only a route shown to serve a valid token makes it a finding.
  if (requirement !== 'REQ-BEARER-01' && !isSuccess(exchange) && !(await underControl(world, 'protected', [requirement], expected))) return;
  // A token the issuer got wrong (RFC 9068 §4: typ, iss, signature, aud) is the issuer's finding, not the gateway's.
  if (requirement === 'REQ-BEARER-01' && (await explainedByIssuerDefect(world, requirement, exchange, expected))) return;
  if (requirement === 'REQ-BEARER-01' && !isSuccess(exchange) && (await testSignerNotTaken(world, expected))) return;
  check(world, { requirement, expected, observed: exchange }, () => expect(isSuccess(exchange), 'admitted').to.equal(true));
}

/**
 * A refused token of the target's test signer, where the gateway serves the issuer's own token (the protected route's
 * positive control): the gateway does not take the signer the profile names (testSigner), or it asks the issuer about
 * every token (RFC 7662 introspection: the issuer never issued the signer's token, so it is inactive there — fault
 * gateway-introspection-drops-cnf failed REQ-BEARER-01 on this beside REQ-DPOP-05). The Authorization header is
 * supported (RFC 6750 §2.1: the issuer's token came through it), so this is a set-up the signer's checks cannot use:
 * not judged, never passed. A route that refuses the issuer's token too stays REQ-BEARER-01's finding.
 */
async function testSignerNotTaken(world: CtkWorld, expected: string): Promise<boolean> {
  if (world.state.peek(PRESENTED)?.madeByTestSigner !== true) return false;
  const control = await positiveControl(world, 'protected');
  if (!control.held) return false;
  couldNotJudge(world, {
    requirement: 'REQ-BEARER-01',
    expected,
    why: `the gateway serves the issuer's own token (${control.observed}) but not the test signer's with the same claims: it does not take the signer the profile names (testSigner), or it asks the issuer about every token (introspection), so the signer's tokens show nothing about it`,
  });
  return true;
}

/**
 * Presents the token until the gateway admits it or `boundMs` has passed (a gateway may take a while to fetch a
 * rotated key set: jose's default cooldown is 30 s). Returns the last exchange; polls every `everyMs`.
 */
export async function presentUntilAdmitted(world: CtkWorld, token: string, boundMs: number, everyMs = 500): Promise<Exchange> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const exchange = await callProtectedRoute(world, token);
    if (isSuccess(exchange) || Date.now() + everyMs > deadline) return exchange;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
