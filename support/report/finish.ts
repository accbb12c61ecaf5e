/**
 * The run's report step, around `runCucumber` in cli/run.ts:
 *   prepareRun()  BEFORE anything runs: checks the baseline, the signing key and --profile (bad input: exit 2);
 *   finish()      AFTER the run: Cucumber messages -> verdicts -> console summary, JUnit XML, Allure results
 *                 (+ the Allure report), signed certificate; returns the exit code (0 certified, 1 not).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { IRunConfiguration } from '@cucumber/cucumber/api';
import { registerSecrets } from '../http/redact.ts';
import type { CertificationProfile } from '../requirements/types.ts';
import type { TargetDescription } from '../target/target.ts';
import { secretsOf } from '../target/target.ts';
import { enrichAllureResults, generateAllureReport, javaAvailable, writeAllureEnvironment } from './allure.ts';
import { DEFAULT_RESULTS_DIR } from './allure-formatter.ts';
import { loadBaseline, type Baseline } from './baseline.ts';
import { buildCertificate, serializeCertificate, signCertificate } from './certificate.ts';
import { renderCertificateHtml } from './certificate-html.ts';
import { certify, DEFAULT_PROFILES, isCertificationProfile, PROFILES } from './certification.ts';
import { renderSummary } from './console-summary.ts';
import { ReportInputError } from './errors.ts';
import { renderJUnit } from './junit.ts';
import { featureFiles, featureSetHash, kitVersion, scenarioNames } from './kit.ts';
import { readMessages, ResultsError, type RunRecord } from './messages.ts';
import { publicTarget, type PublicTarget } from './public-target.ts';
import { scrubSecrets, secretPatterns } from './scrub.ts';
import { DEFAULT_SIGNING_KEY, loadSigningKey, type SigningKey } from './signing-key.ts';
import { computeVerdicts } from './verdicts.ts';
import { browserLine, browsersUsed } from './browsers-used.ts';

/** Options `auth-ctk run` accepts for reporting; cli/run.ts spreads them into its parseArgs options. */
export const REPORT_OPTIONS = {
  baseline: { type: 'string' },
  'signing-key': { type: 'string' },
  profile: { type: 'string' },
  'allure-report': { type: 'boolean', default: true },
} as const;

export const REPORT_HELP = `  --baseline <file>     known-deviation baseline (YAML): listed failures are "known deviation", listed
                        passes fail the run as "stale"; checked before the run (see README, "Verdicts")
  --profile <a,b>       certification profiles to certify: ${PROFILES.join(', ')}
                        (default: ${DEFAULT_PROFILES.join(', ')};
                        with --tags alone, only the selected scenarios)
  --signing-key <file>  private JWK (ES256 or EdDSA) that signs reports/certificate.json
                        (default ${DEFAULT_SIGNING_KEY}, generated on first use; env AUTH_CTK_SIGNING_KEY)
  --no-allure-report    skip "allure generate" at the end (reports/allure-results is still written)`;

export interface ReportValues {
  readonly baseline?: string;
  readonly 'signing-key'?: string;
  readonly profile?: string;
  readonly 'allure-report'?: boolean;
}

export interface FinishArgs {
  readonly runConfiguration: IRunConfiguration;
  readonly target: TargetDescription;
  /**
   * The user's own tag selection, when the caller added filters of its own (e.g. `run` leaving the @client
   * scenarios to `auth-ctk client`): only a user's selection makes a run partial. Default: the run's tags.
   */
  readonly userTags?: string | null;
}

export interface RunReporting {
  readonly baseline?: Baseline;
  readonly profiles?: readonly CertificationProfile[];
  readonly signingKey: SigningKey;
  finish(args: FinishArgs): Promise<number>;
}

export function parseProfiles(value: string | undefined): CertificationProfile[] | undefined {
  if (value === undefined) return undefined;
  const list = value.split(',').map((p) => p.trim()).filter(Boolean);
  const unknown = list.filter((p) => !isCertificationProfile(p));
  if (unknown.length || list.length === 0) {
    throw new ReportInputError(`--profile takes a comma list of ${PROFILES.join(', ')}; got "${value}"`);
  }
  return list as CertificationProfile[];
}

