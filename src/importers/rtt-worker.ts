// Reads an RTT full extract in a worker thread (started by readRttInWorker in rtt.ts): two seconds of parsing that
// would otherwise hold up the main thread, where embedded PGlite and the requests run.
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError } from './csv.ts';
import { type FromRttReader, readRtt } from './rtt.ts';

const port = parentPort!;
const post = (message: FromRttReader) => port.postMessage(message);
try {
  post({ type: 'done', read: await readRtt((workerData as { file: string }).file) });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err), importError: err instanceof ImportError });
}
