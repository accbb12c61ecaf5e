/**
 * A gateway that caches "valid" per token string (fault gateway-caches-valid-decision; an authorizer result cache,
 * an introspection cache) admits a revoked token it served before the revocation. The default reference cannot show
 * it: its gateway validates self-contained JWTs and states no revocation bound, so REQ-REVOKE-04 is not applicable
 * there (reference/faults.ts UNBREAKABLE_REQUIREMENTS). The opaque-token reference can: its gateway introspects every
 * token (variation gateway-introspects-opaque-tokens) and is described with the bound of such a gateway
 * (limits.revocationSeconds 0), as in test/opaque-tokens.test.ts. REQ-REVOKE-04's scenario alone runs, with and
 * without the cache: it passes without it (the token served before its revocation is refused after) and fails with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';
import { readMessages } from '../support/report/messages.ts';
import { computeVerdicts } from '../support/report/verdicts.ts';
import { runSelftestCucumber } from './fault-injection/run-with-fault.ts';

const OPAQUE = ['opaque-access-tokens', 'gateway-introspects-opaque-tokens'];

async function revocationVerdict(switches: readonly string[]): Promise<{ verdict: string | undefined; detail: string }> {
  const stack = await ReferenceStack.start({ faults: [...switches] });
  const dir = mkdtempSync(join(tmpdir(), 'ctk-decision-cache-'));
  try {
    const base = describeReferenceTarget(stack.urls, { faults: switches });
    const target = {
      ...base,
      capabilities: { ...base.capabilities, 'jwt-access-tokens': false, 'rfc9068-access-tokens': false },
      limits: { ...base.limits, revocationSeconds: 0 },
    };
    writeFileSync(join(dir, 'target.json'), JSON.stringify(target), { mode: 0o600 });
    const messages = join(dir, 'messages.ndjson');
    const run = await runSelftestCucumber(['features/revocation.feature', '--tags', '@REQ-REVOKE-04'], messages, { AUTH_CTK_TARGET_FILE: join(dir, 'target.json'), AUTH_CTK_FAULTS: '' }, 120_000);
    const verdicts = computeVerdicts(readMessages(messages));
    const revoke04 = verdicts.requirements.find((r) => r.requirement.id === 'REQ-REVOKE-04');
    return { verdict: revoke04?.verdict, detail: `${JSON.stringify(revoke04)}\n${run.stderr}` };
  } finally {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

test('an introspecting gateway refuses a token it served once that token is revoked (REQ-REVOKE-04 passes)', async () => {
  const { verdict, detail } = await revocationVerdict(OPAQUE);
  assert.equal(verdict, 'passed', detail);
});

test('the same gateway with a decision cache admits the revoked token it served before: REQ-REVOKE-04 fails', async () => {
  const { verdict, detail } = await revocationVerdict([...OPAQUE, 'gateway-caches-valid-decision']);
  assert.equal(verdict, 'failed', detail);
});
