import { parseArgs } from 'node:util';
import { existsSync, readFileSync } from 'node:fs';
import { verifyCertificate } from '../support/report/certificate.ts';
import { ReportInputError } from '../support/report/errors.ts';
import { featureSetHash, kitVersion } from '../support/report/kit.ts';
import { loadVerificationKey } from '../support/report/signing-key.ts';
import { UsageError } from './errors.ts';

const HELP = `usage: auth-ctk verify <certificate.json> [--key <jwk file>]

Checks a certificate written by "auth-ctk run": the JWS signature, that the readable content is exactly what
was signed (one altered byte fails), that it was issued by this kit version and feature set, and that its
profile results and overall result follow from its own verdicts.

options:
  --key <file>   the issuer's key (public or private JWK): the certificate must be signed with it.
                 Without it the key embedded in the certificate is used, which proves integrity, not origin.
  --quiet        print only problems
  -h, --help     this text

exit codes: 0 valid, 1 invalid (altered, wrong key, other kit version or feature set), 2 usage error`;

export async function verifyCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { key: { type: 'string' }, quiet: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`verify takes one certificate file\n\n${HELP}`);
  const file = positionals[0]!;
  if (!existsSync(file)) throw new UsageError(`certificate ${file} does not exist (a run writes reports/certificate.json)`);
  let trustedKey;
  try {
    trustedKey = values.key ? await loadVerificationKey(values.key) : undefined;
  } catch (error) {
    if (error instanceof ReportInputError) throw new UsageError(error.message);
    throw error;
  }
  const result = await verifyCertificate(readFileSync(file), {
    kitVersion: kitVersion(),
    featureSetHash: featureSetHash(),
    ...(trustedKey ? { trustedKey } : {}),
  });
  if (!result.ok) {
    console.error(`auth-ctk verify: INVALID ${file}`);
    for (const p of result.problems) console.error(`  - ${p}`);
    return 1;
  }
  const c = result.certificate!;
  if (!values.quiet) {
    console.log(`auth-ctk verify: VALID ${file}`);
    console.log(`  ${c.result.status} — ${c.target?.name ?? 'unknown target'}, issued ${c.issuedAt} by auth-ctk ${c.kit.version}`);
    console.log(`  signed ${trustedKey ? 'with the trusted key' : 'with the key embedded in it'}, thumbprint ${result.kid}`);
    for (const n of result.notes) console.log(`  note: ${n}`);
  }
  return 0;
}
