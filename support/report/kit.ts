/**
 * What identifies the kit that judged a target: its version and the exact feature set it ran (a hash over
 * every .feature file and the requirement catalogue). Both go into the certificate; `auth-ctk verify` refuses
 * a certificate whose kit version differs from its own.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AstBuilder, GherkinClassicTokenMatcher, Parser, compile } from '@cucumber/gherkin';
import { IdGenerator } from '@cucumber/messages';
import { requirements } from '../requirements/catalogue.ts';

/** The kit's root folder (where package.json and features/ live), whatever the working directory. */
export const KIT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let version: string | undefined;
export function kitVersion(): string {
  version ??= (JSON.parse(readFileSync(join(KIT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}

/** Every .feature file under `dir`, as sorted POSIX paths relative to the kit root. */
export function featureFiles(dir = join(KIT_ROOT, 'features')): string[] {
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

/**
 * sha256 over the feature set: each feature file's relative path and bytes, then the requirement catalogue as
 * JSON (IDs, levels, clauses, profiles). A change to any scenario or any requirement's grading changes it.
 */
export function featureSetHash(files = featureFiles()): string {
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`feature ${file}\0`);
    hash.update(readFileSync(join(KIT_ROOT, file)));
    hash.update('\0');
  }
  hash.update('catalogue\0');
  hash.update(JSON.stringify(requirements()));
  return `sha256:${hash.digest('hex')}`;
}

/** Scenario names of the suite (as written, and as compiled for outline examples), for baseline validation. */
export function scenarioNames(files = featureFiles()): Map<string, string[]> {
  const names = new Map<string, string[]>();
  const add = (name: string, where: string) => {
    const list = names.get(name) ?? [];
    if (!list.includes(where)) list.push(where);
    names.set(name, list);
  };
  for (const file of files) {
    const newId = IdGenerator.incrementing();
    const doc = new Parser(new AstBuilder(newId), new GherkinClassicTokenMatcher()).parse(readFileSync(join(KIT_ROOT, file), 'utf8'));
    for (const pickle of compile({ ...doc, uri: file }, file, newId)) {
      add(pickle.name, file);
      const scenario = doc.feature?.children
        .flatMap((c) => (c.rule ? c.rule.children : [c]))
        .find((c) => c.scenario?.id === pickle.astNodeIds[0])?.scenario;
      if (scenario && scenario.name !== pickle.name) add(scenario.name, file);
    }
  }
  return names;
}
