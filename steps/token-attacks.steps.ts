/** Steps of features/gateway-token-attacks.feature: tokens that attack the gateway through their header and size. */
import { Given, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { markNotTestable, type NotTestable } from '../support/oauth/token-requests.ts';
import { judgeGatewayRefusal, presentedDescription, rememberPresented, type PresentedToken } from '../support/jwt/gateway.ts';
import { headerAttackToken, judgeSignedAttackRefusal, oversizedToken, signedAttackToken } from '../support/jwt/header-attacks.ts';

function presented(world: CtkWorld, token: PresentedToken | NotTestable) {
  if ('notTestable' in token) return markNotTestable(world, token);
  rememberPresented(world, token);
  return undefined;
}

Given('a token with the claims of the system client\'s access token, {}', async function (this: CtkWorld, attack: string) {
  return presented(this, await headerAttackToken(this, attack));
});

Given('a forged token of {int} KiB for the system client', async function (this: CtkWorld, kib: number) {
  return presented(this, await oversizedToken(this, `${kib} KiB`));
});

Given('a forged token of {int} KiB for the system client, most of it a kid in its header', async function (this: CtkWorld, kib: number) {
  return presented(this, await oversizedToken(this, `${kib} KiB`, true));
});

Given('a token the trusted test signer made from the claims of the system client\'s access token, {}', async function (this: CtkWorld, attack: string) {
  return presented(this, await signedAttackToken(this, attack));
});

Then('the gateway refuses it with a 4xx, neither a 5xx nor no answer', function (this: CtkWorld) {
  return judgeGatewayRefusal(this, this.lastExchange(), presentedDescription(this, 'an oversized token'));
});

Then('the gateway refuses the token it cannot fully understand with 401 and error "invalid_token"', function (this: CtkWorld) {
  return judgeSignedAttackRefusal(this, this.lastExchange(), presentedDescription(this, 'a token with an unknown critical extension'), 'REQ-BEARER-17');
});

Then('the gateway refuses the token that does not say it is an access token', function (this: CtkWorld) {
  return judgeSignedAttackRefusal(this, this.lastExchange(), presentedDescription(this, 'a token without typ'), 'REQ-BEARER-18');
});

Then('the gateway refuses the token issued in the future with a 4xx', function (this: CtkWorld) {
  return judgeSignedAttackRefusal(this, this.lastExchange(), presentedDescription(this, 'a token whose iat is an hour in the future'), 'REQ-BEARER-19');
});
