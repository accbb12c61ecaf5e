/**
 * From a run's Cucumber messages to verdicts, per scenario and per requirement.
 *
 * A scenario contributes a verdict to every requirement it judges (its @REQ tags, plus any requirement a
 * finding names). The grading rule is the clause's level from the catalogue, never the scenario's outcome:
 *   - a miss of a MUST or SEED requirement is "failed"; a miss of a SHOULD requirement is "warning" (it is
 *     shown and counted, it never fails anything by itself). This holds whatever form the miss takes: a
 *     violation record, a warning record, or a scenario that failed with an error before its check (kit bug,
 *     target unreachable). So a SHOULD scenario that dies with an exception is a warning whose diagnosis says
 *     "failed with an error, not a check" — visible, but it cannot deny certification by the back door.
 *   - when a scenario stops at one requirement's failure, the other requirements it is tagged with were not
 *     judged by it: they get "not testable (blocked)" from that scenario, never "passed".
 *   - skipped with a not-applicable / not-testable record -> that verdict with the record's reason and remedy;
 *     skipped without a record -> not testable ("skipped without a reason"), never a silent pass.
 * A requirement's verdict combines its scenarios: failed > stale > known deviation > warning > passed, and
 * not-testable > not-applicable only when nothing judged it; no scenario executed -> "not-run".
 * The baseline then turns listed failures/warnings into "known-deviation" and listed passes into
 * "stale-deviation" (see baseline.ts).
 */
import type { Pickle } from '@cucumber/messages';
import { requirement as lookupRequirement, requirements as allRequirements, type Requirement } from '../requirements/catalogue.ts';
import { MEDIA, explainingRoot, type CheckOutcome, type CheckRecord, type Finding, type NotRunReason } from '../verdict/media-types.ts';
import { redact } from '../http/redact.ts';
import type { Baseline, BaselineEntry } from './baseline.ts';
import { reviewOverdue } from './baseline.ts';
import { errorText, finalAttempt, stepText, timestampMs, worstResult, type Attempt, type RunRecord } from './messages.ts';

export const VERDICTS = [
  'passed',
  'failed',
  'warning',
  'known-deviation',
  'stale-deviation',
  'not-applicable',
  'not-testable',
  'not-run',
] as const;
export type Verdict = (typeof VERDICTS)[number];

/** Worst first: how contributions combine into one verdict. */
const SEVERITY: readonly Verdict[] = [
  'failed',
  'stale-deviation',
  'known-deviation',
  'warning',
  'passed',
  'not-testable',
  'not-applicable',
  'not-run',
];
export const worse = (a: Verdict, b: Verdict): Verdict => (SEVERITY.indexOf(a) <= SEVERITY.indexOf(b) ? a : b);

export const VERDICT_LABEL: Record<Verdict, string> = {
  passed: 'passed',
  failed: 'failed',
  warning: 'warning',
  'known-deviation': 'known deviation',
  'stale-deviation': 'stale deviation',
  'not-applicable': 'not applicable',
  'not-testable': 'not testable',
  'not-run': 'not run',
};

export interface Deviation {
  readonly reason: string;
  readonly review?: string;
  readonly overdue?: boolean;
  /** What the entry names: `requirement REQ-X` or `scenario "name"`. */
  readonly entry: string;
}

/** How many checks of a requirement held, did not hold, or could not judge. */
export type CheckCounts = Record<CheckOutcome, number>;
export const noChecks = (): CheckCounts => ({ holds: 0, 'does-not-hold': 0, 'could-not-judge': 0, 'does-not-apply': 0 });
/** `3 held, 0 not held, 1 could not judge`: the evidence behind a verdict, in reports. */
export const describeChecks = (c: CheckCounts): string =>
  `${c.holds} held, ${c['does-not-hold']} not held, ${c['could-not-judge']} could not judge${c['does-not-apply'] ? `, ${c['does-not-apply']} did not apply` : ''}`;
