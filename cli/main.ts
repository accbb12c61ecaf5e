/**
 * auth-ctk command line. Exit codes: 0 certified / success, 1 not certified (a requirement failed),
 * 2 usage or configuration error.
 */
import { UsageError } from './errors.ts';

// Each command's module is loaded when that command runs: `run` alone pulls in cucumber, the report writers
// and the reference stack (~1 s of loading), which `--help`, `verify` or `list` have no use for.
type Command = (argv: string[]) => Promise<number>;
const lazy = <M>(load: () => Promise<M>, pick: (m: M) => Command): Command => async (argv) => pick(await load())(argv);

const COMMANDS: Record<string, { summary: string; run: Command }> = {
  run: { summary: 'run the conformance suite against a target (default: the embedded reference stack)', run: lazy(() => import('./run.ts'), (m) => m.runCommand) },
  merge: { summary: 'combine the shard folders of "run --shard i/n" into one run\'s reports and one certificate', run: lazy(() => import('./merge.ts'), (m) => m.mergeCommand) },
  report: { summary: 'generate the Allure report (offline) from the last run, carrying its history', run: lazy(() => import('./report.ts'), (m) => m.reportCommand) },
  verify: { summary: 'check a signed certificate (signature, content, kit version)', run: lazy(() => import('./verify.ts'), (m) => m.verifyCommand) },
  baseline: { summary: "write a starting known-deviation baseline from the last run's failures", run: lazy(() => import('./baseline.ts'), (m) => m.baselineCommand) },
  client: { summary: 'certify how a client (an integration) handles its tokens: the kit plays IdP and API', run: lazy(() => import('./client.ts'), (m) => m.clientCommand) },
  serve: { summary: 'start the reference stack and print its URLs and test credentials', run: lazy(() => import('./serve.ts'), (m) => m.serveCommand) },
  list: { summary: 'list features and scenarios with their requirement tags', run: lazy(() => import('./list.ts'), (m) => m.listCommand) },
  requirements: { summary: 'print the requirement catalogue with the scenarios that cover each', run: lazy(() => import('./list.ts'), (m) => m.requirementsCommand) },
  faults: { summary: 'list the named faults the reference can be started with (kit self-test)', run: lazy(() => import('./list.ts'), (m) => m.faultsCommand) },
  cleanup: { summary: 'remove containers and networks the containers target left behind', run: lazy(() => import('./cleanup.ts'), (m) => m.cleanupCommand) },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)}${c.summary}`);
  return `usage: auth-ctk <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n"auth-ctk <command> --help" shows a command's options.\nexit codes: 0 certified, 1 not certified, 2 usage or configuration error`;
}

async function main(argv: string[]): Promise<number> {
  const name = argv[0];
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return 0;
  }
  if (name === undefined) {
    console.error(usage());
    return 2;
  }
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command "${name}" ("auth-ctk --help" lists the commands)`);
  try {
    return await command.run(argv.slice(1));
  } catch (error) {
    // node:util parseArgs: an unknown option, a missing value... say it in one line, with where to look.
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      const message = (error as Error).message.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
      throw new UsageError(`${name}: ${message} ("auth-ctk ${name} --help" lists the options)`);
    }
    throw error;
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    // One line on stderr, exit 2: a usage error is the caller's to fix, not a crash to debug.
    console.error(`auth-ctk: ${error.message.split('\n').join(' ')}`);
    process.exitCode = 2;
  } else {
    console.error(error);
    process.exitCode = 2;
  }
}
