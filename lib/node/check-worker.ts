/**
 * A worker of the `checkManifests` pool: checks the files of each request it is sent and
 * answers with the request's id, so the results reach the call that asked for them.
 */
import { parentPort } from 'node:worker_threads';
import { type CheckReply, type CheckRequest, type CheckResult, checkOne } from './batch.js';

parentPort!.on('message', (request: CheckRequest) => {
  void (async () => {
    try {
      const results: CheckResult[] = [];
      for (const path of request.paths) results.push(await checkOne(path, request.options));
      parentPort!.postMessage({ id: request.id, results } satisfies CheckReply);
    } catch (error) {
      // checkOne turns a failure into a diagnostic, so this is a bug (or results that
      // cannot be sent): the call that asked fails with it, and the thread stays up for
      // the others.
      const message = error instanceof Error ? error.message : String(error);
      parentPort!.postMessage({ id: request.id, error: message } satisfies CheckReply);
    }
  })();
});