const addCounts = (into: CheckCounts, from: CheckCounts): void => {
  for (const k of Object.keys(into) as CheckOutcome[]) into[k] += from[k];
};

/** What one scenario says about one requirement. */
export interface Contribution {
  verdict: Verdict;
  /** The checks of this requirement the scenario evaluated. */
  readonly checks: CheckCounts;
  /** One-line diagnoses (failures and warnings): `REQ-X clause [MUST] — expected ...; got ...`. */
  readonly diagnoses: string[];
  reason?: string;
  remedy?: string;
  deviation?: Deviation;
}

export interface ScenarioVerdict {
  readonly pickleId: string;
  /** The final attempt's id (Allure results are matched on it). */
  readonly testCaseStartedId?: string;
  readonly name: string;
  /** The Scenario (Outline) name as written; differs from `name` for outline examples. */
  readonly scenarioName: string;
  readonly uri: string;
  readonly line: number;
  readonly feature: string;
  readonly requirementIds: readonly string[];
  verdict: Verdict;
  /** Cucumber's own status of the final attempt (PASSED, FAILED, SKIPPED, UNDEFINED, ...). */
  readonly status: string;
  readonly contributions: Map<string, Contribution>;
  /** First line of an error that was not a requirement check (kit bug, target unreachable). */
  readonly error?: string;
  /** Full (redacted) error text, for JUnit/Allure details. */
  readonly errorDetail?: string;
  readonly unknownRequirementIds: readonly string[];
  readonly attempts: number;
  readonly durationMs: number;
  deviation?: Deviation;
}

export interface RequirementVerdict {
  readonly requirement: Requirement;
  verdict: Verdict;
  /** All checks of this requirement over the run: the evidence behind the verdict. */
  readonly checks: CheckCounts;
  /**
   * Set when some of its scenarios judged it and others could not (not testable, not judged): the verdict is then
   * "not testable" with a reason that says how much was judged, never a plain "passed".
   */
  partial?: { readonly judged: number; readonly notJudged: number; readonly of: number };
  readonly diagnoses: string[];
  reason?: string;
  remedy?: string;
  deviation?: Deviation;
  readonly scenarios: { readonly name: string; readonly uri: string; readonly line: number; verdict: Verdict }[];
}

export interface BaselineNote {
  readonly entry: BaselineEntry;
  readonly outcome: 'applied' | 'stale' | 'not exercised';
  readonly detail: string;
}

export interface Verdicts {
  readonly scenarios: readonly ScenarioVerdict[];
  readonly requirements: readonly RequirementVerdict[];
  readonly baseline?: { readonly file: string; readonly sha256: string; readonly notes: readonly BaselineNote[] };
  /** Run-level problems that are not a scenario's (a BeforeAll hook failed, unknown tags...). */
  readonly runErrors: readonly string[];
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** True when some scenarios of the suite were not selected (tag filter). */
  readonly partial: boolean;
}

const REQ_TAG = /^@(REQ-[A-Z]+-\d{2})$/;
const firstLine = (text: string): string => text.split('\n').find((l) => l.trim() !== '')?.trim() ?? text.trim();

function tryRequirement(id: string): Requirement | undefined {
  try {
    return lookupRequirement(id);
  } catch {
    return undefined;
  }
}

/** A miss of requirement `id`, graded by its catalogue level. */
const missVerdict = (req: Requirement): Verdict => (req.level === 'SHOULD' ? 'warning' : 'failed');
/**
 * A finding's verdict: by the requirement's level, except that a finding recorded at SHOULD (a check whose situation
 * falls under a SHOULD of the clause, support/verdict/check.ts `should`) is a warning even under a MUST requirement.
 */
export const findingVerdict = (req: Requirement, finding: Pick<Finding, 'level'>): Verdict => (finding.level === 'SHOULD' ? 'warning' : missVerdict(req));

function parseJson<T>(body: string): T | undefined {
  try {
    return JSON.parse(body) as T;
  } catch {
    return undefined;
  }
}

