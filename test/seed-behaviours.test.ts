/**
 * README's per-seed table is the catalogue's, both ways: every requirement that cites a seed is listed under one
 * of that seed's sentences, every listed ID exists, and the table in README is what `--by-seed` renders now.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { requirement } from '../support/requirements/catalogue.ts';
import { SEED_BEHAVIOURS, citedSeeds, seedCoverageMarkdown, unplacedRequirements } from '../support/requirements/seed-behaviours.ts';

test('every requirement citing a seed is listed under a sentence of that seed', () => {
  assert.deepEqual(unplacedRequirements(), []);
});

test('every requirement a seed sentence lists is in the catalogue, and a sentence without one says why or is open', () => {
  for (const row of SEED_BEHAVIOURS) {
    for (const id of row.checkedBy) assert.doesNotThrow(() => requirement(id), `${id} (seed ${row.seed}) is not in the catalogue`);
    if (row.noCheck !== undefined) assert.equal(row.checkedBy.length, 0, `seed ${row.seed} "${row.words}" has checks and a noCheck reason`);
  }
});

test('citedSeeds reads single and listed seed citations', () => {
  assert.deepEqual(citedSeeds('RFC 6749 §5.1; seed 001 (x)'), ['001']);
  assert.deepEqual(citedSeeds('seed 000 (a); seed 003 (b)'), ['000', '003']);
  assert.deepEqual(citedSeeds('seeds 000, 003, 004'), ['000', '003', '004']);
  assert.deepEqual(citedSeeds('RFC 6585 §4'), []);
});

test("README's per-seed table is the one the catalogue renders now", () => {
  const path = join(KIT_ROOT, 'README.md');
  const readme = readFileSync(path, 'utf8');
  const found = /<!-- seed-coverage:begin -->\n([\s\S]*?)<!-- seed-coverage:end -->/.exec(readme);
  assert.ok(found, 'README has no seed-coverage block');
  // npm run docs:seeds (AUTH_CTK_WRITE_DOCS=1) writes the table, as docs:matrix writes the product table.
  if (process.env.AUTH_CTK_WRITE_DOCS === '1') writeFileSync(path, readme.replace(found[1]!, seedCoverageMarkdown()));
  else assert.equal(found[1], seedCoverageMarkdown(), 'README per-seed table is stale: run npm run docs:seeds');
});
