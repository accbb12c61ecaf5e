/**
 * The third-party product matrix (issue 17): products nobody here wrote. A server product (IdP, gateway) is
 * started on loopback by its own launcher (test/products/<product>/launch.ts) and described to the kit by its
 * own target profile (profile.yaml, loaded exactly as `auth-ctk run --target profile.yaml` loads it); a client
 * library (harness.ts) is certified as `auth-ctk client` certifies one. Either way Cucumber runs in a child
 * process and the verdicts are compared per requirement with the product's expected-verdicts.yaml.
 *
 * The expected verdicts are written from the clause, not copied from a run: every expected non-pass names the
 * clause and quotes the product's answer. Where the kit contradicts the clause, the entry says so (`kitSays`,
 * with the analysis) and the run must give the kit's verdict until the kit is fixed.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { format } from 'node:util';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KIT_ROOT } from '../../support/traceability.ts';
import { loadProfile } from '../../support/target/profile.ts';
import { describeExternalTarget, startJwksRelay } from '../../support/target/external.ts';
import { readMessages } from '../../support/report/messages.ts';
import { computeVerdicts } from '../../support/report/verdicts.ts';
import { clientUnderTest } from '../../support/client-harness/target.ts';
import { CLIENT_COMMAND_ENV } from '../../support/client-harness/contract.ts';
import type { TargetDescription } from '../../support/target/target.ts';
import { runSelftestCucumber } from '../fault-injection/run-with-fault.ts';

export const PRODUCTS_DIR = join(KIT_ROOT, 'test', 'products');

/** What a product's launcher returns: the variables its profile.yaml refers to, and how to stop it. */
export interface LaunchedProduct {
  /** `${VAR}` values for profile.yaml: URLs with the ephemeral ports, generated client secrets. */
  readonly env: Readonly<Record<string, string>>;
  stop(): Promise<void>;
}

/** The verdicts a product's run may give, in the words of the kit's reports. */
export type MatrixVerdict = 'passed' | 'failed' | 'warning' | 'not-applicable' | 'not-testable';

export interface ExpectedNonPass {
  /** The verdict the clause gives for the product's answer. */
  readonly verdict: MatrixVerdict;
  /** The clause the expectation rests on (RFC section / seed, with its word). */
  readonly clause: string;
  /** The product's own answer, quoted (status, header, body) — or why nothing was judged. */
  readonly observed: string;
  /**
   * Where the kit's verdict today differs from the clause's (a kit defect, reported to the lead): what the kit
   * says. The run must give this — so the matrix stays green and the disagreement stays visible — and the test
   * fails as soon as the kit gives the clause's verdict, so the entry is removed with the fix.
   */
  readonly kitSays?: MatrixVerdict;
  /** Why the clause gives this verdict (and, with kitSays, why the kit is wrong). */
  readonly note?: string;
}

export interface ExpectedVerdicts {
  readonly product: string;
  /** npm packages that make up the product; versions are read from node_modules (pinned in package.json). */
  readonly packages: readonly string[];
  readonly role: string;
  /** The other half of the stack, when the product is only one half. */
  readonly pairedWith?: string;
  /** Feature files (relative to the kit) to run, and a tag expression that leaves out what does not apply. */
  readonly features: readonly string[];
  readonly tags?: string;
  /** Per requirement: `passed`, or a verdict with clause and observed answer. */
  readonly expected: Readonly<Record<string, 'passed' | ExpectedNonPass>>;
}

export interface ProductRun {
  readonly product: string;
  readonly expected: ExpectedVerdicts;
  readonly versions: Readonly<Record<string, string>>;
  /** Per judged requirement (not-run left out): its verdict and one-line diagnoses. */
  readonly got: ReadonlyMap<string, { readonly verdict: string; readonly diagnoses: readonly string[]; readonly reason?: string }>;
  readonly runErrors: readonly string[];
  readonly exitCode: number;
  readonly seconds: number;
  readonly stderr: string;
  /** What the product logged (Express logs every error it answers): kept for a failure message, not printed. */
  readonly productLog: string;
}

