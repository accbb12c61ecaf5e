/**
 * The web front end's whole job for a scenario that only needs the customer's access token: log in through the
 * browser, redeem the code, keep the token — or take one a browser login of this run already produced
 * (token-cache.ts). The login and redemption are judged on the way (REQ-HUM-01/02, REQ-PKCE-01).
 */
import type { CtkWorld } from '../world.ts';
import type { TestUser } from '../target/target.ts';
import { describeOutcome } from '../http/exchange.ts';
import { tokenResponseOf } from '../oauth/token-client.ts';
import type { HumanTokenOutcome, HumanTokenSource } from '../identity/human-login.ts';
import { codeForRedemption, describeLogin, logInThroughBrowser } from './human-login.ts';
import { judgeTokenIssued, redeemCode } from './code-redemption.ts';
import { BrowserLoginSetupError } from './errors.ts';
import { cachedHumanToken, rememberHumanToken } from './token-cache.ts';
import { rememberAccessToken, rememberCustomer, rememberLogin } from './scenario-state.ts';

export async function customerAccessToken(world: CtkWorld, user: TestUser): Promise<string> {
  rememberCustomer(world, user);
  const cached = cachedHumanToken(user);
  if (cached) {
    world.log(`using ${user.username}'s access token from a browser login earlier in this run (${Math.round(cached.ageMs / 1000)} s ago)`);
    rememberAccessToken(world, cached.token);
    return cached.token;
  }
  const login = await logInThroughBrowser(world, user);
  rememberLogin(world, login);
  const token = judgeTokenIssued(world, await redeemCode(world, login, codeForRedemption(world, login)));
  rememberHumanToken(user, token.access_token, token.expires_in);
  rememberAccessToken(world, token.access_token);
  return token.access_token;
}

/**
 * The browser login as a source of human tokens for the identity checks (support/identity/human-login.ts tries
 * it before the password-style login). It does not judge: those checks are about what the token carries, not
 * how it was obtained, so a browser login that yields no token here is "unavailable" (with the reason) and the
 * next source is tried. features/human-login.feature is where the login itself is judged.
 */
export const browserLoginSource: HumanTokenSource = {
  name: 'browser login (authorization code + PKCE)',
  async obtain(world: CtkWorld, user: TestUser): Promise<HumanTokenOutcome> {
    const unavailable = (reason: string, remedy: string): HumanTokenOutcome => ({ kind: 'unavailable', reason: `browser login: ${reason}`, remedy });
    if (world.target.capabilities['human-login'] !== true) return unavailable('the target does not claim human-login', 'claim human-login in the target profile if humans log in through a browser');
    const cached = cachedHumanToken(user);
    if (cached) return { kind: 'token', token: cached.token, user, how: `${this.name}, earlier in this run` };
    try {
      const login = await logInThroughBrowser(world, user);
      const result = login.result;
      if (result.kind !== 'redirected' || !result.code || !result.stateMatches) {
        return unavailable(`${describeLogin(result)}${result.kind === 'redirected' && !result.stateMatches ? ' with another state than sent' : ''}`, 'see features/human-login.feature for the verdicts on the login itself');
      }
      const exchange = await redeemCode(world, login, result.code, { keepAsLast: false });
      const token = tokenResponseOf(exchange);
      if (!token) return unavailable(`the code gave no token (${describeOutcome(exchange)})`, 'see features/human-login.feature for the verdicts on the code redemption');
      rememberHumanToken(user, token.access_token, token.expires_in);
      return { kind: 'token', token: token.access_token, user, how: this.name };
    } catch (error) {
      if (error instanceof BrowserLoginSetupError) return unavailable(error.detail, error.remedy);
      throw error;
    }
  },
};
