/**
 * The web front end's whole job for a scenario that only needs the customer's access token: log in through the
 * browser, redeem the code, keep the token — or take one a browser login of this run already produced
 * (token-cache.ts). The login and redemption are judged on the way (REQ-HUM-01/02, REQ-PKCE-01).
 */
import type { CtkWorld } from '../world.ts';
import type { TestUser } from '../target/target.ts';
import { codeForRedemption, logInThroughBrowser } from './human-login.ts';
import { judgeTokenIssued, redeemCode } from './code-redemption.ts';
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
