/**
 * Safety for targets without distinct source addresses (issue 11): scenarios that may get the kit's own IP
 * blocked (seed 001 IP block) run after every other scenario, and the run says so; with source addresses the
 * order is untouched. Checked on the pure ordering function and through a real cucumber dry run with the plugin.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Writable } from 'node:stream';
import { loadConfiguration, runCucumber } from '@cucumber/cucumber/api';
import { orderForTarget, canBlockOwnAddress, canRateLimitOwnAddress } from '../support/target/provider-order.ts';
import { requirements } from '../support/requirements/catalogue.ts';
import type { TargetDescription } from '../support/target/target.ts';

const ipBlockId = requirements().find((r) => r.capability === 'ip-blocking')?.id;
const other = requirements().find((r) => r.capability === undefined)!.id;

const pickle = (name: string, ...tags: string[]) => ({ pickle: { name, tags: tags.map((t) => ({ name: t })) } });
const target = (sourceAddresses: string[]) => ({ name: 't', sourceAddresses }) as unknown as TargetDescription;

test('which scenarios can block the run\'s own address', (t) => {
  assert.ok(ipBlockId, 'the catalogue declares no ip-blocking requirement: this ordering has nothing to order');
  assert.equal(canBlockOwnAddress([`@${ipBlockId}`]), true);
  assert.equal(canBlockOwnAddress(['@requires-ip-blocking']), true);
  assert.equal(canBlockOwnAddress([`@${other}`, '@REQ-NOPE-99']), false);
});

test("the gateway's rate limit and IP block are as risky to the run's own address as the token endpoint's", () => {
  assert.equal(canBlockOwnAddress(['@REQ-GRL-04']), true, 'gateway IP block');
  assert.equal(canBlockOwnAddress(['@requires-gateway-ip-blocking']), true);
  assert.equal(canRateLimitOwnAddress(['@REQ-GRL-02']), true, 'gateway rate limit');
  assert.equal(canRateLimitOwnAddress(['@REQ-GRL-04']), false, 'a block check is not a rate-limit check');
  const pickles = [pickle('gateway limit', '@REQ-GRL-01'), pickle('a', `@${other}`), pickle('gateway block', '@REQ-GRL-05')];
  assert.deepEqual(orderForTarget(pickles, { ...target([]), limits: {} } as TargetDescription).ordered.map((p) => p.pickle.name), ['a', 'gateway limit', 'gateway block']);
});

test('no source addresses: IP-block scenarios last, others in their order', (t) => {
  assert.ok(ipBlockId, 'the catalogue declares no ip-blocking requirement: this ordering has nothing to order');
  const pickles = [pickle('a', `@${other}`), pickle('block', `@${ipBlockId}`), pickle('b'), pickle('needs', '@requires-ip-blocking'), pickle('c')];
  const { ordered, movedLast } = orderForTarget(pickles, target([]));
  assert.deepEqual(ordered.map((p) => p.pickle.name), ['a', 'b', 'c', 'block', 'needs']);
  assert.equal(movedLast.length, 2);
  assert.deepEqual(orderForTarget(pickles, target(['127.0.0.2'])).ordered.map((p) => p.pickle.name), ['a', 'block', 'b', 'needs', 'c']);
  assert.deepEqual(orderForTarget(pickles, undefined).movedLast, []);
});

test('cucumber runs the plugin from the target file and says what it moved', async (t) => {
  assert.ok(ipBlockId, 'the catalogue declares no ip-blocking requirement: this ordering has nothing to order');
  const dir = mkdtempSync(join(tmpdir(), 'ctk-order-'));
  const previous = process.env.AUTH_CTK_TARGET_FILE;
  try {
    mkdirSync(join(dir, 'features'));
    writeFileSync(
      join(dir, 'features', 'a.feature'),
      `Feature: order\n  @${ipBlockId}\n  Scenario: blocks\n    Given x\n  Scenario: first\n    Given x\n  Scenario: second\n    Given x\n`,
    );
    const targetFile = join(dir, 'target.json');
    writeFileSync(targetFile, JSON.stringify({ name: 'addressless target', sourceAddresses: [] }));
    process.env.AUTH_CTK_TARGET_FILE = targetFile;
    const { runConfiguration } = await loadConfiguration(
      {
        file: false,
        provided: {
          paths: [join(dir, 'features', '*.feature')],
          dryRun: true,
          format: [],
          plugin: [pathToFileURL(join(process.cwd(), 'support/target/provider-order.ts')).href],
        },
      },
      { cwd: dir },
    );
    let stderr = '';
    const names: string[] = [];
    const pickles = new Map<string, string>();
    await runCucumber(
      runConfiguration,
      { cwd: dir, stdout: new Writable({ write: (_c, _e, cb) => cb() }), stderr: new Writable({ write: (c, _e, cb) => ((stderr += c.toString()), cb()) }), env: process.env },
      (envelope) => {
        if (envelope.pickle) pickles.set(envelope.pickle.id, envelope.pickle.name);
        if (envelope.testCase) names.push(pickles.get(envelope.testCase.pickleId)!);
      },
    );
    assert.deepEqual(names, ['first', 'second', 'blocks']);
    assert.match(stderr, /addressless target offers no distinct source address, so 1 scenario\(s\) that may get this machine's address rate-limited or blocked run last: "blocks"/);
  } finally {
    if (previous === undefined) delete process.env.AUTH_CTK_TARGET_FILE;
    else process.env.AUTH_CTK_TARGET_FILE = previous;
    rmSync(dir, { recursive: true, force: true });
  }
});

test('no source addresses: rate-limit checks (from the run\'s own address) run last too, before the IP-block ones, unless a cool-down is stated', () => {
  const rateLimitId = requirements().find((r) => r.capability === 'rate-limiting')!.id;
  assert.ok(ipBlockId);
  const pickles = [pickle('block', `@${ipBlockId}`), pickle('limit', `@${rateLimitId}`), pickle('a', `@${other}`)];
  assert.deepEqual(orderForTarget(pickles, target([])).ordered.map((p) => p.pickle.name), ['a', 'limit', 'block']);
  const withCoolDown = { ...target([]), limits: { ownAddressCoolDownSeconds: 5 } } as unknown as TargetDescription;
  assert.deepEqual(orderForTarget(pickles, withCoolDown).ordered.map((p) => p.pickle.name), ['limit', 'a', 'block'], 'the cool-down protects what follows');
  assert.deepEqual(orderForTarget(pickles, target(['127.0.0.2'])).ordered.map((p) => p.pickle.name), ['block', 'limit', 'a']);
});
