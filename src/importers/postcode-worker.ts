// The postcode bulk load's reading half, in a worker thread (started by postcode-batches.ts): it reads, checks and
// turns the file into COPY batches on the second core while the main thread, where embedded PGlite runs, COPYs.
// It posts a batch only while it holds a credit, and the main thread gives one back per batch written, so at
// most `queued` batches wait between the two threads.
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError } from './csv.ts';
import { postcodeCopyBatches, type ReadCounts } from './postcode-rows.ts';
import type { FromReader, ReaderData } from './postcode-batches.ts';

const port = parentPort!;
const { file, batchRows, queued } = workerData as ReaderData;
let credits = queued;
let wake: (() => void) | null = null;
port.on('message', () => {
  credits++;
  wake?.();
});

const post = (message: FromReader, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
const counts: ReadCounts = { rowsRead: 0, skipped: {} };
try {
  for await (const batch of postcodeCopyBatches(file, counts, batchRows)) {
    while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
    credits--;
    post({ type: 'batch', rows: batch.rows, data: batch.data }, [batch.data.buffer as ArrayBuffer]);
  }
  post({ type: 'done', counts });
} catch (err) {
  post({ type: 'failed', message: err instanceof Error ? err.message : String(err), importError: err instanceof ImportError });
}
// Nothing more to hear: let the thread end.
port.removeAllListeners('message');
