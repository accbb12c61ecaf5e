/**
 * Each deliberately faulty client (fixtures/clients/) is caught by the harness scenario that targets its
 * defect, and only by the requirements it breaks: in that scenario's run every other check holds (or cannot
 * be tested). The reference client passing the same scenarios is shown by test/client-certification.test.ts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { requirement } from '../support/requirements/catalogue.ts';
import { runClient, type ClientRun } from '../support/client-harness/run.ts';
import * as S from '../support/client-harness/scenarios.ts';
import * as J from '../support/client-harness/judges.ts';

const fixture = (name: string) => [process.execPath, join(KIT_ROOT, 'fixtures', 'clients', `${name}.ts`)];

/** Every check the feature makes on a scenario's run (features/client-behaviour.feature). */
const CHECKS: Record<string, ((run: ClientRun) => J.Judgement)[]> = {
  steady: [J.judgeContractCalls, J.judgeTokenBeforeFirstCall, J.judgeTokenRequestForm, J.judgeClientAuthentication, J.judgeSecretOnlyToTokenEndpoint],
  'redirect-to-foreign-host': [J.judgeTokenOnlyToItsApi],
  renewal: [J.judgeRenewsBeforeExpiry, (run) => J.judgeRenewalWindow(run)],
  'invalid-token-once': [J.judgeReauthOnceAfterInvalidToken, J.judgeRetryAfterReauth],
  'refusing-403': [J.judgeNoLoopOnRefusal, J.judgeNoReauthOnRefusal],
  'refusing-400': [J.judgeNoLoopOnRefusal, J.judgeNoReauthOnRefusal],
  'rate-limited-idp': [(run) => J.judgeRetryAfter(run, 'idp')],
  'rate-limited-api': [(run) => J.judgeRetryAfter(run, 'api')],
  'idp-outage': [J.judgeServedWhileIdpDown, J.judgeRecoversWhenIdpReturns],
  // issue 22
  'refusing-401-bare': [J.judgeNoLoopOnBare401],
  'ip-blocked': [J.judgeNoReconnectLoopWhenBlocked, J.judgeBacksOffWhenBlocked],
  'secret-rotated': [J.judgeStopsAfterInvalidClient],
  'api-outage': [J.judgeServedWhileApiDown, J.judgeRecoversWhenApiReturns],
};

interface FaultyClient {
  readonly fixture: string;
  readonly scenario: () => S.ClientScenario;
  /** The requirements its one defect breaks (each a failure for MUST/SEED, a warning for SHOULD). */
  readonly breaks: readonly string[];
}

const FAULTY: readonly FaultyClient[] = [
  { fixture: 'never-renews', scenario: () => S.renewal(5), breaks: ['REQ-CLI-07', 'REQ-CLI-08'] },
  { fixture: 'renews-too-early', scenario: () => S.renewal(5), breaks: ['REQ-CLI-08'] },
  { fixture: 'renews-keeps-old-token', scenario: () => S.renewal(5), breaks: ['REQ-CLI-07'] },
  { fixture: 'reauth-loop-on-403', scenario: () => S.refusing(403), breaks: ['REQ-CLI-11', 'REQ-CLI-12'] },
  { fixture: 'reauth-loop-on-403', scenario: () => S.refusing(400), breaks: ['REQ-CLI-11', 'REQ-CLI-12'] },
  { fixture: 'no-retry-after-401', scenario: () => S.invalidTokenOnce(2), breaks: ['REQ-CLI-10'] },
  { fixture: 'no-reauth-on-401', scenario: () => S.invalidTokenOnce(2), breaks: ['REQ-CLI-09'] },
  { fixture: 'ignores-retry-after', scenario: () => S.rateLimited('idp', 2), breaks: ['REQ-CLI-13'] },
  { fixture: 'ignores-retry-after', scenario: () => S.rateLimited('api', 2), breaks: ['REQ-CLI-13'] },
  { fixture: 'secret-to-api', scenario: () => S.steady(5), breaks: ['REQ-CLI-05'] },
  { fixture: 'token-to-foreign-host', scenario: () => S.redirectToForeignHost(2), breaks: ['REQ-CLI-06'] },
  { fixture: 'no-cache-when-idp-down', scenario: () => S.idpOutage(2, 4_000), breaks: ['REQ-CLI-14'] },
  { fixture: 'no-recovery', scenario: () => S.idpOutage(2, 4_000), breaks: ['REQ-CLI-15'] },
  // issue 22: seed 001's bare 401, IP block and invalid_client; seed 002's API down
  { fixture: 'reauth-loop-on-bare-401', scenario: () => S.bareUnauthorized(2), breaks: ['REQ-CLI-16'] },
  { fixture: 'reconnect-loop-when-blocked', scenario: () => S.ipBlocked(2, 3_000), breaks: ['REQ-CLI-17', 'REQ-CLI-18'] },
  { fixture: 'no-backoff-when-blocked', scenario: () => S.ipBlocked(2, 3_000), breaks: ['REQ-CLI-18'] },
  { fixture: 'retries-rejected-secret', scenario: () => S.secretRotated(2), breaks: ['REQ-CLI-19'] },
  { fixture: 'no-cache-when-api-down', scenario: () => S.apiOutage(4_000), breaks: ['REQ-CLI-20'] },
  { fixture: 'no-recovery', scenario: () => S.apiOutage(4_000), breaks: ['REQ-CLI-21'] },
];

const grade = (id: string) => (requirement(id).level === 'SHOULD' ? 'warning' : 'failed');

// Four clients at a time: the runs mostly wait (timers, short TTLs), and four keep a 2-core machine calm
// enough for the renewal window's 400 ms tolerance.
describe('faulty clients are caught by the scenario that targets their defect', { concurrency: 4 }, () => {
  for (const faulty of FAULTY) {
    const scenario = faulty.scenario();
    test(`${faulty.fixture} in "${scenario.name}" breaks ${faulty.breaks.join(', ')}`, async (t) => {
      const started = performance.now();
      const run = await runClient(scenario, fixture(faulty.fixture));
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const judgements = CHECKS[scenario.name]!.map((judge) => judge(run));
      for (const id of faulty.breaks) {
        const j = judgements.find((x) => x.requirement === id);
        assert.ok(j, `no check of ${id} in scenario ${scenario.name}`);
        assert.equal(j.kind, 'judged', `${id} was not judged: ${j.kind === 'not-testable' ? j.reason : ''}`);
        assert.equal(j.kind === 'judged' && j.holds, false, `${faulty.fixture} was not caught by ${id}`);
        t.diagnostic(`caught by ${id} (${grade(id)}) in ${seconds} s: ${j.kind === 'judged' ? j.observed.slice(0, 160) : ''}`);
      }
      const collateral = judgements.filter((j) => !faulty.breaks.includes(j.requirement) && j.kind === 'judged' && !j.holds);
      assert.deepEqual(
        collateral.map((j) => `${j.requirement}: ${j.kind === 'judged' ? j.observed : ''}`),
        [],
        `${faulty.fixture} also broke checks it has no defect for`,
      );
    });
  }
});
