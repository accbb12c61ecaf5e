/**
 * Steps of features/anonymous-fallback.feature (seed 004). Each step is one call into support/identity/ or
 * support/gateway/ plus, for Then steps, one verdict.
 */
import { When, Then } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import { check } from '../support/verdict/check.ts';
import { bearer, callGateway, isSuccess, type GatewayRouteName } from '../support/gateway/gateway-client.ts';
import { thePresented } from '../support/jwt/gateway.ts';
import { requirementFor, scenarioRequirements } from '../support/gateway/scenario-requirements.ts';
import { judgeNotReached } from '../support/gateway/verdicts.ts';
import { anonymousAuthorization, callAsAnonymous, failLogin, judgeFailedLoginAnonymous, type FailedLogin } from '../support/identity/anonymous.ts';
import { judgeFailedCredentialOnPublicRoute } from '../support/identity/verdicts.ts';
import { stateKey } from '../support/scenario-state.ts';

const FAILED_LOGIN = stateKey<FailedLogin>('failed login');
const SENT = stateKey<string>('what the anonymous caller sent');

When('the public route is called without credentials', async function (this: CtkWorld) {
  this.state.remember(SENT, 'no credentials');
  await callGateway(this, { route: 'public' });
});

When('the public route is called with the failed credential {string}', async function (this: CtkWorld, credential: string) {
  this.state.remember(SENT, credential);
  await callGateway(this, { route: 'public', ...(await anonymousAuthorization(this, credential)) });
});

When('the public route is called with that token', async function (this: CtkWorld) {
  const { token, description } = thePresented(this);
  this.state.remember(SENT, description);
  await callGateway(this, { route: 'public', authorization: bearer(token) });
});

When(/^an anonymous caller with "([^"]*)" calls the (protected|scoped|customer data|identity echo) route$/, async function (this: CtkWorld, credential: string, route: string) {
  this.state.remember(SENT, `${credential} on the ${route} route`);
  const outcome = await callAsAnonymous(this, route as GatewayRouteName, credential);
  if (outcome === 'no such route') {
    return this.notTestable(scenarioRequirements(this), `the target profile describes no ${route} route (or no test user for it)`, `describe gateway.routes and users in the target profile`);
  }
});

When(/^a login fails: (.+)$/, async function (this: CtkWorld, kind: string) {
  const outcome = await failLogin(this, kind);
  if ('reason' in outcome) return this.notTestable(scenarioRequirements(this), outcome.reason, outcome.remedy);
  this.state.remember(FAILED_LOGIN, outcome);
});

Then('the public resource is served', function (this: CtkWorld) {
  const exchange = this.lastExchange();
  check(this, { requirement: requirementFor(this, ['REQ-ANON-01']), expected: 'a 2xx answer: a public resource is open to an anonymous caller (seed 004)', observed: exchange }, () =>
    expect(isSuccess(exchange), 'served').to.equal(true),
  );
});

Then('the public route is served to an anonymous caller, never refused and never to somebody', function (this: CtkWorld) {
  return judgeFailedCredentialOnPublicRoute(this, requirementFor(this, ['REQ-ANON-03']), this.lastExchange());
});

Then('the anonymous caller gets no protected data', function (this: CtkWorld) {
  return judgeNotReached(this, requirementFor(this, ['REQ-ANON-04']), this.lastExchange(), `${this.state.peek(SENT)}: an anonymous caller`);
});

Then('the failed login gave no access token, or one that opens no protected resource', function (this: CtkWorld) {
  return judgeFailedLoginAnonymous(this, requirementFor(this, ['REQ-ANON-05']), this.state.recall(FAILED_LOGIN));
});
