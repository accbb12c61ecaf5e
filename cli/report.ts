import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { enrichAllureResults, generateAllureReport, writeAllureEnvironment } from '../support/report/allure.ts';
import { DEFAULT_RESULTS_DIR } from '../support/report/allure-formatter.ts';
import { loadBaseline } from '../support/report/baseline.ts';
import { ReportInputError } from '../support/report/errors.ts';
import { featureSetHash, kitVersion } from '../support/report/kit.ts';
import { DEFAULT_MESSAGES, readLastRun } from '../support/report/last-run.ts';
import { computeVerdicts } from '../support/report/verdicts.ts';
import { UsageError } from './errors.ts';

const HELP = `usage: auth-ctk report [options]

Generates the Allure report offline from the last run: reports/allure-results -> reports/allure-report.
The previous report's history (reports/allure-report/history) is carried into the new one, so trends grow
from run to run (nightly CI: keep reports/allure-report between runs). Needs Java (17 recommended).
"auth-ctk run" already does this at the end of a run; use this command after running cucumber-js directly,
or to regenerate.

options:
  --results <dir>    Allure results (default ${DEFAULT_RESULTS_DIR})
  --output <dir>     where the report goes (default reports/allure-report)
  --messages <file>  the run's Cucumber messages (default ${DEFAULT_MESSAGES}); when present, the kit's verdicts,
                     labels and severities are applied to the results first
  --verbose          show Allure's own output
  -h, --help         this text

exit codes: 0 report generated, 2 missing or half-written results, or Allure could not run`;

export async function reportCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      results: { type: 'string', default: DEFAULT_RESULTS_DIR },
      output: { type: 'string' },
      messages: { type: 'string', default: DEFAULT_MESSAGES },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const output = values.output ?? join(dirname(values.results), 'allure-report');
  try {
    if (existsSync(values.messages)) {
      const last = readLastRun(values.messages, dirname(values.messages));
      const cert = last.certificate;
      // The baseline that was in force, when the same file is still there unchanged.
      let baseline;
      if (cert?.baseline && existsSync(cert.baseline.file)) {
        const b = loadBaseline(cert.baseline.file);
        if (b.sha256 === cert.baseline.sha256) baseline = b;
      }
      const verdicts = computeVerdicts(last.run, baseline ? { baseline } : {});
      const updated = enrichAllureResults(values.results, verdicts, cert?.target ? { target: cert.target } : {});
      if (!existsSync(join(values.results, 'environment.properties')) || cert) {
        writeAllureEnvironment(values.results, {
          ...(cert?.target ? { target: cert.target } : {}),
          kitVersion: kitVersion(),
          featureSetHash: featureSetHash(),
          ...(baseline ? { baseline: { file: baseline.file, sha256: baseline.sha256 } } : {}),
          ...(last.run.meta ? { cucumberVersion: last.run.meta.implementation.version } : {}),
        });
      }
      console.log(`auth-ctk: verdicts applied to ${updated} Allure result${updated === 1 ? '' : 's'} from ${values.messages}`);
    } else {
      console.log(`auth-ctk: ${values.messages} not found: the Allure results are reported as they are (no kit verdicts applied)`);
    }
    const r = await generateAllureReport({ resultsDir: values.results, reportDir: output, verbose: values.verbose });
    console.log(`auth-ctk: Allure report in ${output} (${r.results} results${r.historyCarried ? ', history carried from the previous report' : ', no previous history'}); "npx allure open ${output}" serves it`);
    return 0;
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    throw error;
  }
}
