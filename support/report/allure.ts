/**
 * Allure (issue 6 §1): the post-run step over reports/allure-results and the offline `allure generate`.
 *
 * allure-cucumberjs writes one result per scenario during the run; this module then gives each result what a
 * tag pattern cannot: labels epic (the use case of the requirement's profile), feature, story (requirement
 * ID), severity from the catalogue level (MUST critical, SHOULD normal, SEED minor), links to the RFC clause,
 * the target's name as a parameter, and a status that follows the kit's verdict (a warning is passed with the
 * diagnosis in its status details; a known deviation stays failed and lands in the "Known deviations"
 * category; not applicable / not testable are skipped with their reason). It also writes environment.properties,
 * executor.json and categories.json. Every text it writes passes the redactor.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { UsedBrowser } from './browsers-used.ts';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requirement as lookupRequirement, type Requirement } from '../requirements/catalogue.ts';
import type { CertificationProfile } from '../requirements/types.ts';
import { redact } from '../http/redact.ts';
import { ReportInputError } from './errors.ts';
import { STARTED_ID_LABEL } from './allure-formatter.ts';
import { scenarioDiagnoses, scenarioReason } from './junit.ts';
import type { PublicTarget } from './public-target.ts';
import { describeChecks, VERDICT_LABEL, type ScenarioVerdict, type Verdicts } from './verdicts.ts';
import type { Certification } from './certification.ts';

export const EPICS: Record<CertificationProfile, string> = {
  core: 'System users: OAuth2 client credentials at the IdP',
  gateway: 'Bearer tokens at the gateway',
  'rate-limits': 'Rate limits and blocking',
  'human-identity': 'System versus human identity',
  client: 'Clients that integrate with the platform',
  'asymmetric-client-auth': 'Asymmetric client authentication (private_key_jwt, mTLS tls_client_auth)',
  'sender-constrained': 'Sender-constrained tokens (DPoP, mTLS certificate-bound)',
  introspection: 'Token introspection and revocation',
};

const SEVERITY: Record<Requirement['level'], string> = { MUST: 'critical', SHOULD: 'normal', SEED: 'minor' };
const SEVERITY_ORDER = ['blocker', 'critical', 'normal', 'minor', 'trivial'];

/** Labels this module owns: replaced (not appended) each time, so the step can run again. */
const OWNED_LABELS = new Set(['epic', 'story', 'severity', 'authCtkVerdict']);

interface AllureLabel {
  name: string;
  value: string;
}
interface AllureAttachment {
  name: string;
  source: string;
  type?: string;
}
interface AllureStep {
  name?: string;
  status?: string;
  statusDetails?: { message?: string; trace?: string };
  steps?: AllureStep[];
  attachments?: AllureAttachment[];
}
interface AllureResult extends AllureStep {
  uuid: string;
  name: string;
  fullName?: string;
  start?: number;
  labels: AllureLabel[];
  links?: { name?: string; url: string; type?: string }[];
  parameters?: { name: string; value: string; excluded?: boolean }[];
  description?: string;
}

const ATTACHMENT_NAMES: Record<string, string> = {
  'application/vnd.auth-ctk.evidence+json': 'evidence: HTTP exchanges (redacted)',
  'application/vnd.auth-ctk.violation+json': 'requirement violation',
  'application/vnd.auth-ctk.checks+json': 'checks evaluated (held, not held, not judged)',
  'application/vnd.auth-ctk.warning+json': 'warning (SHOULD not met)',
  'application/vnd.auth-ctk.not-testable+json': 'not testable: reason',
  'application/vnd.auth-ctk.not-applicable+json': 'not applicable: reason',
  'text/x.cucumber.log+plain': 'log',
};

/** Reads every *-result.json; a file that does not parse means a half-written results folder. */
export function readAllureResults(dir: string): { file: string; result: AllureResult }[] {
  if (!existsSync(dir)) throw new ReportInputError(`no Allure results: ${dir} does not exist. Run the suite first ("auth-ctk run").`);
  const files = readdirSync(dir).filter((f) => f.endsWith('-result.json'));
  if (files.length === 0) throw new ReportInputError(`no Allure results in ${dir}: the last run wrote none (was the Allure formatter in the cucumber profile?). Run "auth-ctk run" first.`);
  return files.map((f) => {
    const file = join(dir, f);
    try {
      return { file, result: JSON.parse(readFileSync(file, 'utf8')) as AllureResult };
    } catch {
      throw new ReportInputError(`${file} is not valid JSON: the results folder is half-written (interrupted run?). Run the suite again; nothing was generated.`);
    }
  });
}

