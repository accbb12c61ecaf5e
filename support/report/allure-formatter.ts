/**
 * allure-cucumberjs's formatter with two additions, used in cucumber.mjs in its place:
 *  1. it empties the results folder when the run starts, so allure-results holds exactly this run (Allure
 *     history is carried separately, from the previous report, by `auth-ctk report`);
 *  2. its files are written asynchronously (support/report/allure-writer.ts), not with a blocking fsync each;
 *  3. it labels each Allure result with the Cucumber testCaseStartedId, so the kit's post-run step can match
 *     it to its verdict exactly (labels, severity, links, verdict-based status: support/report/allure.ts).
 * Labels from the catalogue are not done with allure-cucumberjs's tag patterns: severity and links come from
 * the requirement's level and clause, which a tag pattern cannot look up.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { IFormatterOptions } from '@cucumber/cucumber';
import AllureModule from 'allure-cucumberjs/reporter';
import type { Envelope } from '@cucumber/messages';
import { AsyncResultsWriter } from './allure-writer.ts';

// The package's type declarations are read as CommonJS (default = module object) while Node loads its ESM
// build (default = the class): accept both shapes.
type ReporterClass = typeof AllureModule.default;
const AllureCucumberReporter: ReporterClass =
  (AllureModule as unknown as { default?: ReporterClass }).default ?? (AllureModule as unknown as ReporterClass);

export const STARTED_ID_LABEL = 'authCtkTestCaseStartedId';
export const DEFAULT_RESULTS_DIR = 'reports/allure-results';

interface ReporterInternals {
  readonly testResultUuids: Map<string, string>;
  readonly allureRuntime: { updateTest(uuid: string, update: (result: { labels: { name: string; value: string }[] }) => void): void };
}

export function emptyResultsDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

export default class AuthCtkAllureFormatter extends AllureCucumberReporter {
  private readonly writer: AsyncResultsWriter;

  constructor(options: IFormatterOptions) {
    const resultsDir = (options.parsedArgvOptions as { resultsDir?: string }).resultsDir ?? DEFAULT_RESULTS_DIR;
    emptyResultsDir(resultsDir);
    const writer = new AsyncResultsWriter(resultsDir);
    // allure-cucumberjs passes the rest of its options to its runtime after its default writer: this one wins.
    super({ ...options, parsedArgvOptions: { ...options.parsedArgvOptions, resultsDir, writer } });
    this.writer = writer;
    // Registered after the base class's listener: the Allure test exists when this runs.
    options.eventBroadcaster.on('envelope', (envelope: Envelope) => {
      const started = envelope.testCaseStarted;
      if (!started) return;
      const internals = this as unknown as Partial<ReporterInternals>;
      const uuid = internals.testResultUuids?.get(started.id);
      if (!uuid || !internals.allureRuntime) return; // allure-cucumberjs changed: allure.ts falls back to name + start time
      internals.allureRuntime.updateTest(uuid, (result) => {
        result.labels.push({ name: STARTED_ID_LABEL, value: started.id });
      });
    });
  }

  /** Cucumber awaits this before runCucumber returns: every result file is on disk when the kit reads them. */
  override async finished(): Promise<void> {
    await this.writer.settled();
    await super.finished();
  }
}
