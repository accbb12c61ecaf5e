/**
 * Traceability both ways: which scenarios cover each requirement, and which tags name no requirement.
 * Reads the feature files with Cucumber's own Gherkin parser, so what is counted is what cucumber runs
 * (Scenario Outline examples become one scenario each).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
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
  readonly name: string;
  readonly line: number;
  readonly tags: readonly string[];
  readonly requirementIds: readonly string[];
}

export function featureFiles(dir = FEATURES_DIR): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...featureFiles(path));
    else if (entry.name.endsWith('.feature')) out.push(path);
  }
  return out.sort();
}

export function scenarios(dir = FEATURES_DIR): ScenarioRef[] {
  const out: ScenarioRef[] = [];
  for (const path of featureFiles(dir)) {
    const uri = relative(KIT_ROOT, path);
    const newId = IdGenerator.uuid();
    const parser = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher());
    const document = parser.parse(readFileSync(path, 'utf8'));
    if (!document.feature) continue;
    const lineOf = new Map<string, number>();
    const visit = (children: readonly { scenario?: { id: string; location: { line: number } }; rule?: { children: readonly unknown[] } }[]) => {
      for (const child of children) {
        if (child.scenario) lineOf.set(child.scenario.id, child.scenario.location.line);
        if (child.rule) visit(child.rule.children as never);
      }
    };
    visit(document.feature.children as never);
    for (const pickle of compile(document, uri, newId)) {
      const tags = pickle.tags.map((t) => t.name);
      out.push({
        uri,
        feature: document.feature.name,
        name: pickle.name,
        line: lineOf.get(pickle.astNodeIds[0] ?? '') ?? 0,
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
