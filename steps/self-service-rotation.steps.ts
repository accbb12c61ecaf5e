/**
 * Steps of features/self-service-rotation.feature (seed 002: a customer rotates its own client's secret "via the
 * UI"). Each step is one call into support/admin/self-service-rotation.ts; no step ever prints a secret.
 */
import { Given, When, Then } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import type { ClientCredentials, SelfServiceRotationDescription, TestUser } from '../support/target/target.ts';
import type { Exchange } from '../support/http/exchange.ts';
import { stateKey } from '../support/scenario-state.ts';
import { scenarioRequirements } from '../support/oauth/scenario.ts';
import { humanAccessToken } from '../support/identity/human-login.ts';
import { accessTokenFor } from '../support/oauth/token-client.ts';
import {
  judgeNoSecretShown,
  judgeOtherCallerRefused,
  judgeOwnerRotation,
  NO_PUT_BACK,
  requestSelfServiceRotation,
  rotateAsOwner,
  secretObtainsToken,
  selfServiceSetup,
} from '../support/admin/self-service-rotation.ts';

type Setup = { plane: SelfServiceRotationDescription; client: ClientCredentials; owner: TestUser };

const SETUP = stateKey<Setup>('self-service rotation');
const OWNER_TOKEN = stateKey<string>("the owner's human token");
const OWNER_ROTATION = stateKey<{ exchange: Exchange; shown?: string }>("the owner's rotation");
const OTHER = stateKey<{ who: string; exchange: Exchange; shown?: string }>("another caller's rotation request");

const notTestable = (world: CtkWorld, reason: string, remedy: string) => world.notTestable(scenarioRequirements(world), reason, remedy);

async function ownerToken(world: CtkWorld): Promise<'skipped' | undefined> {
  const setup = selfServiceSetup(world);
  if ('notTestable' in setup) return notTestable(world, setup.notTestable, setup.remedy);
  world.state.remember(SETUP, setup);
  const human = await humanAccessToken(world, setup.owner);
  if (human.kind === 'unavailable') return notTestable(world, human.reason, human.remedy);
  world.state.remember(OWNER_TOKEN, human.token);
  return undefined;
}

Given('the owner of the rotation client holds a human access token', async function (this: CtkWorld) {
  return ownerToken(this);
});

When("the owner rotates the rotation client's secret through the self-service interface", async function (this: CtkWorld) {
  const rotation = await rotateAsOwner(this, this.state.recall(SETUP), this.state.recall(OWNER_TOKEN));
  if (!rotation) return notTestable(this, NO_PUT_BACK, 'describe admin (with rotateSecret and its putBack, or a preset) in the target profile');
  this.state.remember(OWNER_ROTATION, rotation);
});

Then('the owner is shown a new secret, which obtains a token', async function (this: CtkWorld) {
  const { client, owner } = this.state.recall(SETUP);
  await judgeOwnerRotation(this, 'REQ-ROT-06', client, owner, this.state.recall(OWNER_ROTATION));
});

Given("the owner of the rotation client has rotated its secret through the self-service interface", async function (this: CtkWorld) {
  if ((await ownerToken(this)) === 'skipped') return 'skipped';
  const setup = this.state.recall(SETUP);
  const rotation = await rotateAsOwner(this, setup, this.state.recall(OWNER_TOKEN));
  if (!rotation) return notTestable(this, NO_PUT_BACK, 'describe admin (with rotateSecret and its putBack, or a preset) in the target profile');
  // The positive control: the interface works for the owner, so a refusal of anyone else says who may rotate.
  const works = rotation.shown !== undefined ? await secretObtainsToken(this, setup.client, rotation.shown) : undefined;
  if (!works?.works) {
    return notTestable(
      this,
      `the positive control failed: the owner's own rotation did not give a working secret (${works ? `token request with it: ${works.outcome}` : 'no secret shown'}), so a refusal of another caller would prove nothing`,
      'check selfServiceRotation (url, method, secret pointer, owner) against the deployment; REQ-ROT-06 reports the owner\'s rotation itself',
    );
  }
  this.state.remember(OWNER_ROTATION, rotation);
});

When(/^(another test customer|the read-only client) asks the self-service interface to rotate the rotation client's secret$/, async function (this: CtkWorld, caller: string) {
  const { plane, client, owner } = this.state.recall(SETUP);
  let token: string;
  let who: string;
  if (caller === 'another test customer') {
    const other = this.target.users.find((u) => u.username !== owner.username);
    if (!other) return notTestable(this, 'the profile names no test user besides the owner', 'add a second test user (users[])');
    const human = await humanAccessToken(this, other);
    if (human.kind === 'unavailable') return notTestable(this, human.reason, human.remedy);
    token = human.token;
    who = `customer ${other.customerId} (${other.username}), who does not own ${client.clientId}`;
  } else {
    const readOnly = this.target.clients.readOnly;
    if (!readOnly) return notTestable(this, 'the target profile describes no read-only client', 'add clients.readOnly to the target profile');
    token = await accessTokenFor(this, readOnly);
    who = `the client ${readOnly.clientId} (a client-credentials token)`;
  }
  this.state.remember(OTHER, { who, ...(await requestSelfServiceRotation(this, plane, client, token)) });
});

Then('the answer shows no secret of the rotation client', function (this: CtkWorld) {
  const { plane, client } = this.state.recall(SETUP);
  const other = this.state.recall(OTHER);
  const known = [client.clientSecret, this.state.recall(OWNER_ROTATION).shown ?? ''];
  judgeNoSecretShown(this, 'REQ-ROT-05', plane, client, other.who, other, known);
});

Then("the request is refused and the owner's secret still obtains a token", async function (this: CtkWorld) {
  const { client } = this.state.recall(SETUP);
  const other = this.state.recall(OTHER);
  await judgeOtherCallerRefused(this, 'REQ-ROT-04', client, other.who, other.exchange, this.state.recall(OWNER_ROTATION).shown!);
});
