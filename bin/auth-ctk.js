#!/usr/bin/env node
// Launcher: auth-ctk runs on a supported Node (>= 22.18, with TypeScript type stripping). When the `node`
// on PATH is older (Debian's Node 20 on our machines), re-run this command with the Node 24 binary that the
// `node` npm dependency installed, so `npx auth-ctk` works whichever node the shell finds first.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);
if (!supported) {
  const require = createRequire(import.meta.url);
  let bundled;
  try {
    bundled = require.resolve('node/bin/node');
  } catch {
    bundled = undefined;
  }
  if (!bundled || !existsSync(bundled)) {
    console.error(`auth-ctk needs Node >= 22.18 (this is ${process.version}); run "npm ci" to install the bundled Node 24.`);
    process.exit(2);
  }
  const result = spawnSync(bundled, process.argv.slice(1), { stdio: 'inherit' });
  process.exit(result.status ?? (result.signal ? 128 + 1 : 1));
}
await import('../cli/main.ts');
