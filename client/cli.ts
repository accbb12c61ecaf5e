#!/usr/bin/env node
/**
 * The reference client under the auth-ctk harness contract: `auth-ctk client --reference` runs it, or
 * `auth-ctk client -- node client/cli.ts`. Exit codes: 0 done or stopped by SIGTERM, 2 configuration error.
 */
import { contractConfig, runCalls, ContractConfigError } from './harness-contract.ts';
import { createItemsClient } from './items.ts';

try {
  const config = contractConfig();
  const client = createItemsClient(config);
  await runCalls(config, () => client.call());
  await client.close();
  process.exit(0);
} catch (error) {
  if (error instanceof ContractConfigError) {
    process.stderr.write(`reference client: ${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
