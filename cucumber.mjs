// Cucumber profiles. The kit's CLI (`auth-ctk run`) uses them too; `npx cucumber-js -p <name>` works alone.
// TypeScript is loaded by Node's own type stripping (Node >= 22.18), no ts-node: see README "Why no ts-node".
const common = {
  paths: ['features/**/*.feature'],
  import: ['support/world.ts', 'support/hooks.ts', 'steps/**/*.ts'],
  // Targets without distinct source addresses: scenarios that may get the kit's own IP blocked run last.
  // AUTH_CTK_SHARD=i/n (auth-ctk run --shard): only that shard's scenarios, timing-sensitive features kept whole.
  plugin: ['./support/target/provider-order.ts', './support/shard/plugin.ts'],
  // resultsDir: where the Allure formatter writes (support/report/allure-formatter.ts empties it per run).
  formatOptions: { snippetInterface: 'async-await', resultsDir: 'reports/allure-results' },
};

// reports/junit.xml, the certificate and the Allure labels/severities are written after the run from the
// verdicts (support/report/): Cucumber's own junit formatter cannot show known deviations, warnings or why a
// check was not testable. The Allure formatter writes nothing to its stream, hence the throwaway file.
const reports = [
  'message:reports/cucumber-messages.ndjson',
  'html:reports/cucumber.html',
  './support/report/allure-formatter.ts:reports/.allure-formatter.out',
];

/**
 * A redrawn bar on a terminal; one character per step when stdout is a pipe or a file (CI logs, `| tee`,
 * `timeout`), where cucumber would otherwise refuse 'progress-bar' with a warning and switch by itself.
 */
export default { ...common, format: [process.stdout.isTTY ? 'progress-bar' : 'progress', ...reports] };

/** CI logs are not a TTY: one character per step instead of a redrawn bar. */
export const ci = { ...common, format: ['progress', ...reports] };

/**
 * No report formatters: for the kit's own tests, which run the suite many times at once (fault injection,
 * bench) and name their own message file with --format, so they never clobber a user's reports/.
 */
export const selftest = { ...common, paths: undefined, format: [] }; // paths add up in cucumber: callers name them
