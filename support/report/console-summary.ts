/**
 * The end-of-run summary (issue 12 §4): a table per feature, one line per failure and warning (requirement,
 * clause, expected, observed), the known deviations, what could not be tested and why, per-profile results,
 * and the verdict with its exit code. Plain text, no colour codes, so CI logs read the same as a terminal.
 */
import type { Certification } from './certification.ts';
import { VERDICT_LABEL, type ScenarioVerdict, type Verdict, type Verdicts } from './verdicts.ts';

const COLUMNS: readonly { verdict: Verdict; title: string }[] = [
  { verdict: 'passed', title: 'passed' },
  { verdict: 'failed', title: 'failed' },
  { verdict: 'warning', title: 'warning' },
  { verdict: 'known-deviation', title: 'known dev.' },
  { verdict: 'stale-deviation', title: 'stale' },
  { verdict: 'not-applicable', title: 'not appl.' },
  { verdict: 'not-testable', title: 'not testable' },
];

function table(scenarios: readonly ScenarioVerdict[]): string[] {
  const features = [...new Set(scenarios.map((s) => s.feature))];
  const columns = COLUMNS.filter((c) => c.verdict !== 'stale-deviation' || scenarios.some((s) => s.verdict === 'stale-deviation'));
  const rows = features.map((f) => {
    const mine = scenarios.filter((s) => s.feature === f);
    return [f, ...columns.map((c) => String(mine.filter((s) => s.verdict === c.verdict).length))];
  });
  rows.push(['total', ...columns.map((c) => String(scenarios.filter((s) => s.verdict === c.verdict).length))]);
  const header = ['feature (scenarios)', ...columns.map((c) => c.title)];
  const width = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const format = (r: readonly string[]) => r.map((cell, i) => (i === 0 ? cell.padEnd(width[i]!) : cell.padStart(width[i]!))).join('  ').trimEnd();
  const rule = width.map((w) => '-'.repeat(w)).join('  ');
  return [format(header), rule, ...rows.slice(0, -1).map(format), rule, format(rows[rows.length - 1]!)];
}

const where = (s: { uri: string; line: number }) => `${s.uri}:${s.line}`;

export function renderSummary(verdicts: Verdicts, certification: Certification, context: { target?: string } = {}): string {
  const out: string[] = [''];
  out.push(`auth-ctk verdicts${context.target ? ` for ${context.target}` : ''}`);
  out.push('');
  if (verdicts.scenarios.length > 0) out.push(...table(verdicts.scenarios), '');

  const reqs = verdicts.requirements;
  const lines: string[] = [];
  for (const r of reqs.filter((x) => x.verdict === 'failed')) for (const d of r.diagnoses) lines.push(`FAILED   ${d}`);
  for (const s of verdicts.scenarios.filter((x) => x.requirementIds.length === 0 && x.verdict === 'failed')) {
    lines.push(`FAILED   scenario "${s.name}" (${where(s)}) has no requirement tag: ${s.error ?? 'failed'}`);
  }
  for (const r of reqs.filter((x) => x.verdict === 'stale-deviation')) lines.push(`STALE    ${r.reason ?? `${r.requirement.id} passes now: remove it from the baseline`}`);
  for (const r of reqs.filter((x) => x.verdict === 'warning')) for (const d of r.diagnoses) lines.push(`WARNING  ${d}`);
  for (const r of reqs.filter((x) => x.verdict === 'known-deviation')) {
    const dev = r.deviation;
    const review = dev?.review ? ` (review ${dev.review}${dev.overdue ? ', OVERDUE' : ''})` : '';
    lines.push(`KNOWN    ${r.requirement.id} ${r.requirement.source} — known deviation${dev ? `: ${dev.reason}${review}` : ''}`);
    for (const d of r.diagnoses) lines.push(`         ${d}`);
  }
  for (const r of reqs.filter((x) => x.verdict === 'not-testable')) {
    lines.push(`UNTESTED ${r.requirement.id} [${r.requirement.level}] — ${r.reason ?? 'not testable'}${r.remedy ? `; to test it: ${r.remedy}` : ''}`);
  }
  const notApplicable = new Map<string, string[]>();
  for (const r of reqs.filter((x) => x.verdict === 'not-applicable')) {
    const key = r.reason ?? 'not applicable';
    notApplicable.set(key, [...(notApplicable.get(key) ?? []), r.requirement.id]);
  }
  for (const [reason, ids] of notApplicable) lines.push(`N/A      ${ids.join(', ')} — ${reason}`);
  const notRun = reqs.filter((x) => x.verdict === 'not-run');
  if (notRun.length > 0) {
    const byReason = new Map<string, string[]>();
    for (const r of notRun) byReason.set(r.reason ?? '', [...(byReason.get(r.reason ?? '') ?? []), r.requirement.id]);
    // The full list is in the certificate; a tag-filtered run would otherwise print a hundred IDs here.
    const list = (ids: string[]) => (ids.length <= 10 ? ids.join(', ') : `${ids.slice(0, 8).join(', ')} and ${ids.length - 8} more`);
    for (const [reason, ids] of byReason) lines.push(`NOT RUN  ${ids.length} requirement${ids.length === 1 ? '' : 's'} (${list(ids)}) — ${reason}`);
  }
  for (const e of verdicts.runErrors) lines.push(`ERROR    ${e}`);
  for (const n of verdicts.baseline?.notes.filter((x) => x.outcome === 'not exercised') ?? []) lines.push(`BASELINE ${n.detail}`);
  if (lines.length > 0) out.push(...lines, '');

  const counts = new Map<Verdict, number>();
  for (const r of reqs) counts.set(r.verdict, (counts.get(r.verdict) ?? 0) + 1);
  out.push(`requirements: ${[...counts].map(([v, n]) => `${n} ${VERDICT_LABEL[v]}`).join(', ')}`);
  out.push('profiles:');
  // The widest profile name sets the column (sender-constrained is longer than the first four).
  const width = Math.max(15, ...certification.profiles.map((p) => p.profile.length));
  for (const p of certification.profiles) out.push(`  ${p.profile.padEnd(width)} ${p.status.padEnd(26)} ${p.reason}${p.asked ? '' : ' (not asked)'}`);
  out.push('');
  const scope = certification.scope.explicitProfiles
    ? `profiles ${certification.scope.profiles.join(', ')}`
    : certification.scope.tags
      ? `selection ${certification.scope.tags}`
      : `profiles ${certification.scope.profiles.join(', ')}`;
  out.push(`auth-ctk: ${certification.status.toUpperCase()} (${scope}) — exit ${certification.exitCode}`);
  if (certification.status !== 'certified') for (const r of certification.reasons) out.push(`  ${r}`);
  return out.join('\n');
}
