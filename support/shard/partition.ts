/**
 * Which scenarios a shard runs (`auth-ctk run --shard i/n`). The partition is a function of the feature set
 * alone — not of --tags, the target or the clock — so N machines that agree on the kit version agree on it,
 * every scenario of the suite is in exactly one shard, and a tag filter applied to every shard selects exactly
 * what it selects in a single run.
 *
 * Timing-sensitive scenarios stay together: a rate-limit burst, an IP block or a token waiting out its expiry
 * share one target-side state (a per-client or per-address budget, a block timer) with the feature's other
 * timing scenarios, and the provider order (support/target/provider-order.ts) runs the IP-block ones last within a
 * run. Split across machines hitting the same target, they would spend each other's budget at the same time. A
 * scenario is timing-sensitive when it is tagged @timing-sensitive or @load (a feature tag counts), or judges a
 * requirement bound to a timing capability (rate limiting, IP blocking, per-client token lifetime); the timing
 * scenarios of one feature go to one shard, its other scenarios are spread like any other (a browser login next
 * to the login page's IP-block check shares no state with it).
 * The load-generating ones (@load, rate limiting, IP blocking, the gateway's too) go together into ONE shard: the
 * profile's load caps (limits.maxRequestsPerRun, maxRequestsPerSecond) are counted per process, so only then do
 * they still bound the whole run, and no shard's burst spends the per-address budget another shard is measuring.
 *
 * Balance: each unit (the load scenarios, a feature's timing scenarios, or one scenario) has an estimated weight in
 * tenths of a second measured on the reference (a plain scenario ~0.1 s, a browser login ~0.8 s, a load scenario
 * ~0.9 s, a waiting one ~2.5 s), and units go, heaviest first, to the lightest shard (ties: earlier unit, lower
 * shard). Within a shard the suite's order is kept.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator, type GherkinDocument } from '@cucumber/messages';
import { tagsBindCapability } from '../requirements/catalogue.ts';
import { KIT_ROOT, featureFiles } from '../traceability.ts';
import { locationIndex } from '../report/messages.ts';

export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** Largest shard count accepted: more shards than scenarios only makes empty shards. */
export const MAX_SHARDS = 64;

export class ShardSpecError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardSpecError';
  }
}

/** Set by Kubernetes in every pod of an Indexed Job: 0, 1, ... n-1. */
export const JOB_INDEX_ENV = 'JOB_COMPLETION_INDEX';

/**
 * `i/n` (1-based), or `job/n`: shard JOB_COMPLETION_INDEX + 1 of n, for the pods of a Kubernetes Indexed Job
 * (completion index = shard, with no shell in the image to do the arithmetic).
 */
export function parseShard(value: string, env: Readonly<Record<string, string | undefined>> = process.env): ShardSpec {
  const job = /^\s*job\s*\/\s*(\d{1,4})\s*$/.exec(value);
  if (job) {
    const index = env[JOB_INDEX_ENV];
    if (index === undefined || !/^\d{1,4}$/.test(index)) {
      throw new ShardSpecError(`--shard ${value} takes the shard from ${JOB_INDEX_ENV} (set in the pods of a Kubernetes Indexed Job), which is ${index === undefined ? 'not set' : `"${index}"`}`);
    }
    return parseShard(`${Number(index) + 1}/${job[1]}`, {});
  }
  const m = /^\s*(\d{1,4})\s*\/\s*(\d{1,4})\s*$/.exec(value);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || count > MAX_SHARDS || index < 1 || index > count) {
    throw new ShardSpecError(`--shard takes <i>/<n> with 1 <= i <= n <= ${MAX_SHARDS} (e.g. --shard 2/3), or job/<n> in a Kubernetes Indexed Job; got "${value}"`);
  }
  return { index, count };
}

export const shardLabel = (s: ShardSpec): string => `${s.index}/${s.count}`;

