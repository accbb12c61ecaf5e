/**
 * The README's "Third-party products" table, from measured runs (never written by hand): per product its
 * version, role, the kit's verdict counts and the notable findings with their clause. `npm run docs:matrix`
 * runs the matrix and writes it between the markers below.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../../support/traceability.ts';
import { requirement } from '../../support/requirements/catalogue.ts';
import { readExpected, type ProductRun } from './matrix.ts';

export const BEGIN = '<!-- product-matrix:begin (npm run docs:matrix writes this table from measured runs) -->';
export const END = '<!-- product-matrix:end -->';

const COUNTED = ['passed', 'failed', 'warning', 'not-testable', 'not-applicable'] as const;

const HEADER = [
  '| product | version | role | passed | failed | warning | not testable | not applicable | notable findings (clause) | kit verdicts the clause contradicts |',
  '|---|---|---|---|---|---|---|---|---|---|',
];

export function matrixTable(runs: readonly ProductRun[]): string {
  return [...HEADER, ...runs.map(matrixRow)].join('\n');
}

/** One product's row of the table. */
export function matrixRow(run: ProductRun): string {
  const counts = Object.fromEntries(COUNTED.map((v) => [v, 0])) as Record<(typeof COUNTED)[number], number>;
  for (const { verdict } of run.got.values()) if (verdict in counts) counts[verdict as keyof typeof counts]++;
  const disputed = Object.entries(run.expected.expected).flatMap(([id, e]) => (typeof e === 'object' && e.kitSays ? [[id, e] as const] : []));
  const findings = [...run.got.entries()]
    .filter(([id, g]) => (g.verdict === 'failed' || g.verdict === 'warning') && !disputed.some(([d]) => d === id))
    .sort(([, a], [, b]) => (a.verdict === b.verdict ? 0 : a.verdict === 'failed' ? -1 : 1))
    .map(([id, g]) => `${g.verdict === 'failed' ? '**failed**' : 'warning'} ${id} ${requirement(id).title} (${requirement(id).source.split(' (')[0]})`);
  const contradicted = disputed.map(([id, e]) => `${id}: the kit says ${e.kitSays}, the clause ${e.verdict.replace('-', ' ')} (${e.clause.split(/ \(|:/)[0]})`);
  const versions = Object.entries(run.versions).map(([p, v]) => `${p} ${v}`).join(', ');
  const role = `${run.expected.role}${run.expected.pairedWith ? `, with ${run.expected.pairedWith}` : ''}`;
  return `| ${cell(run.expected.product)} | ${cell(versions)} | ${cell(role)} | ${counts.passed} | ${counts.failed} | ${counts.warning} | ${counts['not-testable']} | ${counts['not-applicable']} | ${cell(findings.join('; ') || '—')} | ${cell(contradicted.join('; ') || '—')} |`;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/**
 * The table with the rows of `runs` measured afresh and every other product's row kept as the README has it
 * (AUTH_CTK_ONLY_PRODUCTS: one product's run rewrites its own row only). Rows follow `products` (the folder order);
 * a product with neither a run nor a row yet is left out.
 */
export function mergedMatrixTable(current: string, runs: readonly ProductRun[], products: readonly string[]): string {
  const rows = new Map<string, string>();
  for (const line of current.split('\n')) {
    const m = /^\| (.+?) \| /.exec(line);
    if (m && !line.startsWith(HEADER[0]!.slice(0, 12)) && !line.startsWith('|---')) rows.set(m[1]!, line);
  }
  const measured = new Map(runs.map((r) => [r.product, matrixRow(r)]));
  const lines = products.flatMap((folder) => {
    const row = measured.get(folder) ?? rows.get(cell(readExpected(folder).product));
    return row === undefined ? [] : [row];
  });
  return [...HEADER, ...lines].join('\n');
}

/**
 * Replaces the table between the markers in README.md; the markers must be there already. With `products` (the
 * full folder list) only the rows of `runs` are rewritten and the others kept (a run of some products only).
 */
export function writeMatrixIntoReadme(runs: readonly ProductRun[], products?: readonly string[]): void {
  const file = join(KIT_ROOT, 'README.md');
  const text = readFileSync(file, 'utf8');
  const from = text.indexOf(BEGIN);
  const to = text.indexOf(END);
  if (from < 0 || to < from) throw new Error(`README.md has no "${BEGIN}" ... "${END}" markers for the product matrix`);
  const table = products ? mergedMatrixTable(text.slice(from + BEGIN.length, to), runs, products) : matrixTable(runs);
  writeFileSync(file, `${text.slice(0, from + BEGIN.length)}\n${table}\n${text.slice(to)}`);
}