function matchScenario(result: AllureResult, verdicts: Verdicts, used: Set<ScenarioVerdict>): ScenarioVerdict | undefined {
  const startedId = result.labels.find((l) => l.name === STARTED_ID_LABEL)?.value;
  if (startedId) {
    const found = verdicts.scenarios.find((s) => s.testCaseStartedId === startedId);
    if (found) return found;
    return undefined; // an earlier (retried) attempt, or another run: leave it as allure-cucumberjs wrote it
  }
  // Fallback when the label is missing: same scenario name and file, first unused.
  return verdicts.scenarios.find((s) => !used.has(s) && s.name === result.name && (result.fullName ?? '').endsWith(`${s.uri}#${s.name}`));
}

function redactStep(step: AllureStep): void {
  if (step.statusDetails?.message) step.statusDetails.message = redact(step.statusDetails.message);
  if (step.statusDetails?.trace) step.statusDetails.trace = redact(step.statusDetails.trace);
  for (const a of step.attachments ?? []) {
    const name = a.type ? ATTACHMENT_NAMES[a.type] : undefined;
    if (name) {
      a.name = name;
      a.type = a.type === 'text/x.cucumber.log+plain' ? 'text/plain' : 'application/json';
    }
  }
  for (const s of step.steps ?? []) redactStep(s);
}

function statusFor(s: ScenarioVerdict): { status: string; message?: string } {
  const diagnoses = scenarioDiagnoses(s);
  switch (s.verdict) {
    case 'passed':
      return { status: 'passed' };
    case 'warning':
      return { status: 'passed', message: diagnoses.map((d) => `WARNING ${d}`).join('\n') };
    case 'failed':
      return { status: s.error ? 'broken' : 'failed', message: diagnoses.join('\n') };
    case 'known-deviation': {
      const dev = s.deviation ?? [...s.contributions.values()].find((c) => c.deviation)?.deviation;
      return { status: 'failed', message: `KNOWN DEVIATION (baseline: ${dev?.reason ?? 'listed'})\n${diagnoses.join('\n')}` };
    }
    case 'stale-deviation':
      return { status: 'failed', message: `STALE BASELINE ENTRY: ${scenarioReason(s) ?? 'passes now: remove it from the baseline'}` };
    case 'not-applicable':
      return { status: 'skipped', message: `NOT APPLICABLE: ${scenarioReason(s) ?? ''}` };
    case 'not-testable':
      return { status: 'skipped', message: `NOT TESTABLE: ${scenarioReason(s) ?? ''}` };
    default:
      return { status: 'unknown' };
  }
}

function description(reqs: readonly Requirement[]): string {
  const rows = reqs.map((r) => `| ${r.id} | ${r.level} | ${r.link.startsWith('http') ? `[${r.source}](${r.link})` : `${r.source} (${r.link})`} | ${r.title.replace(/\|/g, '/')} |`);
  return ['| requirement | level | clause | what a conforming system does |', '|---|---|---|---|', ...rows].join('\n');
}

export interface EnrichContext {
  readonly target?: PublicTarget;
}

/** Applies the verdicts to the Allure results in `dir`; returns how many results it updated. */
export function enrichAllureResults(dir: string, verdicts: Verdicts, context: EnrichContext = {}): number {
  const used = new Set<ScenarioVerdict>();
  let updated = 0;
  for (const { file, result } of readAllureResults(dir)) {
    const s = matchScenario(result, verdicts, used);
    redactStep(result);
    if (s) {
      used.add(s);
      const reqs = s.requirementIds.map((id) => lookupRequirement(id));
      result.labels = result.labels.filter((l) => !OWNED_LABELS.has(l.name));
      for (const epic of new Set(reqs.map((r) => EPICS[r.profile]))) result.labels.push({ name: 'epic', value: epic });
      for (const r of reqs) result.labels.push({ name: 'story', value: r.id });
      const severity = reqs.map((r) => SEVERITY[r.level]).sort((a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b))[0];
      if (severity) result.labels.push({ name: 'severity', value: severity });
      result.labels.push({ name: 'authCtkVerdict', value: VERDICT_LABEL[s.verdict] });
      if (!result.labels.some((l) => l.name === 'feature')) result.labels.push({ name: 'feature', value: s.feature });
      result.links = [
        ...(result.links ?? []).filter((l) => !reqs.some((r) => r.link === l.url)),
        ...reqs.filter((r) => r.link.startsWith('http')).map((r) => ({ name: `${r.id}: ${r.source}`, url: r.link, type: 'link' })),
      ];
      // The checks behind the verdict, per requirement (excluded from Allure's history id: they change with the run).
      const checks = [...s.contributions].map(([id, c]) => ({ name: `checks ${id}`, value: describeChecks(c.checks), excluded: true }));
      result.parameters = [
        ...(result.parameters ?? []).filter((p) => p.name !== 'target' && !p.name.startsWith('checks ')),
        ...(context.target ? [{ name: 'target', value: context.target.name, excluded: true }] : []),
        ...checks,
      ];
      if (reqs.length) result.description = description(reqs);
      const { status, message } = statusFor(s);
      result.status = status;
      const trace = s.errorDetail ? redact(s.errorDetail) : result.statusDetails?.trace;
      result.statusDetails = { ...(message ? { message: redact(message) } : {}), ...(trace && s.verdict === 'failed' ? { trace } : {}) };
      updated++;
    }
    writeFileSync(file, JSON.stringify(result));
  }
  return updated;
}

