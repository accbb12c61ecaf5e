// Cucumber profiles. The kit's CLI (`auth-ctk run`) uses them too; `npx cucumber-js -p <name>` works alone.
// TypeScript is loaded by Node's own type stripping (Node >= 22.18), no ts-node: see README "Why no ts-node".
const common = {
  paths: ['features/**/*.feature'],
  import: ['support/world.ts', 'support/hooks.ts', 'steps/**/*.ts'],
  // Targets without distinct source addresses: scenarios that may get the kit's own IP blocked run last.
  plugin: ['./support/target/provider-order.ts'],
  formatOptions: { snippetInterface: 'async-await' },
};

const reports = ['message:reports/cucumber-messages.ndjson', 'html:reports/cucumber.html', 'junit:reports/junit.xml'];

export default { ...common, format: ['progress-bar', ...reports] };

/** CI logs are not a TTY: one character per step instead of a redrawn bar. */
export const ci = { ...common, format: ['progress', ...reports] };

/** Quiet: no reports, for the kit's own tests (fault injection runs the suite many times). */
export const selftest = { ...common, format: ['message:reports/selftest/{{FAULT}}.ndjson'] };
