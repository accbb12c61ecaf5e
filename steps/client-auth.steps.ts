/** Steps of features/client-authentication.feature (RFC 6749 §2.3.1, §5.2; seed 001). */
import { Given, When, Then, defineParameterType } from '@cucumber/cucumber';
import type { CtkWorld } from '../support/world.ts';
import { registeredAuthMethod, type ClientAuthMethod } from '../support/oauth/token-client.ts';
import { methodRefusalUnderControl } from '../support/oauth/auth-method-cause.ts';
import { phrasesRegexp, type ClientRole } from '../support/oauth/clients.ts';
import { isTagged, scenarioRequirements } from '../support/oauth/scenario.ts';
import { isNotTestable, markNotTestable, requestAsRole, theSituation, tokenRequest } from '../support/oauth/token-requests.ts';
import { judgeTokenIssued } from '../support/oauth/token-response.ts';
import { judgeRefusal } from '../support/oauth/token-errors.ts';
import { clientWithEncodingSensitiveCredentials } from '../support/oauth/form-encoded-secret.ts';
import { judgeTokenOfAuthenticatedClient, requestWithAnotherClientsId } from '../support/oauth/cross-client-id.ts';
import { judgeMissingSecretRefusal, MISSING_SECRET_PHRASES, requestWithoutSecret, type MissingSecret } from '../support/oauth/missing-secret.ts';
import type { ClientCredentials } from '../support/target/target.ts';
import { stateKey } from '../support/scenario-state.ts';
import { credentialRefusalUnderControl } from '../support/oauth/refusal-control.ts';

const ENCODING_CLIENT = stateKey<{ client: ClientCredentials; how: string }>('client with encoding-sensitive credentials');

When('{ctkClient} requests a token with {clientAuth}', async function (this: CtkWorld, role: ClientRole, method: ClientAuthMethod) {
  const result = await requestAsRole(this, role, method);
  if (isNotTestable(result)) return markNotTestable(this, result);
});

When('{ctkClient} requests a token with {clientAuth} and a wrong secret', async function (this: CtkWorld, role: ClientRole, method: ClientAuthMethod) {
  const result = await requestAsRole(this, role, method, true);
  if (isNotTestable(result)) return markNotTestable(this, result);
});

// {missingSecret}: a confidential client's id with no or an empty secret (RFC 6749 §3.2, §3.2.1; REQ-CAUTH-07).
defineParameterType({ name: 'missingSecret', regexp: phrasesRegexp(Object.keys(MISSING_SECRET_PHRASES)), transformer: (s: string) => MISSING_SECRET_PHRASES[s]! });

When('{ctkClient} requests a token with {missingSecret}', async function (this: CtkWorld, role: ClientRole, missing: MissingSecret) {
  const result = await requestWithoutSecret(this, role, missing);
  if (isNotTestable(result)) return result.notApplicable ? this.notApplicable(scenarioRequirements(this), result.notTestable, result.remedy) : markNotTestable(this, result);
});

Then('the token endpoint issues no token to the client id without its secret, and names the error invalid_client or invalid_request', async function (this: CtkWorld) {
  await judgeMissingSecretRefusal(this, this.lastExchange());
});

Then('the token endpoint issues no token to the unauthenticated request, and names the error invalid_client', async function (this: CtkWorld) {
  // A refusal counts where the system client's ordinary request is served (refusal-control.ts): else every request is refused.
  await credentialRefusalUnderControl(this, this.lastExchange(), theSituation(this));
  judgeRefusal(this, this.lastExchange(), {
    requirement: 'REQ-CAUTH-07',
    codeRequirement: 'REQ-CAUTH-08',
    codes: ['invalid_client'],
    situation: theSituation(this),
    ...(isTagged(this, 'REQ-TOK-09') ? { formatRequirement: 'REQ-TOK-09' } : {}),
    ...(isTagged(this, 'REQ-CAUTH-09') ? { challengeRequirement: 'REQ-CAUTH-09' } : {}),
  });
});

Then('the token endpoint refuses the request that uses two authentication methods with invalid_request', async function (this: CtkWorld) {
  await credentialRefusalUnderControl(this, this.lastExchange(), theSituation(this));
  judgeRefusal(this, this.lastExchange(), { requirement: 'REQ-CAUTH-06', codes: ['invalid_request'], situation: theSituation(this) });
});

// --- RFC 6749 §4.4.2: the token goes to the client that authenticated (REQ-CAUTH-12) ---------------------------

When("the system client requests a token with HTTP Basic authentication and the read-only client's id in the form body", async function (this: CtkWorld) {
  const result = await requestWithAnotherClientsId(this);
  if (isNotTestable(result)) return result.notApplicable ? this.notApplicable(scenarioRequirements(this), result.notTestable, result.remedy) : markNotTestable(this, result);
});

Then('the token endpoint issues no token of the read-only client, which did not authenticate', async function (this: CtkWorld) {
  await judgeTokenOfAuthenticatedClient(this, this.lastExchange(), theSituation(this));
});

// --- RFC 6749 §2.3.1 form-urlencoding of Basic credentials -----------------------------------------------

Given('the system client can obtain a token with HTTP Basic authentication', async function (this: CtkWorld) {
  const client = this.target.clients.system;
  const result = await tokenRequest(this, client, { situation: `the valid credentials of ${client.clientId} sent with HTTP Basic` });
  if (isNotTestable(result)) return markNotTestable(this, result);
  // As REQ-CAUTH-01's own scenario: Basic refused where the form body is refused too is REQ-TOK-01's finding (auth-method-cause.ts).
  if (registeredAuthMethod(client) === 'basic') await methodRefusalUnderControl(this, result, 'basic', theSituation(this));
  judgeTokenIssued(this, result, 'REQ-CAUTH-01', theSituation(this));
});

Given('a client whose secret contains characters that form-urlencoding changes', async function (this: CtkWorld) {
  const found = await clientWithEncodingSensitiveCredentials(this);
  if ('notTestable' in found) return markNotTestable(this, found);
  this.state.remember(ENCODING_CLIENT, found);
});

When('that client requests a token with HTTP Basic authentication, its id and secret form-urlencoded', async function (this: CtkWorld) {
  const { client, how } = this.state.recall(ENCODING_CLIENT);
  // From a client IP of its own: a server that does not decode counts it as a failed login.
  const result = await tokenRequest(this, client, { expectRefusal: true, situation: `the credentials of ${how}, form-urlencoded and sent with HTTP Basic (RFC 6749 §2.3.1)` });
  if (isNotTestable(result)) return markNotTestable(this, result);
});

Then('the token endpoint decodes the credentials and issues an access token', function (this: CtkWorld) {
  judgeTokenIssued(this, this.lastExchange(), 'REQ-CAUTH-10', theSituation(this));
});
