import { parseArgs } from 'node:util';
import { ReferenceStack } from '../reference/stack.ts';
import { describeReferenceTarget } from '../support/target/reference-target.ts';

const HELP = `usage: auth-ctk serve [--faults a,b]

Starts the reference stack (IdP, gateway, component) on 127.0.0.1 and prints its URLs and the test
credentials from fixtures/reference/stack.json, for manual exploration. Ctrl-C stops it.`;

export async function serveCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { faults: { type: 'string', default: '' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const faults = values.faults.split(',').filter(Boolean);
  const stack = await ReferenceStack.start({ faults });
  const t = describeReferenceTarget(stack.urls, { faults });
  console.log(`IdP        ${stack.urls.idp}   (discovery: ${t.discoveryUrl})`);
  console.log(`token      ${t.tokenEndpoint}`);
  console.log(`gateway    ${stack.urls.gateway}   (protected: ${t.gateway.routes.protected}, public: ${t.gateway.routes.public})`);
  console.log(`component  ${stack.urls.component}`);
  console.log(`test clients and users (published TEST FIXTURES, fixtures/reference/stack.json):`);
  for (const [role, c] of Object.entries(t.clients)) if (c) console.log(`  ${role.padEnd(20)} ${c.clientId} / ${c.clientSecret}`);
  for (const u of t.users) console.log(`  user ${u.username.padEnd(15)} ${u.password} (customer ${u.customerId})`);
  if (faults.length) console.log(`faults: ${faults.join(', ')}`);
  console.log('Ctrl-C stops the stack.');
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await stack.stop();
  return 0;
}
