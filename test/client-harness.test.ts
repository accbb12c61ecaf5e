/**
 * The client harness survives the clients it observes: a crash, a hang that ignores SIGTERM (killed with
 * its whole process group: no orphan), garbage on stdout, a command that does not exist. Evidence never
 * holds the secret or a token. And the contract's parsers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { runClient, runEvidence } from '../support/client-harness/run.ts';
import * as S from '../support/client-harness/scenarios.ts';
import * as J from '../support/client-harness/judges.ts';
import { clientCommandFromEnv, parseResultLine, ClientCommandError } from '../support/client-harness/contract.ts';

const fixture = (name: string) => [process.execPath, join(KIT_ROOT, 'fixtures', 'clients', `${name}.ts`)];
/** Running (a killed process waiting to be reaped, state Z, does not count). */
const running = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
};

describe('client harness robustness', { concurrency: 4 }, () => {
  test('a client that crashes at start: REQ-CLI-01 fails with its exit and stderr, the rest is not testable', async () => {
    const run = await runClient(S.steady(5), fixture('crashes'));
    const contract = J.judgeContractCalls(run);
    assert.equal(contract.kind === 'judged' && contract.holds, false);
    assert.match(contract.kind === 'judged' ? contract.observed : '', /exited with code 1.*deliberate crash/);
    assert.equal(J.judgeTokenBeforeFirstCall(run).kind, 'not-testable');
    assert.equal(J.judgeSecretOnlyToTokenEndpoint(run).kind, 'not-testable');
  });

  test('a client that hangs and ignores SIGTERM is killed with its process group, in bounded time', async () => {
    const started = performance.now();
    const run = await runClient(S.untilStopped(3), fixture('hangs'), { startupMs: 1_500, graceMs: 1_000 });
    const took = performance.now() - started;
    assert.ok(took < 6_000, `the run took ${Math.round(took)} ms`);
    assert.equal(run.exit.killed, true);
    const stop = J.judgeContractStop(run, 1_000);
    assert.equal(stop.kind === 'judged' && stop.holds, false);
    const line = run.timeline.events.find((e) => e.kind === 'output' && e.text.startsWith('grandchild pid'));
    const pid = Number(line && line.kind === 'output' ? line.text.split(' ').at(-1) : NaN);
    assert.ok(Number.isInteger(pid), 'the fixture reported its child');
    for (let i = 0; i < 20 && running(pid); i += 1) await new Promise((r) => setTimeout(r, 100));
    assert.equal(running(pid), false, `the client's own child ${pid} outlived it (orphan)`);
  });

  test('garbage around the result lines is ignored and kept as evidence; the checks still hold', async () => {
    const run = await runClient(S.steady(5), fixture('garbage'));
    for (const judge of [J.judgeContractCalls, J.judgeTokenBeforeFirstCall, J.judgeTokenRequestForm, J.judgeClientAuthentication, J.judgeSecretOnlyToTokenEndpoint]) {
      const j = judge(run);
      assert.equal(j.kind === 'judged' && j.holds, true, `${j.requirement}: ${j.kind === 'judged' ? j.observed : j.reason}`);
    }
    assert.ok(run.timeline.events.filter((e) => e.kind === 'output').length >= 5);
  });

  test('a command that does not exist fails REQ-CLI-01 with the reason', async () => {
    const run = await runClient(S.steady(5), ['/nonexistent/auth-ctk-client']);
    const j = J.judgeContractCalls(run);
    assert.match(j.kind === 'judged' ? j.observed : '', /could not be started \(ENOENT/);
  });

  test('evidence names tokens by label and never holds the secret or a token value', async () => {
    const run = await runClient(S.invalidTokenOnce(2), [process.execPath, join(KIT_ROOT, 'client', 'cli.ts')]);
    const text = runEvidence(run).join('\n');
    assert.ok(!text.includes(run.secret), 'the secret is in the evidence');
    for (const t of run.timeline.tokens) assert.ok(!text.includes(t.value), `${t.label} is in the evidence`);
    assert.match(text, /Bearer token#2/);
  });
});

test('result lines: the contract shape, anything else ignored', () => {
  assert.deepEqual(parseResultLine('{"call":1,"source":"api","status":200}'), { call: 1, source: 'api', status: 200 });
  assert.deepEqual(parseResultLine(' {"call":2,"source":"cache","extra":true} '), { call: 2, source: 'cache' });
  for (const junk of ['', 'hello', '{"call":0,"source":"api"}', '{"call":1,"source":"disk"}', '{"call":1.5,"source":"api"}', '[1]', '{"call":1,"source":"api","status":"200"}']) {
    assert.equal(parseResultLine(junk), undefined, junk);
  }
});

test('AUTH_CTK_CLIENT_COMMAND: a JSON array of strings, or a clear error', () => {
  assert.equal(clientCommandFromEnv({}), undefined);
  assert.deepEqual(clientCommandFromEnv({ AUTH_CTK_CLIENT_COMMAND: '["node","client/cli.ts"]' }), ['node', 'client/cli.ts']);
  assert.throws(() => clientCommandFromEnv({ AUTH_CTK_CLIENT_COMMAND: 'node client/cli.ts' }), ClientCommandError);
  assert.throws(() => clientCommandFromEnv({ AUTH_CTK_CLIENT_COMMAND: '[]' }), ClientCommandError);
});
