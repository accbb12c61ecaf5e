/**
 * Steps of features/jwt-client-authentication.feature (private_key_jwt) and features/client-secret-jwt.feature
 * (client_secret_jwt), issue 19: RFC 7523 client assertions. The method is named in the step; each step is one call
 * into support/oauth/jwt-client-auth.ts.
 */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import { isNotTestable, markNotTestable, theSituation } from '../support/oauth/token-requests.ts';
import {
  assertionClient,
  correctAssertionRequest,
  defectOf,
  judgeAssertionAccepted,
  judgeAssertionRefused,
  requestWithDefectiveAssertion,
  requestWithReplayedAssertion,
  type AssertionClient,
  type ControlResult,
  type JwtAuthMethodName,
} from '../support/oauth/jwt-client-auth.ts';
import type { AssertionDefect } from '../support/jwt/client-assertion.ts';

const CONTROL = stateKey<ControlResult>('the correct client assertion request');
const CLIENT = stateKey<AssertionClient>('the client whose assertion is judged');
const REQUIREMENT = stateKey<string>('the requirement the faulty assertion is judged under');

/** The defects as the features name them. */
const DEFECT_BY_NAME: Readonly<Record<string, Exclude<AssertionDefect, 'none'>>> = {
  'an aud naming another server': 'wrong-aud',
  'an exp that has passed': 'expired',
  'no jti': 'missing-jti',
  'alg "none" and no signature': 'alg-none',
  'an HS256 MAC keyed with its public key': 'hs256-public-key',
  'a key it never registered': 'unregistered-key',
  'a MAC keyed with another secret': 'wrong-secret',
};

const METHOD = '(private_key_jwt|client_secret_jwt)';

When(new RegExp(`^the ${METHOD} client requests a token with a correctly signed client assertion$`), async function (this: CtkWorld, method: JwtAuthMethodName) {
  const client = assertionClient(this, method);
  if (isNotTestable(client)) return markNotTestable(this, client);
  this.state.remember(CLIENT, client);
  this.state.remember(CONTROL, await correctAssertionRequest(this, client));
});

Then('the token endpoint authenticates the client by its assertion and issues an access token', async function (this: CtkWorld) {
  await judgeAssertionAccepted(this, this.state.recall(CLIENT), this.state.recall(CONTROL));
});

When(new RegExp(`^the ${METHOD} client requests a token with a client assertion that has (.+)$`), async function (this: CtkWorld, method: JwtAuthMethodName, name: string) {
  const defect = DEFECT_BY_NAME[name];
  if (!defect) throw new Error(`unknown assertion defect "${name}": one of ${Object.keys(DEFECT_BY_NAME).join('; ')}`);
  const client = assertionClient(this, method);
  if (isNotTestable(client)) return markNotTestable(this, client);
  this.state.remember(CLIENT, client);
  this.state.remember(REQUIREMENT, defectOf(client, defect).requirement);
  const result = await requestWithDefectiveAssertion(this, client, defect);
  if (isNotTestable(result)) return markNotTestable(this, result);
});

When(new RegExp(`^the ${METHOD} client sends the client assertion that just got it a token a second time$`), async function (this: CtkWorld, method: JwtAuthMethodName) {
  const client = assertionClient(this, method);
  if (isNotTestable(client)) return markNotTestable(this, client);
  this.state.remember(CLIENT, client);
  this.state.remember(REQUIREMENT, client.method.replayRequirement);
  const result = await requestWithReplayedAssertion(this, client);
  if (isNotTestable(result)) return markNotTestable(this, result);
});

Then('the token endpoint refuses the assertion with invalid_client and issues no token', function (this: CtkWorld) {
  judgeAssertionRefused(this, this.state.recall(CLIENT), this.lastExchange(), this.state.recall(REQUIREMENT), theSituation(this));
});
