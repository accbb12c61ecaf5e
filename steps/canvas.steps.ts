/**
 * Steps of features/canvas.feature (issue 20, seed 000): the component cannot be reached around the gateway, and a
 * duplicated identity header does not get through. One call into support/ each.
 */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import { callComponentDirectly, judgeNotServedAroundTheGateway, type DirectCall } from '../support/canvas/around-the-gateway.ts';
import { CALLER_TOKEN } from '../support/gateway/caller.ts';
import { bearer, callGateway } from '../support/gateway/gateway-client.ts';
import { duplicatedForgedIdentityHeaders } from '../support/identity/spoofing.ts';
import { judgeRolesArrive } from '../support/canvas/roles.ts';

const DIRECT = stateKey<DirectCall>('a call to the component around the gateway');

When("the component's protected route is called at the component's own URL, without a token and with a forged identity header", async function (this: CtkWorld) {
  this.state.remember(DIRECT, await callComponentDirectly(this));
});

Then('the component does not serve the call that went around the gateway', async function (this: CtkWorld) {
  await judgeNotServedAroundTheGateway(this, this.state.recall(DIRECT));
});

When('the identity echo is called with that token and each forged identity header sent twice, in two letter cases', async function (this: CtkWorld) {
  if (!this.target.gateway?.routes.identityEcho) {
    return this.notTestable(['REQ-ID-09'], 'the target describes no identity echo route', 'describe gateway.routes.identityEcho');
  }
  await callGateway(this, { route: 'identity echo', authorization: bearer(this.state.recall(CALLER_TOKEN)), headers: duplicatedForgedIdentityHeaders(this.target) });
});

Then('the component received every role the token grants', async function (this: CtkWorld) {
  await judgeRolesArrive(this, this.lastExchange(), this.state.recall(CALLER_TOKEN));
});
