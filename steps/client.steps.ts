/**
 * Client behaviour (features/client-behaviour.feature): the When steps run the client under test in one of
 * the harness's scenarios, the Then steps hand one judge's verdict to check(). The client command comes from
 * AUTH_CTK_CLIENT_COMMAND (set by `auth-ctk client`); without it every scenario is "not testable".
 */
import { Before, When, Then, defineParameterType } from '@cucumber/cucumber';
import { expect } from 'chai';
import type { CtkWorld } from '../support/world.ts';
import { check } from '../support/verdict/check.ts';
import { MEDIA } from '../support/verdict/media-types.ts';
import { clientCommandFromEnv, ClientCommandError, CLIENT_COMMAND_ENV } from '../support/client-harness/contract.ts';
import { observe } from '../support/client-harness/observe.ts';
import { DEFAULT_GRACE_MS, runEvidence, type ClientRun } from '../support/client-harness/run.ts';
import * as scenarios from '../support/client-harness/scenarios.ts';
import * as judges from '../support/client-harness/judges.ts';
import { stateKey } from '../support/scenario-state.ts';

const COMMAND = stateKey<string[]>('client command');
const RUN = stateKey<ClientRun>('client run');
const REMEDY = 'certify a client with `auth-ctk client -- <command>` (or `auth-ctk client --reference`), which sets AUTH_CTK_CLIENT_COMMAND';

Before({ tags: '@client' }, function (this: CtkWorld) {
  const ids = this.requirementIds;
  let command: string[] | undefined;
  try {
    command = clientCommandFromEnv();
  } catch (error) {
    if (error instanceof ClientCommandError) return this.notTestable(ids, error.message, REMEDY);
    throw error;
  }
  if (!command) return this.notTestable(ids, `no client under test: ${CLIENT_COMMAND_ENV} is not set`, REMEDY);
  this.state.remember(COMMAND, command);
  return undefined;
});

async function runScenario(world: CtkWorld, scenario: scenarios.ClientScenario): Promise<void> {
  const command = world.state.recall(COMMAND);
  const cwd = process.env.AUTH_CTK_CLIENT_CWD;
  const run = await observe(scenario, command, cwd ? { cwd } : {});
  world.state.remember(RUN, run);
  world.attach(JSON.stringify(runEvidence(run), null, 1), MEDIA.evidence);
}

/** Grades one judgement: not testable, or check() at the requirement's level (MUST/SEED fail, SHOULD warns). */
function verdict(world: CtkWorld, judge: (run: ClientRun) => judges.Judgement): 'skipped' | undefined {
  const run = world.state.recall(RUN);
  const j = judge(run);
  if (j.kind === 'not-testable') return world.notTestable([j.requirement], j.reason, j.remedy);
  check(world, { requirement: j.requirement, expected: j.expected, observed: j.observed }, () => {
    expect(j.holds, j.observed).to.equal(true);
  });
  return undefined;
}

/** The Gherkin states the harness's numbers; a mismatch is a kit error, not a verdict on the client. */
function same(what: string, gherkin: number, harness: number): void {
  if (gherkin !== harness) throw new Error(`the feature file says ${what} ${gherkin}, the harness uses ${harness}: keep them equal`);
}

// "2nd", "3rd": which API call the harness scripts (names are specific to this file: parameter types are global).
defineParameterType({ name: 'clientCallOrdinal', regexp: /\d+(?:st|nd|rd|th)/, transformer: (s: string) => Number.parseInt(s, 10) });
// Which of the harness's servers: the token endpoint (IdP) or the API.
defineParameterType({ name: 'clientServer', regexp: /token endpoint|API/, transformer: (s: string) => (s === 'API' ? 'api' : 'idp') });

// ---- When: the situations -------------------------------------------------------------------------------------

When('the client is asked to make {int} calls with tokens that live {int} seconds', function (this: CtkWorld, calls: number, ttl: number) {
  return runScenario(this, scenarios.steady(calls, ttl));
});

When('the client is asked to call until stopped, and is sent SIGTERM after {int} results', function (this: CtkWorld, n: number) {
  return runScenario(this, scenarios.untilStopped(n));
});

