/**
 * The certificate (issue 6 §3): what the kit found about one target, signed so nobody can change a verdict
 * afterwards. reports/certificate.json holds the readable statement and its signature:
 *
 *   { "certificate": { format, kit, featureSet, issuedAt, target, run, result, profiles, summary,
 *                      requirements[], scenarios[], baseline },
 *     "signature":   { alg, kid, jwk, jws } }
 *
 * `jws` is a compact JWS (RFC 7515) whose payload is the canonical JSON of `certificate` (keys sorted, no
 * whitespace), signed with ES256 or EdDSA; the protected header carries the public key (`jwk`) and its RFC 7638
 * thumbprint (`kid`). `verifyCertificate` checks that the signature holds, that the readable `certificate`
 * is exactly what was signed, that the file is byte-for-byte what the kit wrote (so one altered byte
 * anywhere fails), that it comes from this kit version and feature set, and that its summary, profile
 * results and overall result follow from its own per-requirement verdicts.
 */
import { isDeepStrictEqual } from 'node:util';
import { CompactSign, base64url, calculateJwkThumbprint, compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { requirement as lookupRequirement, type Requirement } from '../requirements/catalogue.ts';
import type { CertificationProfile } from '../requirements/types.ts';
import { redact } from '../http/redact.ts';
import { certify, certifyProfile, type Certification, type OverallStatus, type ProfileStatus } from './certification.ts';
import type { PublicTarget } from './public-target.ts';
import type { SigningKey } from './signing-key.ts';
import { SigningKeyError } from './signing-key.ts';
import { countVerdicts, noChecks, VERDICTS, type CheckCounts, type Deviation, type RequirementVerdict, type Verdict, type Verdicts } from './verdicts.ts';
import { scenarioDiagnoses, scenarioReason } from './junit.ts';
import type { UsedBrowser } from './browsers-used.ts';

// /2: every requirement carries the checks behind its verdict (held / not held / could not judge).
export const CERTIFICATE_FORMAT = 'auth-ctk-certificate/2';
export const JWS_TYPE = 'auth-ctk-certificate+jws';

export interface CertificateRequirement {
  readonly id: string;
  readonly title: string;
  readonly level: Requirement['level'];
  readonly source: string;
  readonly link: string;
  readonly profile: CertificationProfile;
  readonly capability?: string;
  readonly verdict: Verdict;
  /** The checks of this requirement the run evaluated: a "passed" stands on at least one that held. */
  readonly checks: CheckCounts;
  /** Scenarios that judged it vs could not, when only some could (the verdict is then "not testable"). */
  readonly partial?: RequirementVerdict['partial'];
  readonly reason?: string;
  readonly remedy?: string;
  readonly diagnoses: readonly string[];
  readonly deviation?: Deviation;
  readonly scenarios: readonly { readonly name: string; readonly location: string; readonly verdict: Verdict }[];
}

export interface CertificateScenario {
  readonly name: string;
  readonly feature: string;
  readonly location: string;
  readonly requirements: readonly string[];
  readonly verdict: Verdict;
  readonly diagnoses: readonly string[];
  readonly reason?: string;
}

export interface CertificatePayload {
  readonly format: string;
  readonly kit: { readonly name: 'auth-ctk'; readonly version: string };
  readonly featureSet: { readonly hash: string; readonly files: number };
  readonly issuedAt: string;
  readonly target: PublicTarget | null;
  readonly run: {
    readonly startedAt: string | null;
    readonly finishedAt: string | null;
    readonly partial: boolean;
    readonly tags: string | null;
    readonly profilesAsked: readonly CertificationProfile[];
    readonly explicitProfiles: boolean;
    readonly errors: readonly string[];
    readonly cucumber: string | null;
    readonly node: string;
    /** The browser(s) the browser checks drove (support/report/browsers-used.ts); empty when none ran. */
    readonly browsers: readonly UsedBrowser[];
  };
  readonly result: { readonly status: OverallStatus; readonly exitCode: 0 | 1; readonly reasons: readonly string[] };
  readonly profiles: readonly {
    readonly profile: CertificationProfile;
    readonly status: ProfileStatus;
    readonly reason: string;
    readonly asked: boolean;
    readonly warnings: readonly string[];
    readonly deviations: readonly string[];
  }[];
  readonly summary: { readonly requirements: Record<Verdict, number>; readonly scenarios: Record<Verdict, number> };
  readonly requirements: readonly CertificateRequirement[];
  readonly scenarios: readonly CertificateScenario[];
  readonly baseline: {
    readonly file: string;
    readonly sha256: string;
    readonly entries: readonly { readonly entry: string; readonly outcome: string; readonly detail: string }[];
  } | null;
}

export interface CertificateFile {
  readonly certificate: CertificatePayload;
  readonly signature: { readonly alg: string; readonly kid: string; readonly jwk: JWK; readonly jws: string };
}

/** JSON with object keys sorted at every level: the exact bytes that are signed. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How the kit writes certificate.json, byte for byte; verify compares against it. */
export const serializeCertificate = (file: CertificateFile): string => `${JSON.stringify(file, null, 2)}\n`;

function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map(redactDeep) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v)])) as T;
  return value;
}