/** Tags and capabilities that make a scenario timing-sensitive (a feature's such scenarios share one shard). */
export const TIMING_TAGS: readonly string[] = ['@timing-sensitive', '@load'];
export const TIMING_CAPABILITIES: readonly string[] = ['rate-limiting', 'ip-blocking', 'gateway-rate-limiting', 'gateway-ip-blocking', 'per-client-ttl', 'oauth-endpoints-rate-limiting'];
/** Of those, the ones that send load: their features share one shard. */
export const LOAD_TAGS: readonly string[] = ['@load'];
export const LOAD_CAPABILITIES: readonly string[] = ['rate-limiting', 'ip-blocking', 'gateway-rate-limiting', 'gateway-ip-blocking', 'oauth-endpoints-rate-limiting'];
/** Estimated tenths of a second per scenario (see Balance above). */
const WEIGHT = { plain: 1, browser: 8, load: 9, timing: 25 } as const;

export interface PickleKeyed {
  /** `features/x.feature:12`: the file and the line of the scenario, or of the example row for an outline. */
  readonly key: string;
  readonly uri: string;
  readonly name: string;
  readonly tags: readonly string[];
}

export const pickleKey = (uri: string, line: number): string => `${uri}:${line}`;

export const isTimingSensitive = (tags: readonly string[]): boolean => marked(tags, TIMING_TAGS, TIMING_CAPABILITIES);
export const generatesLoad = (tags: readonly string[]): boolean => marked(tags, LOAD_TAGS, LOAD_CAPABILITIES);

function marked(tags: readonly string[], markTags: readonly string[], capabilities: readonly string[]): boolean {
  return tags.some((tag) => markTags.includes(tag)) || tagsBindCapability(tags, capabilities);
}

function lineIndex(document: GherkinDocument): Map<string, number> {
  return new Map([...locationIndex(new Map([['', document]]))].map(([id, location]) => [id, location.line]));
}

/** Every pickle of the suite in cucumber's order, keyed as cucumber locates it (last AST node: the example row). */
export function suitePickles(files = featureFiles()): PickleKeyed[] {
  const out: PickleKeyed[] = [];
  for (const uri of files) {
    const newId = IdGenerator.uuid();
    const document = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(KIT_ROOT, uri), 'utf8'));
    if (!document.feature) continue;
    const lines = lineIndex(document);
    for (const pickle of compile(document, uri, newId)) {
      const line = lines.get(pickle.astNodeIds[pickle.astNodeIds.length - 1] ?? '') ?? 0;
      out.push({ key: pickleKey(uri, line), uri, name: pickle.name, tags: pickle.tags.map((t) => t.name) });
    }
  }
  return out;
}

interface Unit {
  readonly order: number;
  readonly keys: string[];
  weight: number;
}

/** The keys of every shard, shards[0] being shard 1. Each key is in exactly one shard. */
export function partition(pickles: readonly PickleKeyed[], count: number): string[][] {
  const units: Unit[] = [];
  const shared = new Map<string, Unit>();
  const join = (unitKey: string, key: string, weight: number) => {
    let unit = shared.get(unitKey);
    if (!unit) {
      unit = { order: units.length, keys: [], weight: 0 };
      shared.set(unitKey, unit);
      units.push(unit);
    }
    unit.keys.push(key);
    unit.weight += weight;
  };
  for (const p of pickles) {
    // One unit for all load-generating scenarios; one per feature for its other timing-sensitive ones.
    if (generatesLoad(p.tags)) join('@load', p.key, WEIGHT.load);
    else if (isTimingSensitive(p.tags)) join(`timing ${p.uri}`, p.key, WEIGHT.timing);
    else units.push({ order: units.length, keys: [p.key], weight: p.tags.includes('@browser') ? WEIGHT.browser : WEIGHT.plain });
  }
  const loads = new Array<number>(count).fill(0);
  const assigned = new Map<string, number>();
  for (const unit of [...units].sort((a, b) => b.weight - a.weight || a.order - b.order)) {
    let target = 0;
    for (let i = 1; i < count; i++) if (loads[i]! < loads[target]!) target = i;
    loads[target]! += unit.weight;
    for (const key of unit.keys) assigned.set(key, target);
  }
  const shards: string[][] = Array.from({ length: count }, () => []);
  for (const p of pickles) shards[assigned.get(p.key)!]!.push(p.key);
  return shards;
}

/** The scenario keys of one shard of the kit's own suite. */
export function shardKeys(spec: ShardSpec, pickles = suitePickles()): Set<string> {
  return new Set(partition(pickles, spec.count)[spec.index - 1]);
}
