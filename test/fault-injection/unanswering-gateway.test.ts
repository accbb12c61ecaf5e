/**
 * Every pass is earned (issue 15): against a gateway that never answers a protected request — the connection is
 * reset, or every answer is a 503 — no REQ-BEARER requirement may come out "passed". A forged token that is "refused"
 * by a dead route proves nothing: each refusal check runs a positive control first and, where it fails, records
 * "could not judge" with what came back. The one finding is REQ-BEARER-01 (a valid token is not served).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scenarios } from '../../support/traceability.ts';
import { runWithFault } from './run-with-fault.ts';

const BEARER_FEATURES = [...new Set(scenarios().filter((s) => s.requirementIds.some((id) => id.startsWith('REQ-BEARER-'))).map((s) => s.uri))].sort();

for (const fault of ['silent-protected-routes', 'protected-routes-503']) {
  test(`${fault}: no REQ-BEARER requirement passes; each is failed or not judged, with what came back`, async () => {
    const run = await runWithFault(fault, BEARER_FEATURES);
    const bearer = run.verdicts.requirements.filter((r) => r.requirement.id.startsWith('REQ-BEARER-') && r.verdict !== 'not-run');
    assert.ok(bearer.length >= 10, `the bearer features ran: ${bearer.length} REQ-BEARER requirements judged\n${run.stderr.slice(-1500)}`);
    assert.deepEqual(bearer.filter((r) => r.verdict === 'passed').map((r) => r.requirement.id), [], 'passed against a gateway that answers no protected request');
    const cameBack = fault === 'silent-protected-routes' ? /no HTTP answer/ : /HTTP 503/;
    for (const r of bearer) {
      assert.ok(['failed', 'not-testable'].includes(r.verdict), `${r.requirement.id} is ${r.verdict}`);
      const said = r.verdict === 'failed' ? r.diagnoses.join(' ') : (r.reason ?? '');
      assert.match(said, cameBack, `${r.requirement.id} says what came back`);
    }
    // One cause, one finding: only the requirement the dead route breaks is failed.
    assert.deepEqual(bearer.filter((r) => r.verdict === 'failed').map((r) => r.requirement.id), ['REQ-BEARER-01']);
    assert.equal(bearer.find((r) => r.requirement.id === 'REQ-BEARER-04')!.checks.holds, 0, 'no refusal check held');
  });
}
