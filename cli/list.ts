import { parseArgs } from 'node:util';
import { requirements } from '../support/requirements/catalogue.ts';
import { scenarios, traceability } from '../support/traceability.ts';
import { FAULTS } from '../reference/faults.ts';
import { VARIATIONS } from '../reference/variations.ts';

const LIST_HELP = `usage: auth-ctk list [--json]

Lists the features and their scenarios with the requirement tags each carries.`;

const REQUIREMENTS_HELP = `usage: auth-ctk requirements [--json] [--uncovered] [--by-seed]

Prints the requirement catalogue (ID, level, clause, profile, capability) with the scenarios that cover each.
--uncovered  only requirements with no scenario (exit 1 if any)
--by-seed    per seed document, each documented sentence and the requirements that check it (markdown; README's table)`;

const FAULTS_HELP = `usage: auth-ctk faults [--json]

Lists the named faults the reference stack can be started with (auth-ctk run --faults <name>) and the
requirements each one breaks; then its conformant variations (same option): behaviours the clauses allow,
which the suite must pass. --json prints { faults, variations }.`;

export async function listCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return (console.log(LIST_HELP), 0);
  const all = scenarios();
  if (values.json) return (console.log(JSON.stringify(all, null, 2)), 0);
  let feature = '';
  for (const s of all) {
    if (s.uri !== feature) {
      feature = s.uri;
      console.log(`\n${s.feature}  (${s.uri})`);
    }
    console.log(`  ${s.name}  ${s.tags.join(' ')}`);
  }
  console.log(`\n${all.length} scenarios in ${new Set(all.map((s) => s.uri)).size} features, ${requirements().length} requirements`);
  return 0;
}

export async function requirementsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      json: { type: 'boolean' },
      uncovered: { type: 'boolean' },
      'by-seed': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return (console.log(REQUIREMENTS_HELP), 0);
  if (values['by-seed']) {
    const { seedCoverageMarkdown } = await import('../support/requirements/seed-behaviours.ts');
    return (process.stdout.write(seedCoverageMarkdown()), 0);
  }
  const report = traceability();
  const rows = requirements()
    .map((r) => ({ ...r, scenarios: (report.coverage.get(r.id) ?? []).map((s) => `${s.uri}:${s.line} ${s.name}`) }))
    .filter((r) => !values.uncovered || r.scenarios.length === 0);
  if (values.json) {
    console.log(JSON.stringify(rows, null, 2));
  } else {
    for (const r of rows) {
      console.log(`${r.id}  [${r.level}] ${r.source}  (profile ${r.profile}${r.capability ? `, needs ${r.capability}` : ''})`);
      console.log(`    ${r.title}`);
      for (const s of r.scenarios) console.log(`      - ${s}`);
      if (r.scenarios.length === 0) console.log('      - NO SCENARIO');
    }
    console.log(`\n${requirements().length} requirements, ${report.uncovered.length} without a scenario, ${report.unknownTags.length} unknown tags`);
  }
  return values.uncovered && rows.length > 0 ? 1 : 0;
}

export async function faultsCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) return (console.log(FAULTS_HELP), 0);
  if (values.json) return (console.log(JSON.stringify({ faults: FAULTS, variations: VARIATIONS }, null, 2)), 0);
  for (const f of FAULTS) {
    // A fault of a capability only a variation claims starts with that variation (reference/faults.ts `needs`).
    const needs = f.needs?.length ? ` (starts with ${f.needs.join(', ')})` : '';
    console.log(`${f.name.padEnd(34)} ${f.component.padEnd(10)} breaks ${f.breaks.join(', ')}${needs}\n${' '.repeat(35)}${f.description}`);
  }
  console.log(`\n${FAULTS.length} faults\n\nConformant variations (the suite must pass them):`);
  for (const v of VARIATIONS) console.log(`${v.name.padEnd(34)} ${v.component.padEnd(10)} ${v.description}\n${' '.repeat(35)}allowed by ${v.allowedBy}`);
  console.log(`\n${VARIATIONS.length} variations`);
  return 0;
}