/** Everything that can be wrong with the reporting options is found here, before the target starts. */
export async function prepareRun(values: ReportValues, log: (line: string) => void = (l) => console.log(l)): Promise<RunReporting> {
  const profiles = parseProfiles(values.profile);
  const baseline = values.baseline ? loadBaseline(values.baseline, { scenarioNames: scenarioNames() }) : undefined;
  const explicitKey = values['signing-key'] ?? process.env.AUTH_CTK_SIGNING_KEY;
  const signingKey = await loadSigningKey(explicitKey ?? DEFAULT_SIGNING_KEY, { explicit: explicitKey !== undefined, announce: log });
  if (baseline) log(`auth-ctk: baseline ${baseline.file}: ${baseline.entries.length} known deviation${baseline.entries.length === 1 ? '' : 's'} listed`);
  return {
    ...(baseline ? { baseline } : {}),
    ...(profiles ? { profiles } : {}),
    signingKey,
    finish: async (args) => {
      try {
        return await finishRun({ ...args, baseline, profiles, signingKey, allureReport: values['allure-report'] ?? true, log });
      } catch (error) {
        if (!(error instanceof ReportInputError)) throw error;
        log(`auth-ctk: ${error.message}`);
        return 2;
      }
    },
  };
}

/** Where the run's formatters wrote: the message stream (required) and Allure results (optional). */
export function reportPaths(runConfiguration: IRunConfiguration): { messages: string; reportsDir: string; allureResults?: string } {
  const files = Object.entries(runConfiguration.formats.files ?? {});
  const message = files.find(([, formatter]) => formatter === 'message');
  if (!message) {
    throw new ReportInputError('the cucumber profile writes no message stream: add "message:reports/cucumber-messages.ndjson" to its format list (cucumber.mjs); verdicts are computed from it');
  }
  const messages = resolve(message[0]);
  const allure = files.find(([, formatter]) => /allure/i.test(formatter));
  const options = (runConfiguration.formats.options ?? {}) as { resultsDir?: string };
  return {
    messages,
    reportsDir: dirname(messages),
    ...(allure ? { allureResults: resolve(options.resultsDir ?? DEFAULT_RESULTS_DIR) } : {}),
  };
}

interface FinishOptions extends FinishArgs {
  readonly baseline?: Baseline;
  readonly profiles?: readonly CertificationProfile[];
  readonly signingKey: SigningKey;
  readonly allureReport: boolean;
  readonly log: (line: string) => void;
}

export async function finishRun(options: FinishOptions): Promise<number> {
  const { runConfiguration, target, log } = options;
  const paths = reportPaths(runConfiguration);
  registerSecrets(secretsOf(target));
  // Exactly what this run's formatters wrote (not the rest of reports/, which other runs may be writing);
  // the Allure report is generated later from the scrubbed results.
  const outputs = [...Object.keys(runConfiguration.formats.files ?? {}).map((f) => resolve(f)), ...(paths.allureResults ? [paths.allureResults] : [])];
  const leaks = scrubSecrets(outputs, secretPatterns(target));
  if (leaks.size > 0) {
    log(`auth-ctk: WARNING a target secret was found and masked in ${[...leaks.keys()].join(', ')} (kit bug: report it; the files now hold [REDACTED])`);
  }

  let run;
  try {
    run = readMessages(paths.messages);
  } catch (error) {
    if (error instanceof ResultsError) {
      log(`auth-ctk: ${error.message}`);
      log('auth-ctk: no verdicts, no certificate written (an existing reports/certificate.json is from an earlier run and was left as is)');
      return 2;
    }
    throw error;
  }
  const tags = (options.userTags === undefined ? runConfiguration.sources.tagExpression : options.userTags) || undefined;
  return writeReports(run, {
    reportsDir: paths.reportsDir,
    ...(paths.allureResults ? { allureResults: paths.allureResults } : {}),
    target: publicTarget(target),
    ...(tags ? { tags } : {}),
    baseline: options.baseline,
    profiles: options.profiles,
    signingKey: options.signingKey,
    allureReport: options.allureReport,
    log,
  });
}

