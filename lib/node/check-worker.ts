/** A worker of the `checkManifests` pool: checks the batches of files it is sent. */
import { parentPort } from 'node:worker_threads';
import { type CheckOptions, type CheckResult, checkOne } from './batch.js';

parentPort!.on('message', (message: { start: number; paths: string[]; options: CheckOptions }) => {
  void (async () => {
    const results: CheckResult[] = [];
    for (const path of message.paths) results.push(await checkOne(path, message.options));
    parentPort!.postMessage({ start: message.start, results });
  })();
});
