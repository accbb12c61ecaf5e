/**
 * Reads a run's Cucumber message stream (NDJSON) and indexes what the verdict layer needs: the pickles (every
 * scenario of the suite, selected or not), their final attempt, step results, and the kit's attachments.
 * The message stream is the one source every report is derived from; a stream that is cut off or malformed is
 * refused with a message that says so, never half-read.
 */
import { existsSync, readFileSync } from 'node:fs';
import type {
  Attachment,
  Envelope,
  GherkinDocument,
  Meta,
  Pickle,
  TestCase,
  TestCaseFinished,
  TestCaseStarted,
  TestRunFinished,
  TestRunStarted,
  TestStepResult,
} from '@cucumber/messages';
import { ReportInputError } from './errors.ts';

/** The results are missing, cut off or not a Cucumber message stream: exit 2, the message says what to do. */
export class ResultsError extends ReportInputError {
  constructor(message: string) {
    super(message);
    this.name = 'ResultsError';
  }
}

export interface Attempt {
  readonly started: TestCaseStarted;
  finished?: TestCaseFinished;
  readonly testCase: TestCase;
  /** testStepId -> result, in execution order. */
  readonly results: Map<string, TestStepResult>;
  readonly attachments: Attachment[];
}

export interface ScenarioLocation {
  readonly line: number;
  readonly feature: string;
  /** The Scenario (or Scenario Outline) name as written, before example substitution. */
  readonly scenarioName: string;
}

export interface RunRecord {
  readonly source: string;
  readonly meta?: Meta;
  readonly runStarted?: TestRunStarted;
  readonly runFinished?: TestRunFinished;
  readonly documents: ReadonlyMap<string, GherkinDocument>;
  /** Every pickle the suite compiled, in file order (cucumber emits them whether or not the tag filter selected them). */
  readonly pickles: readonly Pickle[];
  /** pickleId -> attempts in order; absent when the scenario was not selected. */
  readonly attempts: ReadonlyMap<string, readonly Attempt[]>;
  /** Failures of BeforeAll/AfterAll hooks (e.g. the target could not be reached). */
  readonly runHookFailures: readonly string[];
  location(pickle: Pickle): ScenarioLocation;
}

/** Parses NDJSON text; `source` names it in error messages. */
export function parseMessages(text: string, source: string): Envelope[] {
  if (text.trim() === '') throw new ResultsError(`${source} is empty: the run wrote no Cucumber messages (did it start at all?)`);
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const envelopes: Envelope[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    try {
      envelopes.push(JSON.parse(line) as Envelope);
    } catch {
      const last = i === lines.length - 1;
      throw new ResultsError(
        last && !endsWithNewline
          ? `${source} is half-written: its last line (${i + 1}) is cut off. The run was interrupted or is still writing; run it again.`
          : `${source} line ${i + 1} is not a Cucumber message (not JSON): the file is damaged; run the suite again.`,
      );
    }
  }
  return envelopes;
}

export function readMessages(path: string): RunRecord {
  if (!existsSync(path)) {
    throw new ResultsError(`no results: ${path} does not exist. Run the suite first ("auth-ctk run"), or name the file with --messages.`);
  }
  return indexMessages(parseMessages(readFileSync(path, 'utf8'), path), path);
}