export interface WriteReportsOptions {
  readonly reportsDir: string;
  readonly allureResults?: string;
  readonly target: PublicTarget;
  /** The user's tag selection (a run of only some scenarios), if any. */
  readonly tags?: string;
  readonly baseline?: Baseline;
  readonly profiles?: readonly CertificationProfile[];
  readonly signingKey: SigningKey;
  readonly allureReport: boolean;
  readonly log: (line: string) => void;
}

/**
 * From a read message stream to every report: verdicts, console summary, JUnit, Allure results (+ report),
 * signed certificate. Shared by `auth-ctk run` and `auth-ctk merge` (which reads the shards' combined stream),
 * so a merged run is judged exactly as a single one.
 */
export async function writeReports(run: RunRecord, options: WriteReportsOptions): Promise<number> {
  const { log, tags } = options;
  const paths = { reportsDir: options.reportsDir, allureResults: options.allureResults };
  const verdicts = computeVerdicts(run, options.baseline ? { baseline: options.baseline } : {});
  if (verdicts.scenarios.length === 0) {
    if (run.runHookFailures.length > 0) {
      log(`auth-ctk: the run could not start: ${verdicts.runErrors.join('; ')}`);
      log('auth-ctk: no scenario ran, so nothing was judged; check the target (is it reachable?) and the target profile. No certificate written.');
    } else {
      log(`auth-ctk: no scenario was selected${tags ? ` by --tags "${tags}"` : ''}: nothing was judged. No certificate written.`);
    }
    return 2;
  }
  const certification = certify(verdicts, { ...(options.profiles ? { profiles: options.profiles } : {}), ...(tags ? { tags } : {}) });
  const pub = options.target;
  const browsers = browsersUsed(run);
  log(browserLine(browsers));
  log(renderSummary(verdicts, certification, { target: pub.name }));

  mkdirSync(paths.reportsDir, { recursive: true });
  const written: string[] = [];
  const junit = join(paths.reportsDir, 'junit.xml');
  writeFileSync(junit, renderJUnit(verdicts, { target: pub.name }));
  written.push(junit);

  const files = featureFiles();
  const hash = featureSetHash(files);
  const version = kitVersion();
  const cucumberVersion = run.meta?.implementation.version;
  if (paths.allureResults && existsSync(paths.allureResults)) {
    enrichAllureResults(paths.allureResults, verdicts, { target: pub });
    writeAllureEnvironment(paths.allureResults, {
      target: pub,
      kitVersion: version,
      featureSetHash: hash,
      ...(options.baseline ? { baseline: { file: options.baseline.file, sha256: options.baseline.sha256 } } : {}),
      certification,
      ...(cucumberVersion ? { cucumberVersion } : {}),
      browsers,
    });
    written.push(paths.allureResults);
  }

  const payload = buildCertificate(verdicts, certification, {
    kitVersion: version,
    featureSetHash: hash,
    featureFiles: files.length,
    target: pub,
    ...(tags ? { tags } : {}),
    ...(cucumberVersion ? { cucumberVersion } : {}),
    browsers,
  });
  const signed = await signCertificate(payload, options.signingKey);
  const certJson = join(paths.reportsDir, 'certificate.json');
  const certHtml = join(paths.reportsDir, 'certificate.html');
  writeFileSync(certJson, serializeCertificate(signed));
  writeFileSync(certHtml, renderCertificateHtml(signed));
  written.push(certJson, certHtml);

  if (paths.allureResults && existsSync(paths.allureResults) && options.allureReport) {
    const reportDir = join(dirname(paths.allureResults), 'allure-report');
    if (javaAvailable()) {
      try {
        const r = await generateAllureReport({ resultsDir: paths.allureResults, reportDir });
        written.push(`${reportDir}${r.historyCarried ? ' (history carried)' : ''}`);
      } catch (error) {
        if (!(error instanceof ReportInputError)) throw error;
        log(`auth-ctk: the Allure report was not generated: ${error.message}`);
      }
    } else {
      log('auth-ctk: Java is not installed, so the Allure report was not generated ("npm run report" makes it once Java 17 is present)');
    }
  }
  log(`reports: ${written.map((w) => w.replace(`${process.cwd()}/`, '')).join(', ')}`);
  return certification.exitCode;
}
