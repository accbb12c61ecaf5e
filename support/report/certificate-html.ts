/**
 * reports/certificate.html: the certificate for people. One self-contained page (inline CSS, no script, no
 * external resource), rendered from the signed certificate.json — the JSON is the authoritative statement,
 * the page says so and how to verify it.
 */
import type { CertificateFile } from './certificate.ts';
import { describeChecks, VERDICT_LABEL, type Verdict } from './verdicts.ts';

export const htmlEscape = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const h = htmlEscape;

const VERDICT_CLASS: Record<Verdict, string> = {
  passed: 'ok',
  failed: 'bad',
  warning: 'warn',
  'known-deviation': 'dev',
  'stale-deviation': 'bad',
  'not-applicable': 'na',
  'not-testable': 'nt',
  'not-run': 'na',
};

const badge = (v: Verdict) => `<span class="v ${VERDICT_CLASS[v]}">${h(VERDICT_LABEL[v])}</span>`;

function statusClass(status: string): string {
  if (status === 'certified' || status === 'selection passed') return 'ok';
  if (status.includes('deviations')) return 'dev';
  if (status === 'not applicable' || status === 'not evaluated') return 'na';
  if (status === 'incomplete') return 'nt';
  return 'bad';
}

const link = (url: string, text: string) => (/^https?:\/\//.test(url) ? `<a href="${h(url)}" rel="noreferrer">${h(text)}</a>` : `${h(text)} <span class="muted">(${h(url)})</span>`);

export function renderCertificateHtml(file: CertificateFile): string {
  const c = file.certificate;
  const t = c.target;
  const rows: string[] = [];
  for (const r of c.requirements) {
    const details = [
      ...r.diagnoses.map((d) => `<div class="diag">${h(d)}</div>`),
      r.deviation ? `<div>baseline: ${h(r.deviation.reason)}${r.deviation.review ? ` (review ${h(r.deviation.review)}${r.deviation.overdue ? ', overdue' : ''})` : ''}</div>` : '',
      r.reason ? `<div>${h(r.reason)}${r.remedy ? ` — <em>${h(r.remedy)}</em>` : ''}</div>` : '',
    ].join('');
    rows.push(
      `<tr data-requirement="${h(r.id)}" data-verdict="${h(r.verdict)}"><td class="id">${h(r.id)}</td><td>${h(r.title)}</td><td>${h(r.level)}</td><td>${link(r.link, r.source)}</td><td>${h(r.profile)}${r.capability ? `<br><span class="muted">${h(r.capability)}</span>` : ''}</td><td>${badge(r.verdict)}<br><span class="muted checks">${h(describeChecks(r.checks ?? { holds: 0, 'does-not-hold': 0, 'could-not-judge': 0, 'does-not-apply': 0 }))}</span></td><td>${details}</td></tr>`,
    );
  }
  const profiles = c.profiles
    .map((p) => `<tr><td>${h(p.profile)}</td><td><span class="v ${statusClass(p.status)}">${h(p.status)}</span></td><td>${h(p.reason)}</td><td>${p.asked ? 'yes' : 'no'}</td></tr>`)
    .join('');
  const summary = (counts: Record<Verdict, number>) =>
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .map(([v, n]) => `${badge(v as Verdict)} ${n}`)
      .join(' &nbsp; ');
  const endpoints = t
    ? [
        ['kind', t.kind],
        ['issuer', t.issuer],
        ['token endpoint', t.tokenEndpoint],
        ['JWKS', t.jwksUri ?? '(none: no JWT access tokens)'],
        ...(t.discoveryUrl ? [['discovery', t.discoveryUrl]] : []),
        ...(t.authorizationEndpoint ? [['authorization endpoint', t.authorizationEndpoint]] : []),
        ['gateway', t.gateway ?? '(none: the profile tests the IdP only)'],
        ['audience', t.audience ?? (t.audienceCheck === 'scope' ? '(the granted scope)' : '(not checked by the gateway)')],
        ['capabilities claimed', t.capabilities.join(', ') || '(none)'],
        ...(t.faults?.length ? [['faults injected (self-test)', t.faults.join(', ')]] : []),
      ]
    : [];
  const scenarioRows = c.scenarios
    .map((s) => `<tr data-verdict="${h(s.verdict)}"><td>${h(s.feature)}</td><td>${h(s.name)}<br><span class="muted">${h(s.location)}</span></td><td>${h(s.requirements.join(' '))}</td><td>${badge(s.verdict)}</td><td>${s.diagnoses.map((d) => `<div class="diag">${h(d)}</div>`).join('')}${s.reason ? `<div>${h(s.reason)}</div>` : ''}</td></tr>`)
    .join('');
  const baseline = c.baseline
    ? `<h2>Baseline (known deviations)</h2><p>${h(c.baseline.file)} <span class="muted">sha256 ${h(c.baseline.sha256)}</span></p><ul>${c.baseline.entries.map((e) => `<li>${h(e.entry)}: <strong>${h(e.outcome)}</strong> — ${h(e.detail)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>auth-ctk certificate — ${h(t?.name ?? 'unknown target')} — ${h(c.result.status)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1d2330}
h1{margin:0 0 .3rem}h2{margin-top:2rem;border-bottom:1px solid #d8dde6;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border:1px solid #d8dde6;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f1f4f8}td.id{white-space:nowrap;font-family:ui-monospace,monospace}
.v{display:inline-block;border-radius:3px;padding:0 .4rem;font-weight:600;white-space:nowrap}
.ok{background:#d8f5dd;color:#125c22}.bad{background:#fbd9d9;color:#8a1111}.warn{background:#fff1c2;color:#6b5000}
.dev{background:#e6dcff;color:#3d2386}.nt{background:#ffe2c6;color:#7a3b00}.na{background:#e9ecf1;color:#4a5261}
.big{font-size:1.4rem;padding:.2rem .8rem}.muted{color:#6b7385;font-size:12px}.diag{font-family:ui-monospace,monospace;font-size:12px}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}dt{font-weight:600}dd{margin:0;word-break:break-all}
</style>
</head>
<body>
<h1>auth-ctk certificate</h1>
<p id="result"><span class="v big ${statusClass(c.result.status)}">${h(c.result.status.toUpperCase())}</span> &nbsp; ${h(t?.name ?? 'unknown target')}</p>
<ul>${c.result.reasons.map((r) => `<li>${h(r)}</li>`).join('')}</ul>
<h2>Target</h2>
<dl>${endpoints.map(([k, v]) => `<dt>${h(k!)}</dt><dd>${h(v!)}</dd>`).join('')}</dl>
<h2>Run</h2>
<dl>
<dt>kit</dt><dd>auth-ctk ${h(c.kit.version)}</dd>
<dt>feature set</dt><dd>${h(c.featureSet.hash)} (${c.featureSet.files} feature files + requirement catalogue)</dd>
<dt>issued</dt><dd>${h(c.issuedAt)}</dd>
<dt>run</dt><dd>${h(c.run.startedAt ?? '?')} — ${h(c.run.finishedAt ?? '?')}</dd>
${(c.run.browsers ?? []).length ? `<dt>browser</dt><dd>${c.run.browsers.map((b) => h(`${b.name} ${b.version} (${b.package ?? b.executablePath})`)).join('<br>')}</dd>` : ''}
<dt>scope</dt><dd>${c.run.tags ? `selection ${h(c.run.tags)}` : c.run.explicitProfiles ? `profiles ${h(c.run.profilesAsked.join(', '))}` : 'all profiles'}${c.run.partial ? ' (partial run: some scenarios were not selected)' : ''}</dd>
${c.run.errors.length ? `<dt>run errors</dt><dd>${c.run.errors.map(h).join('<br>')}</dd>` : ''}
<dt>signature</dt><dd>${h(file.signature.alg)}, key thumbprint ${h(file.signature.kid)}</dd>
</dl>
<p class="muted">This page renders certificate.json, the signed statement. Check it with <code>auth-ctk verify certificate.json --key &lt;issuer's public key&gt;</code>; this page itself is not signed.</p>
<h2>Profiles</h2>
<table id="profiles"><thead><tr><th>profile</th><th>result</th><th>why</th><th>asked</th></tr></thead><tbody>${profiles}</tbody></table>
<h2>Summary</h2>
<p>requirements: ${summary(c.summary.requirements)}</p>
<p>scenarios: ${summary(c.summary.scenarios)}</p>
${baseline}
<h2>Verdict per requirement</h2>
<table id="verdicts"><thead><tr><th>requirement</th><th>what a conforming system does</th><th>level</th><th>clause</th><th>profile</th><th>verdict (checks)</th><th>diagnosis / reason</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<h2>Scenarios</h2>
<table id="scenarios"><thead><tr><th>feature</th><th>scenario</th><th>requirements</th><th>verdict</th><th>diagnosis / reason</th></tr></thead><tbody>
${scenarioRows}
</tbody></table>
</body>
</html>
`;
}