export function indexMessages(envelopes: readonly Envelope[], source: string): RunRecord {
  let meta: Meta | undefined;
  let runStarted: TestRunStarted | undefined;
  let runFinished: TestRunFinished | undefined;
  const documents = new Map<string, GherkinDocument>();
  const pickles: Pickle[] = [];
  const testCases = new Map<string, TestCase>();
  const attemptsByStarted = new Map<string, Attempt>();
  const attempts = new Map<string, Attempt[]>();
  const runHookFailures: string[] = [];

  for (const e of envelopes) {
    if (e.meta) meta = e.meta;
    else if (e.testRunStarted) runStarted = e.testRunStarted;
    else if (e.testRunFinished) runFinished = e.testRunFinished;
    else if (e.gherkinDocument?.uri) documents.set(e.gherkinDocument.uri, e.gherkinDocument);
    else if (e.pickle) pickles.push(e.pickle);
    else if (e.testCase) testCases.set(e.testCase.id, e.testCase);
    else if (e.testCaseStarted) {
      const testCase = testCases.get(e.testCaseStarted.testCaseId);
      if (!testCase) throw new ResultsError(`${source}: test case ${e.testCaseStarted.testCaseId} started but was never declared (damaged stream)`);
      const attempt: Attempt = { started: e.testCaseStarted, testCase, results: new Map(), attachments: [] };
      attemptsByStarted.set(e.testCaseStarted.id, attempt);
      const list = attempts.get(testCase.pickleId) ?? [];
      list.push(attempt);
      attempts.set(testCase.pickleId, list);
    } else if (e.testStepFinished) {
      attemptsByStarted.get(e.testStepFinished.testCaseStartedId)?.results.set(e.testStepFinished.testStepId, e.testStepFinished.testStepResult);
    } else if (e.attachment?.testCaseStartedId) {
      attemptsByStarted.get(e.attachment.testCaseStartedId)?.attachments.push(e.attachment);
    } else if (e.testCaseFinished) {
      const attempt = attemptsByStarted.get(e.testCaseFinished.testCaseStartedId);
      if (attempt) attempt.finished = e.testCaseFinished;
    } else if (e.testRunHookFinished) {
      const result = e.testRunHookFinished.result;
      if (String(result.status) === 'FAILED') runHookFailures.push(errorText(result) ?? 'a BeforeAll/AfterAll hook failed');
    }
  }
  if (!runFinished) {
    throw new ResultsError(
      `${source} has no testRunFinished message: the run did not finish (interrupted, or still running). Its results are incomplete; run the suite again.`,
    );
  }

  const locations = locationIndex(documents);
  return {
    source,
    meta,
    runStarted,
    runFinished,
    documents,
    pickles,
    attempts,
    runHookFailures,
    location(pickle: Pickle): ScenarioLocation {
      const doc = documents.get(pickle.uri);
      const feature = doc?.feature?.name ?? pickle.uri;
      const ids = pickle.astNodeIds;
      const scenario = locations.get(ids[0] ?? '');
      // For an outline, the example row is the more precise line.
      const row = ids.length > 1 ? locations.get(ids[ids.length - 1]!) : undefined;
      return { line: row?.line ?? scenario?.line ?? 0, feature, scenarioName: scenario?.name ?? pickle.name };
    },
  };
}

/** Line and scenario name of every scenario and example row (by AST node id) in the documents. */
export function locationIndex(documents: ReadonlyMap<string, GherkinDocument>): Map<string, { line: number; name: string }> {
  const index = new Map<string, { line: number; name: string }>();
  type Child = NonNullable<GherkinDocument['feature']>['children'][number];
  const visit = (children: readonly Child[]) => {
    for (const child of children) {
      if (child.rule) visit(child.rule.children as Child[]);
      const s = child.scenario;
      if (!s) continue;
      index.set(s.id, { line: s.location.line, name: s.name });
      for (const examples of s.examples) for (const row of examples.tableBody) index.set(row.id, { line: row.location.line, name: s.name });
    }
  };
  for (const doc of documents.values()) if (doc.feature) visit(doc.feature.children);
  return index;
}

/** The attempt that counts: the last one (earlier ones were retried). */
export function finalAttempt(run: RunRecord, pickleId: string): Attempt | undefined {
  const list = run.attempts.get(pickleId);
  return list?.[list.length - 1];
}

const STATUS_ORDER = ['UNKNOWN', 'PASSED', 'SKIPPED', 'PENDING', 'UNDEFINED', 'AMBIGUOUS', 'FAILED'];

/** Cucumber's own rule: the worst step result is the scenario's result. */
export function worstResult(attempt: Attempt): { status: string; result?: TestStepResult; testStepId?: string } {
  let worst: { status: string; result?: TestStepResult; testStepId?: string } = { status: attempt.results.size ? 'PASSED' : 'UNKNOWN' };
  for (const [testStepId, result] of attempt.results) {
    const status = String(result.status);
    if (STATUS_ORDER.indexOf(status) > STATUS_ORDER.indexOf(worst.status)) worst = { status, result, testStepId };
  }
  return worst;
}

/** The error text of a step result: the exception's message when Cucumber recorded one, else its message. */
export function errorText(result: TestStepResult): string | undefined {
  return result.exception?.message ?? result.message ?? undefined;
}

/** The pickle step text for a test step (what the Gherkin said), for diagnoses of undefined/pending steps. */
export function stepText(run: RunRecord, attempt: Attempt, testStepId: string): string | undefined {
  const step = attempt.testCase.testSteps.find((s) => s.id === testStepId);
  if (!step?.pickleStepId) return step?.hookId ? 'a hook' : undefined;
  const pickle = run.pickles.find((p) => p.id === attempt.testCase.pickleId);
  return pickle?.steps.find((s) => s.id === step.pickleStepId)?.text;
}

export const timestampMs = (t: { seconds: number; nanos: number }): number => t.seconds * 1000 + Math.round(t.nanos / 1e6);