/** Java .properties: ASCII with \uXXXX escapes, so any name survives Allure's (ISO-8859-1) reader. */
function propertiesEscape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '#' || ch === '!' || (isKey && (ch === ' ' || ch === '=' || ch === ':'))) out += `\\${ch}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}
const propertiesLine = (key: string, value: string): string => `${propertiesEscape(key, true)}=${propertiesEscape(value, false)}`;

export interface EnvironmentContext {
  readonly target?: PublicTarget;
  readonly kitVersion: string;
  readonly featureSetHash: string;
  readonly baseline?: { readonly file: string; readonly sha256: string };
  readonly certification?: Certification;
  readonly cucumberVersion?: string;
  readonly browsers?: readonly UsedBrowser[];
}

export function writeAllureEnvironment(dir: string, context: EnvironmentContext): void {
  const entries: [string, string][] = [];
  const t = context.target;
  if (t) {
    entries.push(['Target', t.name], ['Target.kind', t.kind], ['Issuer', t.issuer], ['Token.endpoint', t.tokenEndpoint], ['JWKS', t.jwksUri ?? '(none)'], ['Gateway', t.gateway ?? '(none)']);
    if (t.capabilities.length) entries.push(['Capabilities', t.capabilities.join(', ')]);
    if (t.faults?.length) entries.push(['Faults.injected', t.faults.join(', ')]);
  }
  entries.push(['auth-ctk', context.kitVersion], ['Feature.set', context.featureSetHash], ['Node', process.version]);
  if (context.cucumberVersion) entries.push(['Cucumber', context.cucumberVersion]);
  for (const b of context.browsers ?? []) entries.push(['Browser', `${b.name} ${b.version} (${b.package ?? b.executablePath})`]);
  if (context.baseline) entries.push(['Baseline', `${context.baseline.file} (sha256 ${context.baseline.sha256.slice(0, 12)})`]);
  if (context.certification) entries.push(['Certification', context.certification.status]);
  writeFileSync(join(dir, 'environment.properties'), `${entries.map(([k, v]) => propertiesLine(k, redact(v))).join('\n')}\n`);

  // Executor: the CI run when there is one (GitHub Actions), so Allure's trend links back to it.
  const env = process.env;
  const executor = env.GITHUB_RUN_ID
    ? {
        name: 'GitHub Actions',
        type: 'github',
        url: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}`,
        buildOrder: Number(env.GITHUB_RUN_NUMBER ?? 0),
        buildName: `${env.GITHUB_WORKFLOW ?? 'auth-ctk'} #${env.GITHUB_RUN_NUMBER ?? env.GITHUB_RUN_ID}`,
        buildUrl: `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY ?? ''}/actions/runs/${env.GITHUB_RUN_ID}`,
        reportName: `auth-ctk${t ? ` — ${t.name}` : ''}`,
      }
    : {
        name: env.CI ? 'CI' : 'local run',
        type: env.CI ? 'ci' : 'local',
        buildName: `auth-ctk ${context.kitVersion}${t ? ` against ${t.name}` : ''}`,
        reportName: `auth-ctk${t ? ` — ${t.name}` : ''}`,
      };
  writeFileSync(join(dir, 'executor.json'), JSON.stringify(redactDeep(executor), null, 2));

  const categories = [
    { name: 'Known deviations (listed in the baseline)', matchedStatuses: ['failed'], messageRegex: '(?s)KNOWN DEVIATION.*' },
    { name: 'Stale baseline entries (they pass now: remove them)', matchedStatuses: ['failed'], messageRegex: '(?s)STALE BASELINE ENTRY.*' },
    { name: 'Requirement violations (MUST / seed)', matchedStatuses: ['failed'] },
    { name: 'Errors before the check (target unreachable or kit error)', matchedStatuses: ['broken'] },
    { name: 'Warnings (SHOULD not met)', matchedStatuses: ['passed'], messageRegex: '(?s)WARNING.*' },
    { name: 'Not testable (the target profile lacks a prerequisite)', matchedStatuses: ['skipped'], messageRegex: '(?s)NOT TESTABLE.*' },
    { name: 'Not applicable (capability not claimed)', matchedStatuses: ['skipped'], messageRegex: '(?s)NOT APPLICABLE.*' },
  ];
  writeFileSync(join(dir, 'categories.json'), JSON.stringify(categories, null, 2));
}

