import { parseArgs } from 'node:util';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { renderStarterBaseline } from '../support/report/baseline.ts';
import { ReportInputError } from '../support/report/errors.ts';
import { DEFAULT_MESSAGES, readLastRun } from '../support/report/last-run.ts';
import { computeVerdicts } from '../support/report/verdicts.ts';
import { UsageError } from './errors.ts';

const DEFAULT_OUTPUT = 'auth-ctk-baseline.yaml';

const HELP = `usage: auth-ctk baseline [options]

Writes a starting known-deviation baseline from the last run's failures: one entry per failed requirement,
its one-line diagnosis as a comment, and the reason "TODO". "auth-ctk run --baseline <file>" refuses the
file until every TODO is replaced by the real reason (exit 2), so nothing is accepted by accident.

options:
  --messages <file>     the run's Cucumber messages (default ${DEFAULT_MESSAGES})
  --output <file>       where to write (default ${DEFAULT_OUTPUT}); an existing file is not replaced
  --force               replace an existing output file
  --include-warnings    list SHOULD-level warnings too (they never deny certification; listing them marks
                        them as known)
  -h, --help            this text

exit codes: 0 written, 2 no usable results or the output exists`;

export async function baselineCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      messages: { type: 'string', default: DEFAULT_MESSAGES },
      output: { type: 'string', default: DEFAULT_OUTPUT },
      force: { type: 'boolean', default: false },
      'include-warnings': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (existsSync(values.output) && !values.force) {
    throw new UsageError(`${values.output} exists: it may hold reasons someone wrote. Choose another --output, or --force to replace it.`);
  }
  let last;
  try {
    last = readLastRun(values.messages, dirname(values.messages));
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    throw error;
  }
  // Judged without any baseline: every current failure is listed, including ones a previous baseline accepted.
  const verdicts = computeVerdicts(last.run);
  const kinds = values['include-warnings'] ? ['failed', 'warning'] : ['failed'];
  const items = verdicts.requirements
    .filter((r) => kinds.includes(r.verdict))
    .map((r) => ({ requirementId: r.requirement.id, diagnoses: r.diagnoses }));
  const target = last.certificate?.target?.name;
  writeFileSync(values.output, renderStarterBaseline(items, { ...(target ? { target } : {}), source: values.messages }));
  const warnings = verdicts.requirements.filter((r) => r.verdict === 'warning').length;
  console.log(
    `auth-ctk: wrote ${values.output} with ${items.length} entr${items.length === 1 ? 'y' : 'ies'}` +
      (items.length ? '; replace each TODO with the reason before "auth-ctk run --baseline" accepts it' : ' (nothing failed)') +
      (warnings && !values['include-warnings'] ? `. ${warnings} warning${warnings === 1 ? '' : 's'} not listed (--include-warnings lists them)` : ''),
  );
  return 0;
}