export interface CertificateContext {
  readonly kitVersion: string;
  readonly featureSetHash: string;
  readonly featureFiles: number;
  readonly target?: PublicTarget;
  readonly tags?: string;
  readonly cucumberVersion?: string;
  readonly browsers?: readonly UsedBrowser[];
  readonly issuedAt?: Date;
}

function requirementEntry(r: RequirementVerdict): CertificateRequirement {
  const q = r.requirement;
  return {
    id: q.id,
    title: q.title,
    level: q.level,
    source: q.source,
    link: q.link,
    profile: q.profile,
    ...(q.capability ? { capability: q.capability } : {}),
    verdict: r.verdict,
    checks: r.checks,
    ...(r.partial ? { partial: r.partial } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.remedy ? { remedy: r.remedy } : {}),
    diagnoses: r.diagnoses,
    ...(r.deviation ? { deviation: r.deviation } : {}),
    scenarios: r.scenarios.map((s) => ({ name: s.name, location: `${s.uri}:${s.line}`, verdict: s.verdict })),
  };
}

export function buildCertificate(verdicts: Verdicts, certification: Certification, context: CertificateContext): CertificatePayload {
  const payload: CertificatePayload = {
    format: CERTIFICATE_FORMAT,
    kit: { name: 'auth-ctk', version: context.kitVersion },
    featureSet: { hash: context.featureSetHash, files: context.featureFiles },
    issuedAt: (context.issuedAt ?? new Date()).toISOString(),
    target: context.target ?? null,
    run: {
      startedAt: verdicts.startedAt ?? null,
      finishedAt: verdicts.finishedAt ?? null,
      partial: verdicts.partial,
      tags: context.tags ?? null,
      profilesAsked: certification.scope.profiles,
      explicitProfiles: certification.scope.explicitProfiles,
      errors: verdicts.runErrors,
      cucumber: context.cucumberVersion ?? null,
      node: process.version,
      browsers: context.browsers ?? [],
    },
    result: { status: certification.status, exitCode: certification.exitCode, reasons: certification.reasons },
    profiles: certification.profiles.map((p) => ({
      profile: p.profile,
      status: p.status,
      reason: p.reason,
      asked: p.asked,
      warnings: p.warnings,
      deviations: p.deviations,
    })),
    summary: { requirements: countVerdicts(verdicts.requirements), scenarios: countVerdicts(verdicts.scenarios) },
    requirements: verdicts.requirements.map(requirementEntry),
    scenarios: verdicts.scenarios.map((s) => {
      const reason = scenarioReason(s);
      return {
        name: s.name,
        feature: s.feature,
        location: `${s.uri}:${s.line}`,
        requirements: s.requirementIds,
        verdict: s.verdict,
        diagnoses: scenarioDiagnoses(s),
        ...(reason ? { reason } : {}),
      };
    }),
    baseline: verdicts.baseline
      ? {
          file: verdicts.baseline.file,
          sha256: verdicts.baseline.sha256,
          entries: verdicts.baseline.notes.map((n) => ({
            entry: n.entry.requirement ? `requirement ${n.entry.requirement}` : `scenario "${n.entry.scenario}"`,
            outcome: n.outcome,
            detail: n.detail,
          })),
        }
      : null,
  };
  // Round-trip through JSON so the signed object is exactly what the file will hold (no undefined members).
  return JSON.parse(JSON.stringify(redactDeep(payload))) as CertificatePayload;
}

