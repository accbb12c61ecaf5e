/**
 * `auth-ctk client`: certify how a client (an integration) handles its tokens. The kit plays the IdP and
 * the API for the client command, runs features/client-behaviour.feature, and writes the same reports and
 * certificate as `auth-ctk run`, certifying profile "client".
 */
import { parseArgs } from 'node:util';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { KIT_ROOT } from '../support/traceability.ts';
import { runCucumber } from '@cucumber/cucumber/api';
import { checkTagExpression, cucumberConfiguration } from './cucumber-options.ts';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.ts';
import { prepareRun, REPORT_HELP, REPORT_OPTIONS } from '../support/report/finish.ts';
import { ReportInputError } from '../support/report/errors.ts';
import { CLIENT_COMMAND_ENV } from '../support/client-harness/contract.ts';
import { CLIENT_CLAIMS, clientUnderTest, type ClientClaim } from '../support/client-harness/target.ts';

export const REFERENCE_CLIENT = join(KIT_ROOT, 'client', 'cli.ts');

const HELP = `usage: auth-ctk client [options] -- <command> [args...]
       auth-ctk client --reference [options]
       auth-ctk client --client-profile <file> [options]

Certifies how a client handles its tokens (seed 001: renewal at 80-90% of expires_in, one new token on
401 invalid_token, none on 403/400, no loop on a bare 401, Retry-After, back-off while its IP is blocked,
no retries after invalid_client; seed 002: cache while the IdP or the API is down). The kit plays the
IdP and the API on 127.0.0.1 and starts the command with AUTH_TOKEN_URL, AUTH_API_URL, AUTH_CLIENT_ID,
AUTH_CLIENT_SECRET, AUTH_CTK_CALLS, AUTH_CTK_INTERVAL_MS; the client calls GET $AUTH_API_URL/items and prints
one JSON line per call: {"call":1,"source":"api"|"cache"|"error","status":200}. See README, "Certifying a client".

options:
  --reference             certify the kit's reference client (client/cli.ts, run with this Node)
  --client-profile <file> YAML: name, command (a list: program and arguments), cwd (optional, relative to the
                          file), claims (optional, as --claims)
  --name <text>           the client's name in the reports (default: the command)
  --claims <a,b>          what the client claims beyond seed 001: offline-cache (seed 002: it serves calls from
                          default caches while the IdP or API is down; unclaimed, REQ-CLI-14/-20 do not apply).
                          --reference claims it; a client profile says claims: [offline-cache]
  --tags <expr>           only some of the client scenarios, e.g. "@REQ-CLI-07 or @REQ-CLI-08"
  --cucumber-profile <p>  cucumber profile from cucumber.mjs (default: "ci" when CI is set, else "default")
${REPORT_HELP.replace(/(--profile <a,b>\s+certification profiles to certify: [^\n]*\n\s+)\(default: [^)]*\)/, '$1(default here: client)')}
  -h, --help              this text

exit codes: 0 certified, 1 not certified, 2 usage or configuration error`;

interface ClientSpec {
  readonly name: string;
  readonly command: string[];
  readonly cwd?: string;
  readonly claims?: readonly ClientClaim[];
}

function claimsOf(value: unknown, where: string): ClientClaim[] {
  const list = typeof value === 'string' ? value.split(',').map((c) => c.trim()).filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) throw new UsageError(`${where}: claims must be a list, e.g. [offline-cache]`);
  const unknown = list.filter((c) => !(CLIENT_CLAIMS as readonly string[]).includes(c));
  if (unknown.length) throw new UsageError(`${where}: unknown claim(s) ${unknown.join(', ')} (known: ${CLIENT_CLAIMS.join(', ')})`);
  return list as ClientClaim[];
}

function fromProfile(file: string): ClientSpec {
  if (!existsSync(file)) throw new UsageError(`client profile ${file} does not exist`);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`client profile ${file} is not valid YAML: ${(error as Error).message}`);
  }
  const d = (doc ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(d).filter((k) => !['name', 'command', 'cwd', 'claims'].includes(k));
  if (unknown.length) throw new UsageError(`client profile ${file}: unknown key(s) ${unknown.join(', ')} (allowed: name, command, cwd, claims)`);
  if (!Array.isArray(d.command) || d.command.length === 0 || !d.command.every((p) => typeof p === 'string' && p.length > 0)) {
    throw new UsageError(`client profile ${file}: command must be a list of strings, e.g. [node, client/cli.ts]`);
  }
  if (d.cwd !== undefined && typeof d.cwd !== 'string') throw new UsageError(`client profile ${file}: cwd must be a path`);
  const command = d.command as string[];
  return {
    name: typeof d.name === 'string' ? d.name : command.join(' '),
    command,
    cwd: resolve(dirname(file), (d.cwd as string | undefined) ?? '.'),
    ...(d.claims !== undefined ? { claims: claimsOf(d.claims, `client profile ${file}`) } : {}),
  };
}

export async function clientCommand(argv: string[]): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  const { values, positionals } = parseArgs({
    args: own,
    options: {
      reference: { type: 'boolean' },
      'client-profile': { type: 'string' },
      name: { type: 'string' },
      claims: { type: 'string' },
      tags: { type: 'string' },
      'cucumber-profile': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      ...REPORT_OPTIONS,
    },
    allowPositionals: true,
    allowNegative: true,
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected "${positionals.join(' ')}": put the client command after "--"`);
  const sources = [values.reference ? 1 : 0, values['client-profile'] ? 1 : 0, command.length ? 1 : 0].reduce((a, b) => a + b, 0);
  if (sources !== 1) throw new UsageError('name the client under test one way: "-- <command...>", --reference, or --client-profile <file>');
  const spec: ClientSpec = values.reference
    ? { name: 'auth-ctk reference client', command: [process.execPath, REFERENCE_CLIENT], claims: ['offline-cache'] as const }
    : values['client-profile']
      ? fromProfile(values['client-profile'])
      : { name: command.join(' '), command };

  checkTagExpression(values.tags);
  const profile = values['cucumber-profile'] ?? (process.env.CI ? 'ci' : 'default');
  const tags = values.tags ? `@client and (${values.tags})` : '@client';
  const runConfiguration = await cucumberConfiguration(profile, { tags });
  const reporting = await prepareRun({ ...values, profile: values.profile ?? 'client' }).catch((error: unknown) => {
    throw error instanceof ReportInputError ? new UsageError(error.message) : error;
  });
  mkdirSync('reports', { recursive: true });
  const claims = values.claims !== undefined ? claimsOf(values.claims, '--claims') : (spec.claims ?? []);
  const target = clientUnderTest(values.name ?? spec.name, claims);
  const dir = mkdtempSync(join(tmpdir(), 'auth-ctk-client-'));
  const targetFile = join(dir, 'target.json');
  writeFileSync(targetFile, JSON.stringify(target), { mode: 0o600 });
  process.env.AUTH_CTK_TARGET_FILE = targetFile;
  process.env[CLIENT_COMMAND_ENV] = JSON.stringify(spec.command);
  if (spec.cwd) process.env.AUTH_CTK_CLIENT_CWD = spec.cwd;
  else delete process.env.AUTH_CTK_CLIENT_CWD;
  try {
    console.log(`auth-ctk: certifying the client "${target.name}" (the kit plays the IdP and the API on 127.0.0.1)`);
    await runCucumber(runConfiguration);
    return await reporting.finish({ runConfiguration, target });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
