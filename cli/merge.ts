import { parseArgs } from 'node:util';
import { prepareRun, REPORT_HELP, REPORT_OPTIONS } from '../support/report/finish.ts';
import { ReportInputError } from '../support/report/errors.ts';
import { mergeShards } from '../support/shard/merge.ts';
import { ShardMergeError } from '../support/shard/manifest.ts';
import { UsageError } from './errors.ts';

const HELP = `usage: auth-ctk merge <shard dir>... [options]

Combines the result folders of "auth-ctk run --shard i/n" (i = 1..n) into the reports of one run: one Cucumber
message stream, one JUnit file, one Allure results folder and ONE signed certificate, with the verdicts a
single run would give. Refused (exit 2) when a shard is missing or given twice, or when the shards differ in
kit version, feature set, target or --tags.

options:
  --out <dir>           where the merged reports go (default reports)
${REPORT_HELP}
  -h, --help            this text

exit codes: 0 certified (what was asked), 1 not certified, 2 usage error or shards that do not belong together`;

export async function mergeCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { out: { type: 'string', default: 'reports' }, help: { type: 'boolean', short: 'h' }, ...REPORT_OPTIONS },
    allowNegative: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError('merge takes the shard result folders, e.g. auth-ctk merge reports/shard-*-of-3 ("auth-ctk merge --help")');
  try {
    const reporting = await prepareRun(values);
    return await mergeShards(positionals, {
      out: values.out,
      ...(reporting.baseline ? { baseline: reporting.baseline } : {}),
      ...(reporting.profiles ? { profiles: reporting.profiles } : {}),
      signingKey: reporting.signingKey,
      allureReport: values['allure-report'] ?? true,
      log: (line) => console.log(line),
    });
  } catch (error) {
    if (error instanceof ShardMergeError || error instanceof ReportInputError) throw new UsageError(error.message);
    throw error;
  }
}
