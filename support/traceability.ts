/**
 * Traceability both ways: which scenarios cover each requirement, and which tags name no requirement.
 * Reads the feature files with Cucumber's own Gherkin parser, so what is counted is what cucumber runs
 * (Scenario Outline examples become one scenario each).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { requirements, type Requirement } from './requirements/catalogue.ts';

export const KIT_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const FEATURES_DIR = join(KIT_ROOT, 'features');

export interface ScenarioRef {
  /** features/x.feature */
  readonly uri: string;
  readonly feature: string;
  /** The compiled name (outline examples substituted). */
  readonly name: string;
  /** The Scenario (Outline) name as written; differs from `name` for outline examples. */
  readonly scenarioName: string;
  readonly line: number;
  readonly tags: readonly string[];
  readonly requirementIds: readonly string[];
}

/** Every .feature file under `dir`, as sorted POSIX paths relative to the kit root (none when `dir` is missing). */
export function featureFiles(dir = FEATURES_DIR): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.feature')) found.push(relative(KIT_ROOT, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return found.sort();
}

/** The scenarios of the given feature files (default: the kit's), outlines expanded as cucumber runs them. */
export function scenarios(files = featureFiles()): ScenarioRef[] {
  const out: ScenarioRef[] = [];
  for (const uri of files) {
    const newId = IdGenerator.uuid();
    const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
    const document = parser.parse(readFileSync(join(KIT_ROOT, uri), 'utf8'));
    if (!document.feature) continue;
    const written = new Map<string, { name: string; line: number }>();
    for (const child of document.feature.children.flatMap((c) => (c.rule ? c.rule.children : [c]))) {
      if (child.scenario) written.set(child.scenario.id, { name: child.scenario.name, line: child.scenario.location.line });
    }
    for (const pickle of compile(document, uri, newId)) {
      const tags = pickle.tags.map((t) => t.name);
      const scenario = written.get(pickle.astNodeIds[0] ?? '');
      out.push({
        uri,
        feature: document.feature.name,
        name: pickle.name,
        scenarioName: scenario?.name ?? pickle.name,
        line: scenario?.line ?? 0,
        tags,
        requirementIds: tags.filter((t) => t.startsWith('@REQ-')).map((t) => t.slice(1)),
      });
    }
  }
  return out;
}

export interface TraceabilityReport {
  readonly coverage: ReadonlyMap<string, readonly ScenarioRef[]>;
  readonly uncovered: readonly Requirement[];
  readonly unknownTags: readonly { readonly tag: string; readonly scenario: ScenarioRef }[];
  readonly untagged: readonly ScenarioRef[];
}

export function traceability(all = scenarios()): TraceabilityReport {
  const known = new Set(requirements().map((r) => r.id));
  const coverage = new Map<string, ScenarioRef[]>(requirements().map((r) => [r.id, []]));
  const unknownTags: { tag: string; scenario: ScenarioRef }[] = [];
  const untagged: ScenarioRef[] = [];
  for (const scenario of all) {
    if (scenario.requirementIds.length === 0) untagged.push(scenario);
    for (const id of scenario.requirementIds) {
      if (known.has(id)) coverage.get(id)!.push(scenario);
      else unknownTags.push({ tag: `@${id}`, scenario });
    }
  }
  const uncovered = requirements().filter((r) => coverage.get(r.id)!.length === 0);
  return { coverage, uncovered, unknownTags, untagged };
}