When("the API answers the client's {clientCallOrdinal} call with a redirect to another host", function (this: CtkWorld, n: number) {
  return runScenario(this, scenarios.redirectToForeignHost(n));
});

When('the client keeps calling with tokens that live {int} seconds', function (this: CtkWorld, ttl: number) {
  return runScenario(this, scenarios.renewal(ttl));
});

When("the API answers the client's {clientCallOrdinal} call with 401 and WWW-Authenticate error {string}", function (this: CtkWorld, n: number, error: string) {
  same('error', error === 'invalid_token' ? 1 : 0, 1);
  return runScenario(this, scenarios.invalidTokenOnce(n));
});

When('the API answers every call with 401 and WWW-Authenticate error {string}', function (this: CtkWorld, error: string) {
  same('error', error === 'invalid_token' ? 1 : 0, 1);
  return runScenario(this, scenarios.invalidTokenAlways());
});

When(
  "the API answers the client's calls from the {clientCallOrdinal} on with {int} and WWW-Authenticate error {string}",
  function (this: CtkWorld, n: number, status: number, error: string) {
    if (!((status === 403 && error === 'insufficient_scope') || (status === 400 && error === 'invalid_request'))) {
      throw new Error(`the harness refuses with 403 insufficient_scope or 400 invalid_request, not ${status} ${error}`);
    }
    return runScenario(this, scenarios.refusing(status, n));
  },
);

When('the {clientServer} answers a request with 429 and Retry-After: {int}', function (this: CtkWorld, server: 'idp' | 'api', seconds: number) {
  return runScenario(this, scenarios.rateLimited(server, seconds));
});

When(
  'the identity provider goes down for {int} seconds right after issuing a token that lives {int} seconds',
  function (this: CtkWorld, outageSeconds: number, ttl: number) {
    return runScenario(this, scenarios.idpOutage(ttl, outageSeconds * 1000));
  },
);

// ---- Then: one requirement each ---------------------------------------------------------------------------------

Then('it reports one result line for each of the {int} calls and exits with code 0', function (this: CtkWorld, calls: number) {
  same('calls', calls, this.state.recall(RUN).scenario.params.calls ?? 0);
  return verdict(this, judges.judgeContractCalls);
});

Then('it exits within the {int} second grace period', function (this: CtkWorld, seconds: number) {
  same('grace period (s)', seconds, DEFAULT_GRACE_MS / 1000);
  return verdict(this, (run) => judges.judgeContractStop(run, DEFAULT_GRACE_MS));
});

Then('its first API call comes after it obtained a token, and every API call carries an issued token', function (this: CtkWorld) {
  return verdict(this, judges.judgeTokenBeforeFirstCall);
});

Then('every token request is a POST with a form-urlencoded body and grant_type {string}', function (this: CtkWorld, grant: string) {
  same('grant_type', grant === 'client_credentials' ? 1 : 0, 1);
  return verdict(this, judges.judgeTokenRequestForm);
});

Then('every token request authenticates the client with HTTP Basic or in the body, one way only, never in the URI', function (this: CtkWorld) {
  return verdict(this, judges.judgeClientAuthentication);
});

Then('the client secret appears in no request to the API', function (this: CtkWorld) {
  return verdict(this, judges.judgeSecretOnlyToTokenEndpoint);
});

Then('no request to the other host carries an access token', function (this: CtkWorld) {
  return verdict(this, judges.judgeTokenOnlyToItsApi);
});

Then('it requests a new token before the first one expires, and its calls carry the new token once it has it', function (this: CtkWorld) {
  return verdict(this, judges.judgeRenewsBeforeExpiry);
});

Then(
  'its renewal request arrives when {int} to {int} percent of the {int} second lifetime has elapsed',
  function (this: CtkWorld, from: number, to: number, ttl: number) {
    same('lifetime (s)', ttl, this.state.recall(RUN).scenario.ttlSeconds);
    return verdict(this, (run) => judges.judgeRenewalWindow(run, from, to));
  },
);

Then('the client requests exactly one new token before its next API call, and uses it', function (this: CtkWorld) {
  return verdict(this, judges.judgeReauthOnceAfterInvalidToken);
});

Then('the client re-authenticates at most once and retries at most once per call', function (this: CtkWorld) {
  return verdict(this, judges.judgeNoReauthLoopOnInvalidToken);
});

