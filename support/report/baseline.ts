/**
 * Known-deviation baselines (issue 12 §2). A vendor lists the requirements (or single scenarios) its product
 * is known to break, each with a reason and an optional review date, and keeps certifying while it fixes them:
 * a listed failure is a "known deviation" (shown everywhere, never hidden); a listed entry that now passes is
 * "stale" and fails the run until it is removed. The file is checked BEFORE the suite runs: an unknown
 * requirement, an unknown scenario or a missing/TODO reason is a usage error (exit 2).
 *
 *   # auth-ctk known-deviation baseline
 *   target: ACME IdP 4.2              # optional, informational
 *   deviations:
 *     - requirement: REQ-TOK-06
 *       reason: Pragma is stripped by our CDN; fix tracked in ACME-1234
 *       review: 2026-03-31             # optional, YYYY-MM-DD
 *     - scenario: A token request over plain HTTP is refused
 *       reason: ...
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isNode, isSeq, stringify } from 'yaml';
import { Ajv } from 'ajv';
import { requirement, UnknownRequirementError } from '../requirements/catalogue.ts';
import { ReportInputError } from './errors.ts';

export class BaselineError extends ReportInputError {
  constructor(file: string, problems: readonly string[]) {
    super(`baseline ${file} is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'BaselineError';
  }
}

export interface BaselineEntry {
  readonly requirement?: string;
  readonly scenario?: string;
  readonly reason: string;
  /** YYYY-MM-DD: when the vendor means to look at it again. Past dates are flagged, not refused. */
  readonly review?: string;
  /** Line in the file, for messages. */
  readonly line?: number;
}

export interface Baseline {
  readonly file: string;
  /** sha256 of the file's bytes: the certificate records which baseline was in force. */
  readonly sha256: string;
  readonly target?: string;
  readonly entries: readonly BaselineEntry[];
}

/** The placeholder `auth-ctk baseline` writes; the run refuses it until the vendor replaces it. */
export const TODO_REASON = 'TODO';

const SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['deviations'],
  properties: {
    target: { type: 'string' },
    deviations: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          requirement: { type: 'string' },
          scenario: { type: 'string', minLength: 1 },
          reason: { type: ['string', 'null'] },
          review: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

export interface LoadOptions {
  /** Scenario names of the suite (see kit.ts scenarioNames); entries naming another scenario are refused. */
  readonly scenarioNames?: ReadonlyMap<string, unknown>;
}

export function loadBaseline(file: string, options: LoadOptions = {}): Baseline {
  if (!existsSync(file)) throw new BaselineError(file, ['the file does not exist (check the --baseline path)']);
  const bytes = readFileSync(file);
  const lineCounter = new LineCounter();
  const doc = parseDocument(bytes.toString('utf8'), { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) throw new BaselineError(file, doc.errors.map((e) => `YAML: ${e.message.split('\n')[0]}`));
  const data = doc.toJS() as unknown;
  const problems: string[] = [];
  if (!validate(data)) {
    for (const e of validate.errors ?? []) {
      const where = e.instancePath ? `at ${e.instancePath.replace(/^\/deviations\/(\d+)/, (_, i: string) => `deviations[${i}]`)}` : 'at the top level';
      const extra = e.keyword === 'additionalProperties' ? ` ("${String(e.params.additionalProperty)}"; allowed: requirement, scenario, reason, review)` : '';
      problems.push(`${where}: ${e.message}${extra}`);
    }
    throw new BaselineError(file, [...problems, 'expected: "deviations:" followed by a list of {requirement or scenario, reason, review?}']);
  }
  const raw = data as { target?: string; deviations: { requirement?: string; scenario?: string; reason?: string | null; review?: string }[] };

  const lines: number[] = [];
  const seq = isMap(doc.contents) ? doc.contents.get('deviations', true) : undefined;
  if (isSeq(seq)) for (const item of seq.items) lines.push(isNode(item) && item.range ? lineCounter.linePos(item.range[0]).line : 0);

  const seen = new Set<string>();
  const entries: BaselineEntry[] = [];
  raw.deviations.forEach((d, i) => {
    const line = lines[i] || undefined;
    const label = `entry ${i + 1}${line ? ` (line ${line})` : ''}`;
    if ((d.requirement === undefined) === (d.scenario === undefined)) {
      problems.push(`${label}: name either a requirement (requirement: REQ-XXX-NN) or one scenario (scenario: <name>), not ${d.requirement ? 'both' : 'neither'}`);
      return;
    }
    if (d.requirement !== undefined) {
      try {
        requirement(d.requirement);
      } catch (error) {
        if (!(error instanceof UnknownRequirementError)) throw error;
        problems.push(`${label}: unknown requirement "${d.requirement}" (the catalogue has no such ID; "auth-ctk list" shows them)`);
      }
    }
    if (d.scenario !== undefined && options.scenarioNames && !options.scenarioNames.has(d.scenario)) {
      problems.push(`${label}: no scenario is named "${d.scenario}" in the suite (copy the name from the feature file or the report)`);
    }
    const reason = typeof d.reason === 'string' ? d.reason.trim() : '';
    const subject = d.requirement ?? `scenario "${d.scenario}"`;
    if (reason === '') problems.push(`${label}: ${subject} has no reason: say why the deviation is accepted (e.g. the ticket that fixes it)`);
    else if (/^todo\b/i.test(reason)) problems.push(`${label}: ${subject} still has the reason "${reason}": replace the TODO with why the deviation is accepted`);
    if (d.review !== undefined && Number.isNaN(Date.parse(`${d.review}T00:00:00Z`))) problems.push(`${label}: review date "${d.review}" is not a calendar date (YYYY-MM-DD)`);
    const key = d.requirement ? `requirement ${d.requirement}` : `scenario ${d.scenario}`;
    if (seen.has(key)) problems.push(`${label}: ${key} is listed twice`);
    seen.add(key);
    entries.push({
      ...(d.requirement !== undefined ? { requirement: d.requirement } : { scenario: d.scenario }),
      reason,
      ...(d.review !== undefined ? { review: d.review } : {}),
      ...(line ? { line } : {}),
    });
  });
  if (problems.length > 0) throw new BaselineError(file, problems);
  return { file, sha256: createHash('sha256').update(bytes).digest('hex'), ...(raw.target ? { target: raw.target } : {}), entries };
}

/** True when the entry's review date has passed (it stays a known deviation; the report says it is overdue). */
export function reviewOverdue(entry: BaselineEntry, now = new Date()): boolean {
  return entry.review !== undefined && Date.parse(`${entry.review}T23:59:59Z`) < now.getTime();
}

export interface StarterItem {
  readonly requirementId: string;
  /** The one-line diagnoses, written as comments so the vendor sees what it is accepting. */
  readonly diagnoses: readonly string[];
}

/** A starting baseline: one entry per failure, reason "TODO" (the run refuses it until each is filled in). */
export function renderStarterBaseline(items: readonly StarterItem[], context: { target?: string; source: string }): string {
  const lines = [
    '# auth-ctk known-deviation baseline (issue 12): requirements this target is known to break.',
    `# Written by "auth-ctk baseline" from ${context.source}.`,
    '# Replace every TODO with why the deviation is accepted (e.g. the ticket that fixes it); the run refuses',
    '# TODO reasons. Optional: review: YYYY-MM-DD. Remove an entry once it passes: a listed entry that passes',
    '# fails the run as "stale". Use: auth-ctk run --baseline <this file>',
  ];
  if (context.target) lines.push(`target: ${stringify(context.target).trim()}`);
  if (items.length === 0) {
    lines.push('deviations: []');
    return `${lines.join('\n')}\n`;
  }
  lines.push('deviations:');
  for (const item of items) {
    for (const d of item.diagnoses) lines.push(`  # ${d.replace(/\s+/g, ' ')}`);
    lines.push(`  - requirement: ${item.requirementId}`, `    reason: ${TODO_REASON}`);
  }
  return `${lines.join('\n')}\n`;
}
