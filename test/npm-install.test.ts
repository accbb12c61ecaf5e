/**
 * `npm ci` on a bare machine: quiet, and running only the install scripts the kit has reviewed. npm (11.x) runs a
 * dependency's install scripts only where package.json's allowScripts approves them (today it still warns and
 * runs them; the documented default is to skip). The kit needs one: node@24's preinstall, which installs the Node
 * the kit runs on. The others (cpu-features and ssh2 build optional native code for SSH Docker hosts, protobufjs
 * checks its version) are denied: nothing the kit does uses them, and a build that needs a compiler is avoided.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';

const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'];

interface PackageJson {
  readonly name?: string;
  readonly scripts?: Record<string, string>;
  readonly allowScripts?: Record<string, boolean>;
  readonly gypfile?: boolean;
}

const readJson = (file: string): PackageJson => JSON.parse(readFileSync(file, 'utf8')) as PackageJson;

/** Every installed package (nested ones included) that has an install script, by name. */
function packagesWithInstallScripts(dir: string, found = new Set<string>()): Set<string> {
  if (!existsSync(dir)) return found;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      packagesWithInstallScripts(path, found);
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const pkg = readJson(manifest);
      // npm runs `node-gyp rebuild` for a package with a binding.gyp and no install script of its own.
      const implicitGyp = pkg.gypfile !== false && existsSync(join(path, 'binding.gyp')) && !pkg.scripts?.install && !pkg.scripts?.preinstall;
      if (pkg.name && (INSTALL_SCRIPTS.some((s) => pkg.scripts?.[s]) || implicitGyp)) found.add(pkg.name);
    }
    packagesWithInstallScripts(join(path, 'node_modules'), found);
  }
  return found;
}

test('every installed package with an install script is approved or denied in package.json allowScripts', () => {
  const allow = readJson(join(KIT_ROOT, 'package.json')).allowScripts ?? {};
  const reviewed = new Set(Object.keys(allow).map((key) => key.replace(/(.)@.*$/, '$1')));
  const unreviewed = [...packagesWithInstallScripts(join(KIT_ROOT, 'node_modules'))].filter((name) => !reviewed.has(name)).sort();
  assert.deepEqual(unreviewed, [], 'review these packages\' install scripts: `npm install-scripts approve <pkg>` or `npm install-scripts deny <pkg>`');
});

test('the one install script the kit needs is approved: node@24 installs the Node the kit runs on', () => {
  const allow = readJson(join(KIT_ROOT, 'package.json')).allowScripts ?? {};
  assert.equal(allow.node, true);
});

test('npm ci prints no warnings about the machine\'s older Node: the project .npmrc keeps npm at loglevel=error', () => {
  const npmrc = readFileSync(join(KIT_ROOT, '.npmrc'), 'utf8');
  assert.match(npmrc, /^loglevel=error$/m);
});
