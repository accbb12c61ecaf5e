/** Steps of features/front-end-system-user.feature (seeds 000, 003): one call into support/identity/front-end-system.ts each. */
import { When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { stateKey } from '../support/scenario-state.ts';
import { scenarioRequirements } from '../support/oauth/scenario.ts';
import { judgeSystemIdentityPassed } from '../support/identity/verdicts.ts';
import { callNotNeededRoutes, echoAsFrontEnd, judgeFrontEndConfined, NO_FRONT_END_SYSTEM, type NotNeededCalls } from '../support/identity/front-end-system.ts';

const ECHO = stateKey<import('../support/http/exchange.ts').Exchange>("the identity echo called by the front end's system user");
const CALLS = stateKey<NotNeededCalls>('routes the front end does not need');

const notTestable = (world: CtkWorld, reason: string, remedy: string) => world.notTestable(scenarioRequirements(world), reason, remedy);

When("the web front end's system user calls the identity echo with its client-credentials token", async function (this: CtkWorld) {
  const client = this.target.clients.frontEndSystem;
  if (!client) return notTestable(this, NO_FRONT_END_SYSTEM.reason, NO_FRONT_END_SYSTEM.remedy);
  if (!this.target.gateway?.routes.identityEcho) return notTestable(this, 'the target describes no identity echo route', 'describe gateway.routes.identityEcho');
  this.state.remember(ECHO, await echoAsFrontEnd(this, client));
});

Then("the component sees the front end's system user as the system, with its own client id", function (this: CtkWorld) {
  return judgeSystemIdentityPassed(this, 'REQ-ID-16', this.state.recall(ECHO), this.target.clients.frontEndSystem!);
});

When("the web front end's system user calls each route the profile says the front end does not need", async function (this: CtkWorld) {
  const client = this.target.clients.frontEndSystem;
  if (!client) return notTestable(this, NO_FRONT_END_SYSTEM.reason, NO_FRONT_END_SYSTEM.remedy);
  if (!client.notNeeded?.length) return notTestable(this, 'the profile names no route the front end does not need (clients.frontEndSystem.notNeeded)', 'list GET routes the web front end does not need in clients.frontEndSystem.notNeeded');
  this.state.remember(CALLS, await callNotNeededRoutes(this, client));
});

Then("each of those routes refuses the front end's token", function (this: CtkWorld) {
  judgeFrontEndConfined(this, 'REQ-ID-17', this.target.clients.frontEndSystem!, this.state.recall(CALLS));
});
