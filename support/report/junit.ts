/**
 * JUnit XML from the verdicts, for CI systems that gate on it. Cucumber 13's built-in `junit` formatter works,
 * but it only knows Cucumber's statuses: it would show a known deviation as a failure (CI red while the run
 * certifies), a stale baseline entry as a pass, and a warning or a not-testable check with no reason at all.
 * So the kit writes reports/junit.xml itself, one <testsuite> per feature, one <testcase> per scenario:
 *   failed           <failure message="one-line diagnoses"> (a check) or <error> (an error before the check)
 *   stale deviation  <failure type="stale-baseline">: the run fails until the entry is removed
 *   known deviation  <skipped message="KNOWN DEVIATION (baseline: reason) — diagnosis">
 *   warning          passes; the diagnosis in <system-out> and a `warning` property
 *   not applicable / not testable   <skipped message="reason; remedy">
 */
import { describeChecks, VERDICT_LABEL, type ScenarioVerdict, type Verdicts } from './verdicts.ts';

// XML 1.0 allows tab, LF, CR and most of the rest; strip other control characters rather than emit invalid XML.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
export const xmlEscape = (text: string): string =>
  text
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\n/g, '&#10;');
const xmlText = (text: string): string => text.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** The one-line diagnoses of a scenario (what it broke), for failure messages. */
export function scenarioDiagnoses(s: ScenarioVerdict): string[] {
  const lines: string[] = [];
  for (const c of s.contributions.values()) for (const d of c.diagnoses) if (!lines.includes(d)) lines.push(d);
  if (lines.length === 0 && s.error) lines.push(s.error);
  return lines;
}

/** The reason a scenario did not pass or did not run, one line. */
export function scenarioReason(s: ScenarioVerdict): string | undefined {
  for (const c of s.contributions.values()) {
    if (c.verdict === s.verdict && c.reason) return `${c.reason}${c.remedy ? `; to test it: ${c.remedy}` : ''}`;
  }
  return undefined;
}

function testcase(s: ScenarioVerdict): string {
  const name = `${s.name}${s.requirementIds.length ? ` [${s.requirementIds.join(' ')}]` : ''}`;
  const props = [
    ...s.requirementIds.map((id) => `<property name="requirement" value="${xmlEscape(id)}"/>`),
    `<property name="verdict" value="${xmlEscape(VERDICT_LABEL[s.verdict])}"/>`,
    // The evidence behind the verdict: how many checks of each requirement held, did not, or could not judge.
    ...[...s.contributions].map(([id, c]) => `<property name="checks ${xmlEscape(id)}" value="${describeChecks(c.checks)}"/>`),
  ];
  const body: string[] = [`      <properties>${props.join('')}</properties>`];
  const diagnoses = scenarioDiagnoses(s);
  switch (s.verdict) {
    case 'failed': {
      const checks = [...s.contributions.values()].filter((c) => c.verdict === 'failed').flatMap((c) => c.diagnoses);
      const byError = s.error !== undefined && checks.every((d) => d.includes('failed with an error, not a check'));
      const tag = byError ? 'error' : 'failure';
      const message = (checks.length ? checks : diagnoses).join('\n');
      const detail = [...diagnoses, ...(s.errorDetail && s.errorDetail !== s.error ? ['', s.errorDetail] : [])].join('\n');
      body.push(`      <${tag} type="${byError ? 'error' : 'requirement-violation'}" message="${xmlEscape(message)}">${xmlText(detail)}</${tag}>`);
      break;
    }
    case 'stale-deviation':
      body.push(`      <failure type="stale-baseline" message="${xmlEscape(scenarioReason(s) ?? 'passes now: remove it from the baseline')}"/>`);
      break;
    case 'known-deviation': {
      const dev = s.deviation ?? [...s.contributions.values()].find((c) => c.deviation)?.deviation;
      body.push(`      <skipped message="${xmlEscape(`KNOWN DEVIATION (baseline: ${dev?.reason ?? 'listed'}) — ${diagnoses.join(' | ')}`)}"/>`);
      break;
    }
    case 'not-applicable':
    case 'not-testable':
      body.push(`      <skipped message="${xmlEscape(`${VERDICT_LABEL[s.verdict]}: ${scenarioReason(s) ?? 'no reason recorded'}`)}"/>`);
      break;
    default:
      break;
  }
  const out = [...(s.verdict === 'warning' ? diagnoses.map((d) => `WARNING ${d}`) : [])];
  if (out.length) body.push(`      <system-out>${xmlText(out.join('\n'))}</system-out>`);
  return `    <testcase classname="${xmlEscape(s.feature)}" name="${xmlEscape(name)}" file="${xmlEscape(s.uri)}" line="${s.line}" time="${seconds(s.durationMs)}">\n${body.join('\n')}\n    </testcase>`;
}

export function renderJUnit(verdicts: Verdicts, context: { target?: string } = {}): string {
  const features = [...new Set(verdicts.scenarios.map((s) => s.feature))];
  const count = (list: readonly ScenarioVerdict[]) => ({
    tests: list.length,
    failures: list.filter((s) => (s.verdict === 'failed' && !s.error) || s.verdict === 'stale-deviation').length,
    errors: list.filter((s) => s.verdict === 'failed' && s.error).length,
    skipped: list.filter((s) => ['known-deviation', 'not-applicable', 'not-testable'].includes(s.verdict)).length,
    time: seconds(list.reduce((t, s) => t + s.durationMs, 0)),
  });
  const attrs = (c: ReturnType<typeof count>) => `tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="${c.time}"`;
  const suites = features.map((f) => {
    const mine = verdicts.scenarios.filter((s) => s.feature === f);
    return `  <testsuite name="${xmlEscape(f)}" ${attrs(count(mine))}${verdicts.startedAt ? ` timestamp="${verdicts.startedAt}"` : ''}>\n${mine.map(testcase).join('\n')}\n  </testsuite>`;
  });
  const name = `auth-ctk${context.target ? ` — ${context.target}` : ''}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(name)}" ${attrs(count(verdicts.scenarios))}>\n${suites.join('\n')}\n</testsuites>\n`;
}
