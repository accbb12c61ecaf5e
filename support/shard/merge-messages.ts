/**
 * N shards' Cucumber message streams -> one stream that reads as a single run, for the verdict layer (and any
 * other tool that reads Cucumber messages). Every shard compiled the whole suite (same feature set, checked
 * first), so its pickles are the same scenarios under other random ids: the first shard's sources, documents
 * and pickles are kept, and every other shard's test cases are re-pointed at them (pickle and pickle-step ids).
 * Test case, attempt and attachment ids are UUIDs and stay as they are (Allure results are matched on them).
 * One testRunStarted (the earliest) and one testRunFinished (the latest; success only if every shard's was).
 */
import type { Envelope, Pickle, TestRunFinished, TestRunStarted } from '@cucumber/messages';
import { indexMessages, timestampMs } from '../report/messages.ts';
import { ShardMergeError, type ShardDir } from './manifest.ts';
import { pickleKey, shardKeys, suitePickles, type ShardSpec } from './partition.ts';

export interface ShardStream extends ShardDir {
  readonly envelopes: readonly Envelope[];
}

const DEFINITIONS = ['stepDefinition', 'hook', 'parameterType', 'undefinedParameterType'] as const;
const SUITE = ['meta', 'source', 'gherkinDocument', 'pickle'] as const;

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The pickle keys (features/x.feature:line) of a stream, by pickle id. */
function keysOf(envelopes: readonly Envelope[], source: string): Map<string, string> {
  const run = indexMessages(envelopes, source);
  return new Map(run.pickles.map((p) => [p.id, pickleKey(p.uri, run.location(p).line)]));
}

export function mergeShardStreams(shards: readonly ShardStream[]): Envelope[] {
  const first = shards[0]!;
  const canonicalPickles = first.envelopes.flatMap((e) => (e.pickle ? [e.pickle] : []));
  const canonicalKeys = keysOf(first.envelopes, `${first.dir}`);
  const canonicalByKey = new Map<string, Pickle>(canonicalPickles.map((p) => [canonicalKeys.get(p.id)!, p]));
  const partition = new Map<number, Set<string>>();
  const all = suitePickles();
  const ranIn = new Map<string, string>();

  const suite = first.envelopes.filter((e) => SUITE.some((k) => e[k] !== undefined));
  const definitions: Envelope[] = [];
  const execution: Envelope[] = [];
  let started: TestRunStarted | undefined;
  const finished: TestRunFinished[] = [];

  for (const shard of shards) {
    const spec: ShardSpec = shard.manifest.shard;
    const keys = partition.get(spec.index) ?? shardKeys(spec, all);
    partition.set(spec.index, keys);
    const pickleKeys = shard === first ? canonicalKeys : keysOf(shard.envelopes, shard.dir);
    if (pickleKeys.size !== canonicalKeys.size) {
      throw new ShardMergeError(`${shard.dir} compiled ${pickleKeys.size} scenarios, ${first.dir} ${canonicalKeys.size}: the shards ran different feature files`);
    }
    const pickleMap = new Map<string, Pickle>();
    const stepMap = new Map<string, string>();
    for (const e of shard.envelopes) {
      if (!e.pickle) continue;
      const key = pickleKeys.get(e.pickle.id)!;
      const canonical = canonicalByKey.get(key);
      if (!canonical || canonical.name !== e.pickle.name || canonical.steps.length !== e.pickle.steps.length) {
        throw new ShardMergeError(`${shard.dir}: scenario "${e.pickle.name}" (${key}) is not in ${first.dir}: the shards ran different feature files`);
      }
      pickleMap.set(e.pickle.id, canonical);
      e.pickle.steps.forEach((step, i) => stepMap.set(step.id, canonical.steps[i]!.id));
    }
    let shardStarted: TestRunStarted | undefined;
    for (const original of shard.envelopes) {
      if (SUITE.some((k) => original[k] !== undefined)) continue;
      if (DEFINITIONS.some((k) => original[k] !== undefined)) {
        definitions.push(original);
        continue;
      }
      if (original.testRunStarted) {
        shardStarted = original.testRunStarted;
        if (!started || timestampMs(original.testRunStarted.timestamp) < timestampMs(started.timestamp)) started = original.testRunStarted;
        continue;
      }
      if (original.testRunFinished) {
        finished.push(original.testRunFinished);
        continue;
      }
      const e = structuredClone(original) as Mutable<Envelope>;
      if (e.testCase) {
        const canonical = pickleMap.get(e.testCase.pickleId);
        if (!canonical) throw new ShardMergeError(`${shard.dir}: a test case names pickle ${e.testCase.pickleId}, which its stream does not declare (damaged stream)`);
        const key = canonicalKeys.get(canonical.id)!;
        if (!keys.has(key)) {
          throw new ShardMergeError(`${shard.dir} ran "${canonical.name}" (${key}), which is not in shard ${spec.index}/${spec.count}: the shard was not run with this kit's partition`);
        }
        const other = ranIn.get(key);
        if (other && other !== shard.dir) throw new ShardMergeError(`"${canonical.name}" (${key}) ran in both ${other} and ${shard.dir}`);
        ranIn.set(key, shard.dir);
        e.testCase = {
          ...e.testCase,
          pickleId: canonical.id,
          testSteps: e.testCase.testSteps.map((s) => (s.pickleStepId ? { ...s, pickleStepId: stepMap.get(s.pickleStepId) ?? s.pickleStepId } : s)),
        };
      }
      execution.push(e);
    }
    if (!shardStarted) throw new ShardMergeError(`${shard.dir}: its message stream has no testRunStarted (the shard did not start)`);
  }
  if (!started || finished.length !== shards.length) throw new ShardMergeError('a shard\'s run did not finish (no testRunFinished): run it again');
  const last = finished.reduce((a, b) => (timestampMs(b.timestamp) > timestampMs(a.timestamp) ? b : a));
  const failed = finished.filter((f) => !f.success);
  const runFinished: TestRunFinished = {
    ...last,
    success: failed.length === 0,
    ...(failed.some((f) => f.message) ? { message: failed.flatMap((f) => (f.message ? [f.message] : [])).join('; ') } : {}),
  };
  // The run's id: the earliest shard's. Other shards' references to their own run are pointed at it.
  const runId = (started as { id?: string }).id;
  const repoint = (e: Envelope): Envelope => {
    if (!runId) return e;
    for (const k of ['testCase', 'testRunHookStarted', 'attachment'] as const) {
      const inner = e[k] as { testRunStartedId?: string } | undefined;
      if (inner?.testRunStartedId && inner.testRunStartedId !== runId) return { ...e, [k]: { ...inner, testRunStartedId: runId } } as Envelope;
    }
    return e;
  };
  return [
    ...suite,
    ...definitions,
    { testRunStarted: started },
    ...execution.map(repoint),
    { testRunFinished: runId ? { ...runFinished, testRunStartedId: runId } : runFinished },
  ];
}