export function readExpected(product: string): ExpectedVerdicts {
  return parse(readFileSync(join(PRODUCTS_DIR, product, 'expected-verdicts.yaml'), 'utf8')) as ExpectedVerdicts;
}

export function packageVersion(name: string): string {
  return (JSON.parse(readFileSync(join(KIT_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
}


/** A product is a client library when its folder has a harness (auth-ctk client); else a server with a launcher. */
export function isClientProduct(product: string): boolean {
  return existsSync(join(PRODUCTS_DIR, product, 'harness.ts'));
}

/** Runs the product through the kit: a server product is started and run against, a client is certified. */
export async function runProduct(product: string, timeoutMs = 150_000): Promise<ProductRun> {
  return isClientProduct(product) ? runClientProduct(product, timeoutMs) : runServerProduct(product, timeoutMs);
}

/** Starts the product, runs its features against it through its profile, stops it; never leaves it running. */
async function runServerProduct(product: string, timeoutMs: number): Promise<ProductRun> {
  const expected = readExpected(product);
  const { launch } = (await import(join(PRODUCTS_DIR, product, 'launch.ts'))) as { launch: () => Promise<LaunchedProduct> };
  const started = performance.now();
  // The products run in this process and log what they refuse (Express's default error handler prints every
  // error's stack): their log is the product's business, collected here instead of burying the test output.
  const productLog: string[] = [];
  const consoleError = console.error;
  console.error = (...args: unknown[]) => void productLog.push(format(...args));
  let launched: LaunchedProduct;
  let relay: Awaited<ReturnType<typeof startJwksRelay>> | undefined;
  try {
    launched = await launch();
  } catch (error) {
    console.error = consoleError;
    throw error;
  }
  try {
    // The profile is loaded as `auth-ctk run --target` loads it; cwd is the product folder, so no stray ./.env.
    const profile = loadProfile(join(PRODUCTS_DIR, product, 'profile.yaml'), { env: launched.env, cwd: join(PRODUCTS_DIR, product) });
    const described = await describeExternalTarget(profile, () => undefined);
    // Issue 20: a profile with jwksRelay gets the kit's JWKS relay, as `auth-ctk run` starts it.
    relay = profile.jwksRelay ? await startJwksRelay(profile, described.jwksUri!, () => undefined) : undefined;
    const description = relay ? { ...described, jwksRelay: relay.description } : described;
    const outcome = await runFeatures(product, description, expected, {}, timeoutMs);
    return { ...outcome, productLog: productLog.join('\n').slice(-8_000), seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
  } finally {
    await relay?.relay.stop();
    await launched.stop();
    console.error = consoleError;
  }
}

/** Certifies a client library as `auth-ctk client -- node harness.ts` does: the kit plays the IdP and the API. */
async function runClientProduct(product: string, timeoutMs: number): Promise<ProductRun> {
  const expected = readExpected(product);
  const started = performance.now();
  const command = [process.execPath, join(PRODUCTS_DIR, product, 'harness.ts')];
  const outcome = await runFeatures(product, clientUnderTest(expected.product), expected, { [CLIENT_COMMAND_ENV]: JSON.stringify(command) }, timeoutMs);
  return { ...outcome, productLog: '', seconds: Number(((performance.now() - started) / 1000).toFixed(1)) };
}

/** One Cucumber child process against a described target; its verdicts from the message stream. */
async function runFeatures(
  product: string,
  description: TargetDescription,
  expected: ExpectedVerdicts,
  extraEnv: Record<string, string>,
  timeoutMs: number,
): Promise<Omit<ProductRun, 'productLog' | 'seconds'>> {
  const dir = mkdtempSync(join(tmpdir(), `ctk-product-${product}-`));
  try {
    const targetFile = join(dir, 'target.json');
    writeFileSync(targetFile, JSON.stringify(description), { mode: 0o600 });
    const reports = join(KIT_ROOT, 'reports', 'selftest');
    mkdirSync(reports, { recursive: true });
    const messages = join(reports, `product-${product}-${process.pid}.ndjson`);
    const args = [...expected.features, ...(expected.tags ? ['--tags', expected.tags] : [])];
    const { exitCode, stderr } = await runSelftestCucumber(args, messages, { AUTH_CTK_TARGET_FILE: targetFile, AUTH_CTK_FAULTS: '', ...extraEnv }, timeoutMs);
    const verdicts = computeVerdicts(readMessages(messages));
    const got = new Map<string, { verdict: string; diagnoses: string[]; reason?: string }>();
    for (const r of verdicts.requirements) {
      if (r.verdict === 'not-run') continue;
      got.set(r.requirement.id, { verdict: r.verdict, diagnoses: [...r.diagnoses], ...(r.reason ? { reason: r.reason } : {}) });
    }
    return {
      product,
      expected,
      versions: Object.fromEntries(expected.packages.map((p) => [p, packageVersion(p)])),
      got,
      runErrors: verdicts.runErrors,
      exitCode,
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every difference between the expected-verdicts file and the run, one line each; empty when they agree. */
export function differences(run: ProductRun): string[] {
  const lines: string[] = [];
  const ids = [...new Set([...Object.keys(run.expected.expected), ...run.got.keys()])].sort();
  for (const id of ids) {
    const want = run.expected.expected[id];
    const got = run.got.get(id);
    const gotVerdict = got?.verdict ?? 'not judged';
    if (typeof want === 'object' && want.kitSays && gotVerdict === want.verdict) {
      lines.push(`${id}: the kit now gives ${gotVerdict}, the clause's verdict: remove "kitSays: ${want.kitSays}" from the expected verdicts`);
      continue;
    }
    const why = got ? [...got.diagnoses, ...(got.reason ? [got.reason] : [])].join(' | ') : '';
    if (want === undefined) {
      lines.push(`${id}: got ${gotVerdict}, but the expected verdicts have no entry for it${why ? ` — ${why}` : ''}`);
      continue;
    }
    const wantVerdict = typeof want === 'string' ? want : (want.kitSays ?? want.verdict);
    if (wantVerdict === gotVerdict) continue;
    lines.push(`${id}: expected ${wantVerdict}, got ${gotVerdict}${why ? ` — ${why}` : ''}`);
  }
  return lines;
}

/**
 * Every expected non-pass names its clause and quotes the product's answer (issue 17, "Done when"); so does
 * every disagreement with the kit.
 */
export function incompleteExpectations(expected: ExpectedVerdicts): string[] {
  return Object.entries(expected.expected).flatMap(([id, e]) => {
    if (e === 'passed') return [];
    if (typeof e !== 'object' || !e.verdict) return [`${id}: expected "passed" or { verdict, clause, observed }`];
    if (e.verdict === 'passed' && !e.kitSays) return [];
    const missing = (['clause', 'observed'] as const).filter((k) => typeof e[k] !== 'string' || e[k].trim() === '');
    return missing.length > 0 ? [`${id}: a ${e.verdict} expectation without ${missing.join(' and ')}`] : [];
  });
}

/** The audience every gateway of the matrix requires: a literal of the profiles, shared by the launchers. */
export const AUDIENCE = 'https://items.example.test/api';

/** A fresh random secret per run: secrets reach the profile only as ${VAR} (the kit refuses literal ones). */
export function freshSecret(): string {
  return `s-${crypto.randomUUID()}`;
}

/** The `${VAR}`s of a stack's profile: an http(s) URL field must be one whole reference, so the URLs come whole. */
/** A port free on 127.0.0.1 right now (for a server started later, like the kit's JWKS relay). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export function stackEnv(issuer: string, gatewayBaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PRODUCT_DISCOVERY_URL: `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    PRODUCT_GATEWAY: gatewayBaseUrl,
    PRODUCT_SYSTEM_SECRET: freshSecret(),
    PRODUCT_READONLY_SECRET: freshSecret(),
    ...extra,
  };
}
