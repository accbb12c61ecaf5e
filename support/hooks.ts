import { BeforeAll, AfterAll, Before, After, setDefaultTimeout, setDefinitionFunctionWrapper, setParallelCanAssign, type ITestCaseHookParameter } from '@cucumber/cucumber';
import type { ReferenceStack } from '../reference/stack.ts';
import { REFERENCE_PARTS_ENV, referencePartsFromEnv } from './target/reference-parts.ts';
import { describeReferenceTarget } from './target/reference-target.ts';
import { currentTarget, setCurrentTarget, targetFromFile } from './target/current.ts';
import { closeConnections } from './http/exchange.ts';
import { applicability } from './target/applicability.ts';
import { MEDIA } from './verdict/media-types.ts';
import type { CtkWorld } from './world.ts';
import { wrapBlocked } from './verdict/blocked.ts';
import { scenarioRequirements } from './oauth/scenario.ts';
import { releaseLoadReservations } from './load/load-cap.ts';
import { canRunAlongside, parallelOptionsOf, type ParallelOptions } from './run/parallel.ts';

// Long enough for the slowest honest step (waiting out a token's TTL plus the gateway's leeway, a bounded
// burst); every such step bounds itself and says so. The default 5 s would fail them on a loaded machine.
setDefaultTimeout(60_000);

// Every step and hook: a NotTestableError — a missing prerequisite, or a set-up the target refused (no token:
// verdict/blocked.ts) — becomes the scenario's not-testable record, here and nowhere else. Cucumber keeps arity.
setDefinitionFunctionWrapper((fn: (...args: unknown[]) => unknown) => wrapBlocked(fn, (world) => scenarioRequirements(world as CtkWorld)));

// With several workers (auth-ctk run --parallel): one load scenario at a time (support/run/parallel.ts). Decided in
// cucumber's coordinator, where no BeforeAll ran: whether the JWKS relay's gateway or the rotation client is shared is
// read from the target file the CLI wrote before cucumber started (no file: the hooks start the reference: neither).
let parallelOptions: ParallelOptions | undefined;
setParallelCanAssign((pickle, running) => {
  parallelOptions ??= parallelOptionsOf(process.env.AUTH_CTK_TARGET_FILE ? targetFromFile(process.env.AUTH_CTK_TARGET_FILE) : undefined);
  return canRunAlongside(pickle, running, parallelOptions);
});

let ownStack: ReferenceStack | undefined;

BeforeAll(async function () {
  const file = process.env.AUTH_CTK_TARGET_FILE;
  if (file) {
    setCurrentTarget(targetFromFile(file));
    return;
  }
  const faults = (process.env.AUTH_CTK_FAULTS ?? '').split(',').filter(Boolean);
  // A self-test names the parts its features need (support/target/reference-parts.ts); by default all start.
  // Loaded only here: a run of the CLI hands its workers a target file, and the stack's code (its servers, its
  // certificate authority) would cost every worker ~0.5 s of CPU to load for nothing.
  const { ReferenceStack } = await import('../reference/stack.ts');
  ownStack = await ReferenceStack.start({ faults, parts: referencePartsFromEnv(process.env[REFERENCE_PARTS_ENV]) });
  setCurrentTarget(describeReferenceTarget(ownStack.urls, { faults }));
});

AfterAll(async function () {
  await closeConnections();
  await ownStack?.stop();
});

Before(function (this: CtkWorld, { pickle }: ITestCaseHookParameter) {
  // Recorded once, here, for every step that judges "the requirement the scenario is tagged with".
  this.requirementIds = pickle.tags.map((t) => t.name).filter((t) => t.startsWith('@REQ-')).map((t) => t.slice(1));
  const verdict = applicability(currentTarget(), pickle.tags.map((t) => t.name));
  if (verdict.kind === 'applicable') return;
  const mediaType = verdict.kind === 'not-applicable' ? MEDIA.notApplicable : MEDIA.notTestable;
  this.attach(JSON.stringify(verdict.record), mediaType);
  this.log(`${verdict.kind === 'not-applicable' ? 'NOT APPLICABLE' : 'NOT TESTABLE'}: ${verdict.record.reason}`);
  return 'skipped';
});

After(function (this: CtkWorld) {
  releaseLoadReservations();
  this.attachChecks();
  this.attachEvidence();
});