function records<T>(attempt: Attempt, mediaType: string): T[] {
  return attempt.attachments.filter((a) => a.mediaType === mediaType).flatMap((a) => {
    const parsed = parseJson<T>(a.body);
    return parsed ? [parsed] : [];
  });
}

function contribute(map: Map<string, Contribution>, id: string, verdict: Verdict, extra: { diagnosis?: string; reason?: string; remedy?: string } = {}): void {
  const current = map.get(id);
  const next: Contribution = current ?? { verdict, diagnoses: [], checks: noChecks() };
  next.verdict = current ? worse(current.verdict, verdict) : verdict;
  if (extra.diagnosis && !next.diagnoses.includes(extra.diagnosis)) next.diagnoses.push(extra.diagnosis);
  if (extra.reason && !next.reason) next.reason = extra.reason;
  if (extra.remedy && !next.remedy) next.remedy = extra.remedy;
  map.set(id, next);
}

function scenarioVerdict(run: RunRecord, pickle: Pickle, attempt: Attempt): ScenarioVerdict {
  const location = run.location(pickle);
  const tagged = pickle.tags.map((t) => REQ_TAG.exec(t.name)?.[1]).filter((id): id is string => id !== undefined);
  const known = tagged.filter((id) => tryRequirement(id));
  const unknownRequirementIds = tagged.filter((id) => !tryRequirement(id));
  const contributions = new Map<string, Contribution>();
  const worst = worstResult(attempt);
  const notApplicable = records<NotRunReason>(attempt, MEDIA.notApplicable);
  const notTestable = records<NotRunReason>(attempt, MEDIA.notTestable);
  const violations = records<Finding>(attempt, MEDIA.violation);
  const warnings = records<Finding>(attempt, MEDIA.warning);
  const checks = records<CheckRecord[]>(attempt, MEDIA.checks).flat();
  const held = (id: string) => checks.some((c) => c.requirementId === id && c.outcome === 'holds');
  const unjudged = (id: string) => checks.find((c) => c.requirementId === id && c.outcome === 'could-not-judge');
  /** Every check of it found its clause's condition absent here (and none could not judge): not applicable here. */
  const vacuous = (id: string) => {
    const mine = checks.filter((c) => c.requirementId === id);
    return mine.length > 0 && mine.every((c) => c.outcome === 'does-not-apply') ? mine[0]! : undefined;
  };
  /** A could-not-judge record of it that names another requirement's finding as the explanation (explainedBy). */
  const explained = (id: string) => checks.find((c) => c.requirementId === id && explainingRoot(c) !== undefined);
  /** A tagged requirement no check of which held: why, in the words of the check that could not judge if any. */
  const notJudged = (id: string) => {
    const root = explained(id);
    if (root) return { reason: `not judged: ${root.observed}`, remedy: `fix ${explainingRoot(root)}; ${id} is judged on its own once that cause is gone` };
    const why = checks.find((c) => c.requirementId === id && c.outcome === 'could-not-judge');
    return why
      ? { reason: `not judged: ${why.observed}`, remedy: `${why.check} could not judge ${id} in "${pickle.name}"; see the scenario's log and evidence` }
      : {
          reason: `not judged: the scenario "${pickle.name}" ran, but no check of ${id} got to judge`,
          remedy: 'a scenario that ends without a check of its requirement certifies nothing; see its log (kit bug if it says nothing)',
        };
  };
  let error: string | undefined;
  let errorDetail: string | undefined;

  // Findings are graded by the catalogue level of the requirement they name, whatever the scenario's status.
  for (const finding of [...violations, ...warnings]) {
    const req = tryRequirement(finding.requirementId);
    if (req) contribute(contributions, req.id, findingVerdict(req, finding), { diagnosis: redact(finding.diagnosis) });
  }

  // A scenario that stopped early (not applicable, not testable, or at another requirement's failure) has not judged
  // its other requirements, even where one of their checks held: a requirement may need several checks (an answer
  // came, no token, then the error code), and a held first one is no pass of the rest.
  if (notApplicable.length > 0) {
    for (const id of known) contribute(contributions, id, 'not-applicable', { reason: notApplicable[0]!.reason, remedy: notApplicable[0]!.remedy });
  } else if (notTestable.length > 0) {
    const ids = new Set([...known, ...notTestable.flatMap((r) => r.requirementIds).filter((id) => tryRequirement(id))]);
    for (const id of ids) if (!contributions.has(id)) contribute(contributions, id, 'not-testable', { reason: notTestable[0]!.reason, remedy: notTestable[0]!.remedy });
  } else if (worst.status === 'PASSED') {
    // Passed only where a check of the requirement held: a scenario that got through without judging (a judge
    // that returned early, a step that only logged) is "not judged", never a pass.
    for (const id of known) {
      // A SHOULD miss already contributed its warning (and its diagnosis): nothing to add, least of all a reason.
      if (contributions.has(id)) continue;
      const none = vacuous(id);
      const missing = unjudged(id);
      // One check held and another of the same requirement could not judge: the scenario judged part of it only.
      if (held(id) && missing) contribute(contributions, id, 'not-testable', { reason: `partly judged in "${pickle.name}": ${missing.observed}`, remedy: notJudged(id).remedy });
      else if (held(id)) contribute(contributions, id, 'passed');
      else if (none) contribute(contributions, id, 'not-applicable', { reason: `does not apply in "${pickle.name}": ${none.observed}` });
      else contribute(contributions, id, 'not-testable', notJudged(id));
    }
  } else if (worst.status === 'SKIPPED' || worst.status === 'UNKNOWN') {
    for (const id of known)
      contribute(contributions, id, 'not-testable', {
        reason: 'the scenario was skipped without saying why',
        remedy: 'kit bug: a step that cannot run must return world.notTestable(...) with the reason',
      });
  } else {
    // FAILED, UNDEFINED, PENDING, AMBIGUOUS.
    const text = worst.result ? errorText(worst.result) : undefined;
    const violationNamed = violations.map((v) => v.requirementId);
    // A RequirementViolation whose record went missing still names its requirement on its first line.
    const fromMessage = text ? /^(?:RequirementViolation: )?(REQ-[A-Z]+-\d{2}) /.exec(firstLine(text))?.[1] : undefined;
    if (fromMessage && !violationNamed.includes(fromMessage) && tryRequirement(fromMessage)) {
      const req = lookupRequirement(fromMessage);
      contribute(contributions, req.id, missVerdict(req), { diagnosis: redact(firstLine(text!).replace(/^RequirementViolation: /, '')) });
      violationNamed.push(fromMessage);
    }
    if (violationNamed.length > 0) {
      for (const id of known) {
        if (contributions.has(id)) continue;
        // Not judged because another requirement's finding explains its answer (explainedBy): say which, in its words.
        if (explained(id)) {
          contribute(contributions, id, 'not-testable', notJudged(id));
          continue;
        }
        contribute(contributions, id, 'not-testable', {
          reason: `not judged: the scenario "${pickle.name}" stopped at ${violationNamed.join(', ')} first`,
          remedy: `fix ${violationNamed.join(', ')}; this requirement is judged once the scenario gets past it`,
        });
      }
    } else {
      const step = worst.testStepId ? stepText(run, attempt, worst.testStepId) : undefined;
      error =
        worst.status === 'FAILED'
          ? redact(firstLine(text ?? 'the scenario failed without a message'))
          : `kit error: step "${step ?? '?'}" is ${worst.status.toLowerCase()} (no matching step definition)`;
      errorDetail = text ? redact(text) : error;
      for (const id of known) {
        const req = lookupRequirement(id);
        contribute(contributions, id, missVerdict(req), {
          diagnosis: `${req.id} ${req.source} [${req.level === 'SEED' ? 'seed' : req.level}] — scenario "${pickle.name}" failed with an error, not a check: ${error}`,
        });
      }
    }
  }

  for (const [id, c] of contributions) {
    for (const r of checks) if (r.requirementId === id) c.checks[r.outcome]++;
  }

  const attempts = run.attempts.get(pickle.id)?.length ?? 1;
  const start = timestampMs(attempt.started.timestamp);
  const end = attempt.finished ? timestampMs(attempt.finished.timestamp) : start;
  let verdict: Verdict = 'not-run';
  for (const c of contributions.values()) verdict = verdict === 'not-run' ? c.verdict : worse(verdict, c.verdict);
  if (contributions.size === 0) {
    // No requirement to attribute to (untagged scenario): the scenario's own outcome.
    verdict = worst.status === 'PASSED' ? 'passed' : worst.status === 'SKIPPED' ? 'not-testable' : 'failed';
    if (verdict === 'failed' && !error) {
      error = redact(firstLine((worst.result && errorText(worst.result)) ?? `scenario ${worst.status.toLowerCase()}`));
      errorDetail = error;
    }
  }
  return {
    pickleId: pickle.id,
    testCaseStartedId: attempt.started.id,
    name: pickle.name,
    scenarioName: location.scenarioName,
    uri: pickle.uri,
    line: location.line,
    feature: location.feature,
    requirementIds: known,
    verdict,
    status: worst.status,
    contributions,
    ...(error ? { error } : {}),
    ...(errorDetail ? { errorDetail } : {}),
    unknownRequirementIds,
    attempts,
    durationMs: Math.max(0, end - start),
  };
}