function redactDeep<T>(value: T): T {
  return JSON.parse(redact(JSON.stringify(value))) as T;
}

/** Java for Allure 2: a clear message instead of a shell error when it is missing. */
export function javaAvailable(): boolean {
  const r = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return r.status === 0;
}

function allureBinary(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('allure-commandline/package.json')), 'dist', 'bin', process.platform === 'win32' ? 'allure.bat' : 'allure');
}

/** In allure-results: the history for these results was settled at their first generation (carried or none). */
const HISTORY_MARKER = '.auth-ctk-history-carried';

export interface GenerateOptions {
  readonly resultsDir: string;
  readonly reportDir: string;
  /** Print Allure's own output (default: only on failure). */
  readonly verbose?: boolean;
}

/**
 * `allure generate`, offline, into reportDir. History (trend) is carried: the previous report's history/
 * is copied into the results first. The report is generated beside the old one and swapped in only when
 * Allure succeeded, so a failed generation never leaves a broken or half-replaced report.
 */
export async function generateAllureReport(options: GenerateOptions): Promise<{ historyCarried: boolean; results: number }> {
  const results = readAllureResults(options.resultsDir).length;
  if (!javaAvailable()) {
    throw new ReportInputError('Allure needs Java (17 recommended) to generate the report: install it (e.g. apt-get install openjdk-17-jre-headless) and run "auth-ctk report" again');
  }
  // Carried once per run: generating again from the same results (run, then `npm run report`) must not take
  // the history of the report just generated from them, or the trend would count this run twice.
  const previousHistory = join(options.reportDir, 'history');
  const marker = join(options.resultsDir, HISTORY_MARKER);
  if (!existsSync(marker)) {
    rmSync(join(options.resultsDir, 'history'), { recursive: true, force: true });
    if (existsSync(previousHistory)) cpSync(previousHistory, join(options.resultsDir, 'history'), { recursive: true });
    writeFileSync(marker, existsSync(previousHistory) ? `history carried from ${previousHistory}\n` : 'no previous history\n');
  }
  const historyCarried = existsSync(join(options.resultsDir, 'history'));
  const staging = `${options.reportDir}.generating`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(staging), { recursive: true });
  const output: Buffer[] = [];
  const code = await new Promise<number>((resolve, reject) => {
    // ALLURE_NO_ANALYTICS=true: Allure 2 otherwise reports each generation to Google Analytics and puts a
    // gtag script into index.html; the report is generated and viewed offline.
    const child = spawn(allureBinary(), ['generate', options.resultsDir, '-o', staging, '--clean'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ALLURE_NO_ANALYTICS: 'true' },
    });
    child.stdout.on('data', (b: Buffer) => output.push(b));
    child.stderr.on('data', (b: Buffer) => output.push(b));
    child.on('error', reject);
    child.on('close', (c) => resolve(c ?? 1));
  });
  const text = Buffer.concat(output).toString('utf8');
  if (options.verbose) process.stdout.write(text);
  if (code !== 0 || !existsSync(join(staging, 'index.html'))) {
    rmSync(staging, { recursive: true, force: true });
    throw new ReportInputError(`allure generate failed (exit ${code}); the previous report was left as it was:\n${text.trim()}`);
  }
  rmSync(options.reportDir, { recursive: true, force: true });
  renameSync(staging, options.reportDir);
  return { historyCarried, results };
}
