/**
 * The third-party product matrix (issue 17): each product in test/products/ is started on loopback, the kit
 * runs its features against it through the product's own target profile, and the verdicts per requirement
 * must be those of its expected-verdicts file — derived from the clauses, each non-pass citing the clause and
 * quoting the product's answer. A client library (a folder with harness.ts) is certified as `auth-ctk client`
 * certifies one. One product at a time (one Cucumber run at a time on a 2-core machine).
 * `npm run docs:matrix` (AUTH_CTK_WRITE_DOCS=1) also writes the README table from these runs.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { PRODUCTS_DIR, differences, incompleteExpectations, isClientProduct, readExpected, runProduct, type ProductRun } from './products/matrix.ts';
import { writeMatrixIntoReadme } from './products/table.ts';

const products = readdirSync(PRODUCTS_DIR, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(PRODUCTS_DIR, d.name, 'expected-verdicts.yaml')))
  .map((d) => d.name)
  .sort();
/**
 * AUTH_CTK_ONLY_PRODUCTS=a,b runs only those products (one product's run is a minute or two; the whole matrix
 * several). The folder checks still cover every product; `npm run docs:matrix` then rewrites those products' rows
 * of the README table only.
 */
const only = (process.env.AUTH_CTK_ONLY_PRODUCTS ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
const unknown = only.filter((p) => !products.includes(p));
if (unknown.length > 0) throw new Error(`AUTH_CTK_ONLY_PRODUCTS names no product folder: ${unknown.join(', ')} (known: ${products.join(', ')})`);
const selected = only.length > 0 ? products.filter((p) => only.includes(p)) : products;
const runs: ProductRun[] = [];

test('every product folder has a launcher and a profile (or a client harness), a README and complete expectations', () => {
  // Issue 17: at least two IdPs and three gateways that nobody here wrote.
  const roles = products.map((p) => readExpected(p).role);
  assert.ok(roles.filter((r) => /IdP/.test(r)).length >= 2, `expected at least two IdPs, found roles ${roles.join('; ')}`);
  assert.ok(roles.filter((r) => /gateway|resource server/.test(r)).length >= 3, `expected at least three gateways, found roles ${roles.join('; ')}`);
  for (const product of products) {
    const files = isClientProduct(product) ? ['harness.ts', 'README.md'] : ['launch.ts', 'profile.yaml', 'README.md'];
    for (const file of files) assert.ok(existsSync(join(PRODUCTS_DIR, product, file)), `${product}/${file} is missing`);
    assert.deepEqual(incompleteExpectations(readExpected(product)), [], `${product}/expected-verdicts.yaml`);
  }
});

for (const product of selected) {
  test(`${product}: the kit's verdicts are the expected ones`, { timeout: 180_000 }, async () => {
    const run = await runProduct(product);
    runs.push(run);
    const logs = `kit (stderr):\n${run.stderr}\nproduct log:\n${run.productLog}`;
    assert.deepEqual(run.runErrors, [], `${product}: the run itself failed:\n${logs}`);
    assert.ok(run.got.size > 0, `${product}: no requirement was judged (exit ${run.exitCode}):\n${logs}`);
    const diff = differences(run);
    assert.deepEqual(diff, [], `${product}: the kit's verdicts differ from test/products/${product}/expected-verdicts.yaml:\n  ${diff.join('\n  ')}`);
  });
}

after(() => {
  if (process.env.AUTH_CTK_WRITE_DOCS !== '1' || runs.length !== selected.length) return;
  // A run of some products (AUTH_CTK_ONLY_PRODUCTS) rewrites their rows only; a full run writes the whole table.
  if (selected.length === products.length) writeMatrixIntoReadme(runs);
  else writeMatrixIntoReadme(runs, products);
});