Then('the refused call is sent again with the new token and the application sees status 200', function (this: CtkWorld) {
  return verdict(this, judges.judgeRetryAfterReauth);
});

Then('the client fetches at most one new token and retries at most once per refused call', function (this: CtkWorld) {
  return verdict(this, judges.judgeNoLoopOnRefusal);
});

Then('the client requests no new token because of the {int}', function (this: CtkWorld, status: number) {
  same('status', status, this.state.recall(RUN).scenario.params.status ?? 0);
  return verdict(this, judges.judgeNoReauthOnRefusal);
});

Then('the client sends nothing more to the {clientServer} for {int} seconds', function (this: CtkWorld, server: 'idp' | 'api', seconds: number) {
  same('Retry-After (s)', seconds, this.state.recall(RUN).scenario.params.retryAfterSeconds ?? 0);
  return verdict(this, (run) => judges.judgeRetryAfter(run, server));
});

Then(
  'every call the client reports while the identity provider is down was served, from the API or from its cache',
  function (this: CtkWorld) {
    return verdict(this, judges.judgeServedWhileIdpDown);
  },
);

Then(
  'within {int} seconds of its return the client has a new token and the API answered its call with {int}',
  function (this: CtkWorld, seconds: number, status: number) {
    same('recovery bound (s)', seconds, scenarios.RECOVERY_MS / 1000);
    same('status', status, 200);
    return verdict(this, judges.judgeRecoversWhenIdpReturns);
  },
);

// ---- issue 22: seed 001's bare 401, IP block and invalid_client; seed 002's API down ------------------------------

When(
  "the API answers the client's calls from the {clientCallOrdinal} on with 401 and a WWW-Authenticate challenge without an error",
  function (this: CtkWorld, n: number) {
    return runScenario(this, scenarios.bareUnauthorized(n));
  },
);

When(
  'the identity provider and the API reset every connection for {int} seconds, with tokens that live {int} seconds',
  function (this: CtkWorld, seconds: number, ttl: number) {
    return runScenario(this, scenarios.ipBlocked(ttl, seconds * 1000));
  },
);

When(
  "the client's secret is rotated after its first token, which lives {int} seconds, and the token endpoint answers invalid_client",
  function (this: CtkWorld, ttl: number) {
    return runScenario(this, scenarios.secretRotated(ttl));
  },
);

When('the API goes down for {int} seconds after answering the client', function (this: CtkWorld, seconds: number) {
  return runScenario(this, scenarios.apiOutage(seconds * 1000));
});

Then('the client fetches at most one new token and retries at most once per call refused without error details', function (this: CtkWorld) {
  return verdict(this, judges.judgeNoLoopOnBare401);
});

Then('the client makes no more connection attempts to either of them than one try and two retries per call it reports, unless it backs off', function (this: CtkWorld) {
  return verdict(this, judges.judgeNoReconnectLoopWhenBlocked);
});

Then('the client makes at most {int} connection attempts a second to each of them', function (this: CtkWorld, perSecond: number) {
  same('attempts per second', perSecond, this.state.recall(RUN).scenario.params.perSecond ?? 0);
  return verdict(this, judges.judgeBacksOffWhenBlocked);
});

Then(
  'the client makes at most {int} token request(s) a second in the {int} seconds after the first invalid_client',
  function (this: CtkWorld, perSecond: number, seconds: number) {
    const { params } = this.state.recall(RUN).scenario;
    same('token requests per second', perSecond, params.perSecond ?? 0);
    same('observation (s)', seconds, (params.observeMs ?? 0) / 1000);
    return verdict(this, judges.judgeStopsAfterInvalidClient);
  },
);

Then('every call the client reports while the API is down was served from its cache', function (this: CtkWorld) {
  return verdict(this, judges.judgeServedWhileApiDown);
});

Then('within {int} seconds of the API\'s return the application sees status {int} from the API again', function (this: CtkWorld, seconds: number, status: number) {
  same('recovery bound (s)', seconds, scenarios.RECOVERY_MS / 1000);
  same('status', status, 200);
  return verdict(this, judges.judgeRecoversWhenApiReturns);
});