function deviationFrom(entry: BaselineEntry, now: Date): Deviation {
  return {
    reason: entry.reason,
    ...(entry.review ? { review: entry.review } : {}),
    ...(reviewOverdue(entry, now) ? { overdue: true } : {}),
    entry: entry.requirement ? `requirement ${entry.requirement}` : `scenario "${entry.scenario}"`,
  };
}

const staleReason = (entry: BaselineEntry, file: string) =>
  `${entry.requirement ?? `scenario "${entry.scenario}"`} passes now: remove it from the baseline (${file}${entry.line ? `, line ${entry.line}` : ''})`;

export interface ComputeOptions {
  readonly baseline?: Baseline;
  readonly now?: Date;
}

export function computeVerdicts(run: RunRecord, options: ComputeOptions = {}): Verdicts {
  const now = options.now ?? new Date();
  const baseline = options.baseline;
  const notes: BaselineNote[] = [];
  const scenarios: ScenarioVerdict[] = [];
  const runErrors = run.runHookFailures.map((m) => `a BeforeAll/AfterAll hook failed: ${redact(firstLine(m))}`);
  let selected = 0;
  for (const pickle of run.pickles) {
    const attempt = finalAttempt(run, pickle.id);
    if (!attempt) continue;
    selected++;
    if (!attempt.finished) {
      runErrors.push(`scenario "${pickle.name}" (${pickle.uri}) started but never finished`);
      continue;
    }
    const s = scenarioVerdict(run, pickle, attempt);
    for (const id of s.unknownRequirementIds) runErrors.push(`scenario "${s.name}" (${s.uri}:${s.line}) is tagged @${id}, which the catalogue does not declare (kit bug)`);
    scenarios.push(s);
  }

  // Scenario entries of the baseline act on that scenario's contributions.
  for (const entry of baseline?.entries.filter((e) => e.scenario !== undefined) ?? []) {
    // An outline's name (with <placeholders>) covers all its examples; an example's expanded name only itself.
    const matching = scenarios.filter((s) => s.name === entry.scenario || s.scenarioName === entry.scenario);
    if (matching.length === 0) {
      notes.push({ entry, outcome: 'not exercised', detail: `scenario "${entry.scenario}" did not run in this run` });
      continue;
    }
    const deviation = deviationFrom(entry, now);
    let missed = false;
    let judged = false;
    for (const s of matching) {
      for (const c of s.contributions.values()) {
        if (c.verdict === 'failed' || c.verdict === 'warning') {
          c.verdict = 'known-deviation';
          c.deviation = deviation;
          missed = true;
        } else if (c.verdict === 'passed') judged = true;
      }
      if (s.contributions.size === 0 && s.verdict === 'failed') {
        s.verdict = 'known-deviation';
        missed = true;
      }
      s.deviation = deviation;
    }
    if (missed) notes.push({ entry, outcome: 'applied', detail: `scenario "${entry.scenario}" still fails: known deviation` });
    else if (judged) {
      for (const s of matching) for (const c of s.contributions.values()) if (c.verdict === 'passed') {
        c.verdict = 'stale-deviation';
        c.reason = staleReason(entry, baseline!.file);
      }
      notes.push({ entry, outcome: 'stale', detail: staleReason(entry, baseline!.file) });
    } else notes.push({ entry, outcome: 'not exercised', detail: `scenario "${entry.scenario}" was not judged (not applicable or not testable)` });
  }

  // Requirement verdicts: combine contributions.
  const pickleIdsByRequirement = new Map<string, number>();
  for (const pickle of run.pickles) for (const t of pickle.tags) {
    const id = REQ_TAG.exec(t.name)?.[1];
    if (id) pickleIdsByRequirement.set(id, (pickleIdsByRequirement.get(id) ?? 0) + 1);
  }
  const requirementVerdicts: RequirementVerdict[] = allRequirements().map((req) => {
    const rv: RequirementVerdict = { requirement: req, verdict: 'not-run', checks: noChecks(), diagnoses: [], scenarios: [] };
    for (const s of scenarios) {
      const c = s.contributions.get(req.id);
      if (!c) continue;
      addCounts(rv.checks, c.checks);
      rv.scenarios.push({ name: s.name, uri: s.uri, line: s.line, verdict: c.verdict });
      rv.verdict = rv.verdict === 'not-run' ? c.verdict : worse(rv.verdict, c.verdict);
      for (const d of c.diagnoses) if (!rv.diagnoses.includes(d)) rv.diagnoses.push(d);
      if (c.deviation && !rv.deviation) rv.deviation = c.deviation;
    }
    // The reason that goes with the verdict: from the first scenario that produced it.
    for (const s of scenarios) {
      const c = s.contributions.get(req.id);
      if (c && c.verdict === rv.verdict && c.reason) {
        rv.reason = c.reason;
        if (c.remedy) rv.remedy = c.remedy;
        break;
      }
    }
    if (rv.verdict === 'not-run') {
      rv.reason = pickleIdsByRequirement.has(req.id)
        ? 'its scenarios were not selected in this run (tag filter)'
        : 'no scenario in the suite judges it yet';
    }
    return rv;
  });

  // Requirement entries of the baseline.
  for (const entry of baseline?.entries.filter((e) => e.requirement !== undefined) ?? []) {
    const rv = requirementVerdicts.find((r) => r.requirement.id === entry.requirement)!;
    const deviation = deviationFrom(entry, now);
    if (rv.verdict === 'failed' || rv.verdict === 'warning' || rv.verdict === 'known-deviation') {
      rv.verdict = 'known-deviation';
      rv.deviation = deviation;
      for (const s of scenarios) {
        const c = s.contributions.get(rv.requirement.id);
        if (c && (c.verdict === 'failed' || c.verdict === 'warning')) {
          c.verdict = 'known-deviation';
          c.deviation = deviation;
        }
      }
      notes.push({ entry, outcome: 'applied', detail: `${rv.requirement.id} still fails: known deviation` });
    } else if (rv.verdict === 'passed') {
      rv.verdict = 'stale-deviation';
      rv.deviation = deviation;
      rv.reason = staleReason(entry, baseline!.file);
      for (const s of scenarios) {
        const c = s.contributions.get(rv.requirement.id);
        if (c && c.verdict === 'passed') {
          c.verdict = 'stale-deviation';
          c.reason = rv.reason;
        }
      }
      notes.push({ entry, outcome: 'stale', detail: rv.reason });
    } else {
      notes.push({ entry, outcome: 'not exercised', detail: `${rv.requirement.id} was ${VERDICT_LABEL[rv.verdict]} in this run: the entry was not checked` });
    }
  }

  // Scenario verdicts after the baseline, and the per-requirement scenario lists.
  for (const s of scenarios) {
    if (s.contributions.size === 0) continue;
    let v: Verdict | undefined;
    for (const c of s.contributions.values()) v = v ? worse(v, c.verdict) : c.verdict;
    s.verdict = v!;
  }
  for (const rv of requirementVerdicts) {
    for (const entry of rv.scenarios) {
      const s = scenarios.find((x) => x.name === entry.name && x.uri === entry.uri && x.line === entry.line);
      const c = s?.contributions.get(rv.requirement.id);
      if (c) entry.verdict = c.verdict;
    }
    // A requirement whose failing scenario was baselined by name, and nothing else fails: known deviation.
    if (rv.scenarios.length > 0) {
      let v: Verdict | undefined;
      for (const e of rv.scenarios) v = v ? worse(v, e.verdict) : e.verdict;
      if (rv.verdict !== 'stale-deviation' || v === 'stale-deviation') rv.verdict = v!;
      if (rv.verdict === 'stale-deviation' && !rv.reason) {
        rv.reason = scenarios.map((s) => s.contributions.get(rv.requirement.id)).find((c) => c?.verdict === 'stale-deviation')?.reason;
      }
    }
  }

  for (const rv of requirementVerdicts) markPartial(rv, scenarios);

  const started = run.runStarted ? new Date(timestampMs(run.runStarted.timestamp)).toISOString() : undefined;
  const finished = run.runFinished ? new Date(timestampMs(run.runFinished.timestamp)).toISOString() : undefined;
  return {
    scenarios,
    requirements: requirementVerdicts,
    ...(baseline ? { baseline: { file: baseline.file, sha256: baseline.sha256, notes } } : {}),
    runErrors,
    ...(started ? { startedAt: started } : {}),
    ...(finished ? { finishedAt: finished } : {}),
    partial: selected < run.pickles.length,
  };
}