export async function signCertificate(payload: CertificatePayload, key: SigningKey): Promise<CertificateFile> {
  const jws = await new CompactSign(new TextEncoder().encode(canonicalJson(payload)))
    .setProtectedHeader({ alg: key.alg, typ: JWS_TYPE, kid: key.thumbprint, jwk: key.publicJwk })
    .sign(key.privateKey);
  try {
    await compactVerify(jws, await importJWK(key.publicJwk, key.alg));
  } catch {
    throw new SigningKeyError(`${key.file}: the private key does not match its public part (x/y): the key file is damaged`);
  }
  return { certificate: payload, signature: { alg: key.alg, kid: key.thumbprint, jwk: key.publicJwk, jws } };
}

export interface VerifyOptions {
  readonly kitVersion: string;
  readonly featureSetHash: string;
  /** The key the verifier trusts; without it the embedded key is used (integrity only, not origin). */
  readonly trustedKey?: { readonly alg: string; readonly publicJwk: JWK; readonly thumbprint: string };
}

export interface VerifyResult {
  readonly ok: boolean;
  /** Why it is not valid, most fundamental first. */
  readonly problems: readonly string[];
  readonly notes: readonly string[];
  readonly certificate?: CertificatePayload;
  /** Thumbprint of the key that signed it (when the signature could be read). */
  readonly kid?: string;
}

function firstDifference(a: unknown, b: unknown, path = 'certificate'): string | undefined {
  if (isDeepStrictEqual(a, b)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = firstDifference((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], Array.isArray(a) ? `${path}[${k}]` : `${path}.${k}`);
      if (d) return d;
    }
  }
  const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v)?.slice(0, 80));
  return `${path}: signed ${show(b)}, file says ${show(a)}`;
}

const strictBase64url = (segment: string): boolean => {
  try {
    return base64url.encode(base64url.decode(segment)) === segment;
  } catch {
    return false;
  }
};

export async function verifyCertificate(bytes: Buffer, options: VerifyOptions): Promise<VerifyResult> {
  const problems: string[] = [];
  const notes: string[] = [];
  const fail = (problem: string, certificate?: CertificatePayload): VerifyResult => ({ ok: false, problems: [problem, ...problems], notes, ...(certificate ? { certificate } : {}) });

  let file: CertificateFile;
  try {
    file = JSON.parse(bytes.toString('utf8')) as CertificateFile;
  } catch {
    return fail('the file is not valid JSON: it was altered or truncated');
  }
  if (!file || typeof file !== 'object' || !file.certificate || !file.signature || typeof file.signature.jws !== 'string') {
    return fail('this is not an auth-ctk certificate (expected {"certificate": ..., "signature": {..., "jws": ...}})');
  }
  const { certificate, signature } = file;
  const segments = signature.jws.split('.');
  if (segments.length !== 3 || !segments.every(strictBase64url)) return fail('the signature (jws) is malformed: it was altered');

  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(signature.jws);
  } catch {
    return fail('the signature header cannot be read: the jws was altered');
  }
  const embedded = header.jwk as JWK | undefined;
  if (!embedded || typeof header.alg !== 'string' || header.typ !== JWS_TYPE) return fail('the signature header is not an auth-ctk certificate header (alg, typ, jwk)');
  if (!['ES256', 'EdDSA'].includes(header.alg)) return fail(`the signature uses alg ${header.alg}; auth-ctk signs with ES256 or EdDSA`);
  const embeddedThumbprint = await calculateJwkThumbprint(embedded).catch(() => undefined);
  if (embeddedThumbprint !== header.kid || header.kid !== signature.kid || !isDeepStrictEqual(embedded, signature.jwk) || header.alg !== signature.alg) {
    return fail('the key information in the file (signature.kid/jwk/alg) does not match the signed header: it was altered');
  }

  let verifyingJwk = embedded;
  if (options.trustedKey) {
    if (options.trustedKey.thumbprint !== header.kid) {
      return fail(`signed by a different key: the certificate's key has thumbprint ${header.kid}, the trusted key (--key) has ${options.trustedKey.thumbprint}`);
    }
    verifyingJwk = options.trustedKey.publicJwk;
  } else {
    notes.push(`signature checked with the key embedded in the certificate (thumbprint ${header.kid}): this proves the certificate is intact, not who issued it; pass --key <issuer's public JWK> to check the issuer`);
  }
  let signedBytes: Uint8Array;
  try {
    const verified = await compactVerify(signature.jws, await importJWK(verifyingJwk, header.alg), { algorithms: ['ES256', 'EdDSA'] });
    signedBytes = verified.payload;
  } catch {
    return fail(options.trustedKey ? 'the signature does not verify with the trusted key: the certificate was altered or signed with another key' : 'the signature does not verify: the certificate was altered');
  }
  let signed: CertificatePayload;
  try {
    signed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(signedBytes)) as CertificatePayload;
  } catch {
    return fail('the signed payload is not JSON: not an auth-ctk certificate');
  }
  if (canonicalJson(signed) !== new TextDecoder().decode(signedBytes)) return fail('the signed payload is not in canonical form: not written by auth-ctk');
  const difference = firstDifference(certificate, signed);
  if (difference) return fail(`the readable certificate differs from what was signed (${difference}): it was altered after signing`, signed);
  if (!bytes.equals(Buffer.from(serializeCertificate(file), 'utf8'))) {
    return fail('the file is not byte-for-byte what auth-ctk wrote (reformatted or altered; the signed content itself is intact)', signed);
  }

  if (signed.format !== CERTIFICATE_FORMAT) return fail(`certificate format ${String(signed.format)} is not ${CERTIFICATE_FORMAT}: it comes from another kit version`, signed);
  if (signed.kit?.version !== options.kitVersion) {
    return fail(
      `the certificate was issued by auth-ctk ${String(signed.kit?.version)}; this is auth-ctk ${options.kitVersion}. Verify it with the kit version that issued it (its verdicts refer to that version's scenarios).`,
      signed,
    );
  }
  if (signed.featureSet?.hash !== options.featureSetHash) {
    return fail(
      `the certificate was issued for a different feature set (${signed.featureSet?.hash}); this kit's features and catalogue hash to ${options.featureSetHash}: they were changed since. Verify with the feature set that issued it.`,
      signed,
    );
  }
  problems.push(...consistencyProblems(signed));
  const kid = String(header.kid);
  if (problems.length > 0) return { ok: false, problems, notes, certificate: signed, kid };
  return { ok: true, problems, notes, certificate: signed, kid };
}

