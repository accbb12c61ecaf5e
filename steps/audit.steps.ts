/** Steps of features/audit.feature (seed 004: "The authentication operation is recorded"). */
import { Given, Then, When } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { controlPlaneOf, NO_CONTROL_PLANE_REMEDY, type ControlPlane } from '../support/admin/control-plane.ts';
import { clientAttempt, judgeAttemptRecorded, judgeLoginRecorded, judgeNoSecretsLogged, profileSecrets, type AttemptToFind, type SecretToLookFor } from '../support/admin/audit-checks.ts';
import { loginToAudit, typePasswordsOnTheLoginPage, wrongPasswordToAudit } from '../support/admin/audit-logins.ts';
import { orNotTestable } from '../support/browser/human-login.ts';
import { rememberLogin, scenarioRequirementIds, testCustomer, theLogin } from '../support/browser/scenario-state.ts';
import { isNotTestable, markNotTestable, resolveClient, theSituation, tokenRequest } from '../support/oauth/token-requests.ts';
import { tokenResponseOf, wrongSecret } from '../support/oauth/token-client.ts';
import type { ClientRole } from '../support/oauth/clients.ts';
import { stateKey } from '../support/scenario-state.ts';

const EXTRA_SECRETS = stateKey<SecretToLookFor[]>('secrets the scenario\'s attempts carried');
const ATTEMPTS = stateKey<AttemptToFind[]>('the scenario\'s attempts, as the audit log would show them');

function auditLogOf(world: CtkWorld): ControlPlane | undefined {
  return controlPlaneOf(world, 'auditLog');
}

const unreadable = (world: CtkWorld) =>
  markNotTestable(world, { notTestable: 'the kit cannot read the audit log of this target', remedy: `${NO_CONTROL_PLANE_REMEDY} (or export the log and check it with the same rules)` });

Then('the audit log records a successful attempt of {ctkClient}, with its time', async function (this: CtkWorld, role: ClientRole) {
  const admin = auditLogOf(this);
  if (!admin) return unreadable(this);
  const client = resolveClient(this, role);
  if (isNotTestable(client)) return markNotTestable(this, client);
  await judgeAttemptRecorded(this, admin, this.lastExchange(), { requirement: 'REQ-AUD-01', clientId: client.clientId, outcome: 'success', situation: theSituation(this) });
});

Then('the audit log records a failed attempt of {ctkClient}, with its time', async function (this: CtkWorld, role: ClientRole) {
  const admin = auditLogOf(this);
  if (!admin) return unreadable(this);
  const client = resolveClient(this, role);
  if (isNotTestable(client)) return markNotTestable(this, client);
  await judgeAttemptRecorded(this, admin, this.lastExchange(), { requirement: 'REQ-AUD-02', clientId: client.clientId, outcome: 'failure', situation: theSituation(this) });
});

Given('the system client has obtained a token and has been refused with a wrong secret', async function (this: CtkWorld) {
  if (!auditLogOf(this)) return unreadable(this);
  const client = this.target.clients.system;
  const extra: SecretToLookFor[] = [];
  const ok = await tokenRequest(this, client, { situation: `the credentials of ${client.clientId} sent with HTTP Basic` });
  if ('notTestable' in ok) return markNotTestable(this, ok);
  const token = tokenResponseOf(ok)?.access_token;
  if (token) extra.push({ what: `the access token issued to ${client.clientId}`, value: token });
  const wrong = wrongSecret();
  extra.push({ what: `the wrong secret presented for ${client.clientId}`, value: wrong, clientId: client.clientId });
  const refused = await tokenRequest(this, client, { secret: wrong, expectRefusal: true, situation: `a wrong secret sent with HTTP Basic for ${client.clientId}` });
  if ('notTestable' in refused) return markNotTestable(this, refused);
  this.state.remember(EXTRA_SECRETS, extra);
  this.state.remember(ATTEMPTS, [
    clientAttempt(ok, client.clientId, 'success', `the token request of ${client.clientId} with its secret`),
    clientAttempt(refused, client.clientId, 'failure', `the token request of ${client.clientId} with a wrong secret`),
  ]);
});

Then('no client secret, user password or access token appears in the audit log, in clear or encoded', async function (this: CtkWorld) {
  const admin = auditLogOf(this);
  if (!admin) return unreadable(this);
  await judgeNoSecretsLogged(this, admin, [...profileSecrets(this), ...this.state.recall(EXTRA_SECRETS)], this.state.recall(ATTEMPTS));
});

// --- the login page (seed 004: "A user logs on to the DataONE system")

const noUser = (world: CtkWorld, ordinal: string) =>
  world.notTestable(scenarioRequirementIds(world), `the target profile names no ${ordinal} test user`, 'add test users to the target profile (users[])');

When('the {word} test customer logs in on the login page, for the audit log', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => rememberLogin(this, await loginToAudit(this, user)));
});

When('the {word} test customer types a wrong password on the login page, from a client IP kept for failed logins', function (this: CtkWorld, ordinal: string) {
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => rememberLogin(this, await wrongPasswordToAudit(this, user)));
});

Then('the audit log records a successful login of that customer, with its time', async function (this: CtkWorld) {
  const admin = auditLogOf(this);
  if (!admin) return unreadable(this);
  await judgeLoginRecorded(this, admin, theLogin(this), { requirement: 'REQ-AUD-04', outcome: 'success' });
});

Then('the audit log records a failed login of that customer, with its time', async function (this: CtkWorld) {
  const admin = auditLogOf(this);
  if (!admin) return unreadable(this);
  await judgeLoginRecorded(this, admin, theLogin(this), { requirement: 'REQ-AUD-04', outcome: 'failure' });
});

Given('the {word} test customer has typed a wrong password and then their own on the login page', function (this: CtkWorld, ordinal: string) {
  if (!auditLogOf(this)) return unreadable(this);
  const user = testCustomer(this, ordinal);
  if (!user) return noUser(this, ordinal);
  return orNotTestable(this, async () => {
    const { secrets, attempts } = await typePasswordsOnTheLoginPage(this, user);
    this.state.remember(EXTRA_SECRETS, secrets);
    this.state.remember(ATTEMPTS, attempts);
  });
});
