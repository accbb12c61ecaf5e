/**
 * Runs the report fixture feature in-process with Cucumber's API against a described (not started) target,
 * so the report layer's tests read real Cucumber messages without starting the reference stack.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { loadConfiguration, runCucumber, type IRunConfiguration } from '@cucumber/cucumber/api';
import { describeReferenceTarget } from '../../support/target/reference-target.ts';
import type { TargetDescription } from '../../support/target/target.ts';
import { requirements } from '../../support/requirements/catalogue.ts';
import type { Capability } from '../../support/requirements/types.ts';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
export const KIT = here('../../');
const TEMPLATE = here('./verdict-kinds.feature.tmpl');

/**
 * Requirement IDs for the template's roles, chosen by level from the current catalogue (which other work keeps
 * changing): MUST roles get MUST requirements, SHOULD roles SHOULD ones, NOT_APPLICABLE one bound to a capability.
 */
export interface FixtureIds {
  readonly PASS: string;
  readonly MUST_MISS: string;
  readonly MUST_ERROR: string;
  readonly NOT_TESTABLE: string;
  readonly BLOCKER: string;
  readonly BLOCKED: string;
  readonly BASELINED_PASS: string;
  readonly UNDEFINED: string;
  readonly LEAK: string;
  readonly SILENT_SKIP: string;
  readonly SHOULD_MISS: string;
  readonly SHOULD_ERROR: string;
  readonly NOT_APPLICABLE: string;
  /** A requirement no fixture scenario judges. */
  readonly UNJUDGED: string;
  /** Tagged on a scenario that passes without any check of it (a judge that returned early). */
  readonly RETURNED_EARLY: string;
  /** Its only check could not judge (a failed positive control). */
  readonly COULD_NOT_JUDGE: string;
  /** Judged in one scenario, not testable in another: partial coverage. */
  readonly PARTIAL: string;
  /** One check of it held, another in the same scenario could not judge: partly judged there. */
  readonly HALF_JUDGED: string;
}

export function fixtureIds(): FixtureIds & { readonly capability: Capability } {
  const must = requirements().filter((r) => r.level === 'MUST' && !r.capability).map((r) => r.id);
  const should = requirements().filter((r) => r.level === 'SHOULD' && !r.capability).map((r) => r.id);
  const bound = requirements().find((r) => r.capability !== undefined)!;
  const [PASS, MUST_MISS, MUST_ERROR, NOT_TESTABLE, BLOCKER, BLOCKED, BASELINED_PASS, UNDEFINED, LEAK, SILENT_SKIP, UNJUDGED, RETURNED_EARLY, COULD_NOT_JUDGE, PARTIAL, HALF_JUDGED] =
    must as [string, ...string[]];
  const [SHOULD_MISS, SHOULD_ERROR] = should as [string, string];
  const ids = {
    PASS, MUST_MISS, MUST_ERROR, NOT_TESTABLE, BLOCKER, BLOCKED, BASELINED_PASS, UNDEFINED, LEAK, SILENT_SKIP, UNJUDGED,
    RETURNED_EARLY, COULD_NOT_JUDGE, PARTIAL, HALF_JUDGED, SHOULD_MISS, SHOULD_ERROR, NOT_APPLICABLE: bound.id,
  };
  for (const [role, id] of Object.entries(ids)) if (!id) throw new Error(`the catalogue has too few requirements for the report fixture role ${role}`);
  return { ...(ids as FixtureIds), capability: bound.capability! };
}

/** Writes the fixture feature with the chosen IDs into `dir`; returns its path. */
export function writeFixtureFeature(dir: string, ids: FixtureIds = fixtureIds()): string {
  const text = readFileSync(TEMPLATE, 'utf8').replace(/\{\{([A-Z_]+)\}\}/g, (_, role: string) => (ids as unknown as Record<string, string>)[role]!);
  const file = join(dir, 'verdict-kinds.feature');
  writeFileSync(file, text);
  return file;
}

export const FIXTURE_STEPS = here('./steps.ts');

/** A target that answers nothing (the fixture steps send nothing) and does not claim one capability. */
export function fixtureTarget(ids = fixtureIds()): TargetDescription {
  const base = describeReferenceTarget(
    { idp: 'http://127.0.0.1:9', issuer: 'http://127.0.0.1:9', gateway: 'http://127.0.0.1:9', component: 'http://127.0.0.1:9' },
    { name: 'report fixture target' },
  );
  return { ...base, capabilities: { ...base.capabilities, [ids.capability]: false } };
}

export interface FixtureRun {
  readonly runConfiguration: IRunConfiguration;
  readonly reportsDir: string;
  readonly target: TargetDescription;
  readonly ids: FixtureIds;
  readonly feature: string;
}

export async function runFixture(dir: string, options: { tags?: string } = {}): Promise<FixtureRun> {
  const reportsDir = join(dir, 'reports');
  mkdirSync(reportsDir, { recursive: true });
  const ids = fixtureIds();
  const feature = writeFixtureFeature(dir, ids);
  const target = fixtureTarget(ids);
  const targetFile = join(dir, 'target.json');
  writeFileSync(targetFile, JSON.stringify(target), { mode: 0o600 });
  process.env.AUTH_CTK_TARGET_FILE = targetFile;
  const { runConfiguration } = await loadConfiguration(
    {
      file: false,
      provided: {
        paths: [feature],
        import: [join(KIT, 'support/world.ts'), join(KIT, 'support/hooks.ts'), FIXTURE_STEPS],
        format: [
          `message:${join(reportsDir, 'cucumber-messages.ndjson')}`,
          `html:${join(reportsDir, 'cucumber.html')}`,
          `${join(KIT, 'support/report/allure-formatter.ts')}:${join(reportsDir, '.allure-formatter.out')}`,
        ],
        formatOptions: { resultsDir: join(reportsDir, 'allure-results') },
        ...(options.tags ? { tags: options.tags } : {}),
      },
    },
    { cwd: KIT },
  );
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  await runCucumber(runConfiguration, { cwd: KIT, stdout: sink, stderr: sink });
  return { runConfiguration, reportsDir, target, ids, feature };
}
