/**
 * The test signer's tokens are a set-up, not the gateway's obligation: a gateway that serves the issuer's own token
 * but refuses the signer's with the same claims (it does not take that signer, or it introspects every token at the
 * issuer, which never issued the signer's) breaks no clause of RFC 6750 §2.1. Before, the scenario "The gateway
 * accepts a token of the trusted signer ..." failed REQ-BEARER-01 on it (fault gateway-introspection-drops-cnf, whose
 * own finding is REQ-DPOP-05). Now REQ-BEARER-01 is not judged there, naming why; a route that refuses the issuer's
 * token too still fails it (fault protected-route-scope-typo, in the fault-injection suite).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runWithFault } from './fault-injection/run-with-fault.ts';

test("a gateway that refuses the test signer's token but serves the issuer's: REQ-BEARER-01 not judged on the signer's, no finding", { timeout: 240_000 }, async () => {
  const run = await runWithFault('gateway-introspection-drops-cnf', ['features/access-token-format.feature']);
  const bearer01 = run.verdicts.requirements.find((r) => r.requirement.id === 'REQ-BEARER-01');
  assert.notEqual(bearer01?.verdict, 'failed', run.stderr.slice(-2_000));
  const scenario = run.verdicts.scenarios.find((s) => /accepts a token of the trusted signer/.test(s.name));
  assert.ok(scenario, 'the signer scenario ran');
  assert.notEqual(scenario.verdict, 'failed');
  assert.match(bearer01?.reason ?? '', /serves the issuer's own token .* but not the test signer's with the same claims/);
});