const JUDGED: ReadonlySet<Verdict> = new Set(['passed', 'failed', 'warning', 'known-deviation', 'stale-deviation']);

/**
 * Partial coverage is visible: a requirement that passed where it was judged, but some of whose scenarios could
 * not judge it (not testable, not judged), is not "passed". It becomes "not testable" with a reason that says how
 * much was judged, so a binding requirement in that state leaves its profile incomplete (certification.ts).
 */
function markPartial(rv: RequirementVerdict, scenarios: readonly ScenarioVerdict[]): void {
  if (rv.verdict !== 'passed') return;
  const judged = rv.scenarios.filter((e) => JUDGED.has(e.verdict)).length;
  const notJudged = rv.scenarios.filter((e) => e.verdict === 'not-testable');
  if (notJudged.length === 0) return;
  const first = notJudged[0]!;
  const c = scenarios.find((s) => s.name === first.name && s.uri === first.uri && s.line === first.line)?.contributions.get(rv.requirement.id);
  const of = judged + notJudged.length;
  rv.partial = { judged, notJudged: notJudged.length, of };
  rv.verdict = 'not-testable';
  rv.reason = `partly judged: passed in ${judged} of ${of} scenarios; ${notJudged.length} not testable (${c?.reason ?? 'no reason recorded'})`;
  rv.remedy = c?.remedy;
}

/** Counts per verdict kind. */
export function countVerdicts(items: readonly { verdict: Verdict }[]): Record<Verdict, number> {
  const counts = Object.fromEntries(VERDICTS.map((v) => [v, 0])) as Record<Verdict, number>;
  for (const item of items) counts[item.verdict]++;
  return counts;
}
