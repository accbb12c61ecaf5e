#!/usr/bin/env node
// Launcher: auth-ctk runs on a supported Node (>= 22.18, with TypeScript type stripping). When the `node`
// on PATH is older (Debian's Node 20 on our machines), re-run this command with the Node 24 binary that the
// `node` npm dependency installed, so `npx auth-ctk` works whichever node the shell finds first. This file is
// the only code that runs on the older Node, which is why package.json's engines field says ">=20": npm warns
// about the Node that runs npm, not the one the kit runs on.
//
// The re-run is a child process, so this one stands between the caller and the kit: a signal sent to this pid
// alone (`kill -TERM`, `timeout`, a CI runner, a process manager) is passed on to the child, which stops the
// reference stack and the browser; this process then ends the way the child did.
import { spawn } from 'node:child_process';
import nodeModule, { createRequire } from 'node:module';
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
const supported = major > 22 || (major === 22 && minor >= 18);
if (supported) {
  // V8's compile cache, TypeScript's stripped output included: loading the kit costs ~2 s of CPU per process
  // without it and ~1.3 s with it, and a run starts several (the CLI, cucumber workers, the reference servers).
  // Through the environment, so every process the kit starts reuses it. NODE_COMPILE_CACHE set by the caller wins.
  if (!process.env.NODE_COMPILE_CACHE && !process.env.NODE_DISABLE_COMPILE_CACHE) {
    // (not a named import: Node 20, which only runs the re-launch below, has no enableCompileCache)
    const cache = nodeModule.enableCompileCache?.();
    if (cache?.directory) process.env.NODE_COMPILE_CACHE = cache.directory;
  }
  await import('../cli/main.ts');
} else {
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
  const child = spawn(bundled, process.argv.slice(1), { stdio: 'inherit' });
  const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  // Ctrl-C on a terminal reaches both processes (same process group); the kit's handlers take a repeat.
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of SIGNALS) process.on(signal, forward);
  child.on('error', (error) => {
    console.error(`auth-ctk: could not start the bundled Node (${bundled}): ${error.message}`);
    process.exit(2);
  });
  child.on('exit', (code, signal) => {
    for (const s of SIGNALS) process.off(s, forward);
    if (signal) {
      // End the same way, so the caller sees "killed by SIGTERM" rather than an exit code.
      process.kill(process.pid, signal);
      setTimeout(() => process.exit(128 + 1), 1_000).unref();
    } else {
      process.exit(code ?? 1);
    }
  });
}