/** The certificate's conclusions must follow from its own verdicts, under this kit's rules and catalogue. */
function consistencyProblems(c: CertificatePayload): string[] {
  const problems: string[] = [];
  const verdicts: RequirementVerdict[] = [];
  for (const r of c.requirements ?? []) {
    let req: Requirement;
    try {
      req = lookupRequirement(r.id);
    } catch {
      problems.push(`requirement ${r.id} is not in this kit's catalogue`);
      continue;
    }
    if (req.level !== r.level || req.profile !== r.profile || req.source !== r.source) {
      problems.push(`requirement ${r.id}: level/profile/clause differ from this kit's catalogue`);
    }
    if (!(VERDICTS as readonly string[]).includes(r.verdict)) problems.push(`requirement ${r.id}: unknown verdict "${r.verdict}"`);
    // A pass is earned by a check that held; a certificate claiming otherwise was not written by this kit's rules.
    if (r.verdict === 'passed' && !(r.checks?.holds > 0)) problems.push(`requirement ${r.id} says passed, but no check of it held`);
    verdicts.push({ requirement: req, verdict: r.verdict, checks: r.checks ?? noChecks(), diagnoses: [...r.diagnoses], scenarios: [], ...(r.reason ? { reason: r.reason } : {}) });
  }
  if (problems.length) return problems;
  if (!isDeepStrictEqual(countVerdicts(verdicts), c.summary.requirements)) problems.push('the summary counts do not match the per-requirement verdicts');
  for (const p of c.profiles) {
    const recomputed = certifyProfile(p.profile, verdicts, p.asked);
    if (recomputed.status !== p.status) problems.push(`profile ${p.profile}: says "${p.status}", its requirements give "${recomputed.status}"`);
  }
  const scenarios = c.scenarios.map((s) => ({
    verdict: s.verdict,
    requirementIds: s.requirements,
    name: s.name,
  }));
  const recomputed = certify(
    {
      scenarios: scenarios as unknown as Verdicts['scenarios'],
      requirements: verdicts,
      runErrors: c.run.errors,
      partial: c.run.partial,
    },
    { profiles: c.run.explicitProfiles ? c.run.profilesAsked : undefined, ...(c.run.tags ? { tags: c.run.tags } : {}) },
  );
  if (recomputed.status !== c.result.status || recomputed.exitCode !== c.result.exitCode) {
    problems.push(`the overall result says "${c.result.status}", the verdicts give "${recomputed.status}"`);
  }
  return problems;
}
