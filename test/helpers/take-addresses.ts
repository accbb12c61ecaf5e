/** A worker thread of test/load.test.ts: takes source addresses over the shared cursor until none is left. */
import { parentPort, workerData } from 'node:worker_threads';
import { SourceAddressAllocator, sharedAddressCursor } from '../../support/load/source-addresses.ts';

const { buffer, pool } = workerData as { buffer: SharedArrayBuffer; pool: string[] };
const allocator = new SourceAddressAllocator(pool, sharedAddressCursor('t|token', buffer));
const taken: string[] = [];
for (let address = allocator.allocate(); address !== undefined; address = allocator.allocate()) taken.push(address);
parentPort!.postMessage(taken);
