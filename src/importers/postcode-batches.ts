// The postcode bulk load's batches, read in a worker thread (postcode-worker.ts). Embedded PGlite runs its COPY on
// the main thread, so reading the file there too put the two one after the other; in a worker they overlap.
import { Worker } from 'node:worker_threads';
import { ImportError } from './csv.ts';
import type { CopyBatch, ReadCounts } from './postcode-rows.ts';
import { skip } from './report.ts';

/** What the worker is started with. */
export interface ReaderData {
  file: string;
  batchRows: number;
  /** Batches the worker may post before the first is written: the bound on memory. */
  queued: number;
}

/** What the worker posts. */
export type FromReader =
  | ({ type: 'batch' } & CopyBatch)
  | { type: 'done'; counts: ReadCounts }
  | { type: 'failed'; message: string; importError: boolean };

/**
 * What postcodeCopyBatches(file, counts, batchRows) gives, read in a worker thread: the same batches in the same
 * order, the same counts added to `counts` at the end, the same errors (an ImportError naming the line). Each
 * batch taken lets the worker post one more, so at most `queued` batches wait; stopping early ends the worker.
 */
export async function* postcodeCopyBatchesInWorker(file: string, counts: ReadCounts, batchRows: number, queued = 2): AsyncGenerator<CopyBatch> {
  const data: ReaderData = { file, batchRows, queued };
  const worker = new Worker(new URL('./postcode-worker.ts', import.meta.url), { workerData: data });
  const inbox: FromReader[] = [];
  let stopped: Error | null = null;
  let wake: (() => void) | null = null;
  worker.on('message', (message: FromReader) => {
    inbox.push(message);
    wake?.();
  });
  worker.on('error', (err) => {
    stopped ??= err;
    wake?.();
  });
  worker.on('exit', (code) => {
    stopped ??= new Error(`the postcode reader stopped before the end of the file (exit code ${code})`);
    wake?.();
  });
  try {
    for (;;) {
      while (inbox.length === 0 && stopped === null) await new Promise<void>((resolve) => (wake = resolve));
      const message = inbox.shift();
      if (!message) throw stopped!;
      if (message.type === 'failed') throw message.importError ? new ImportError(message.message) : new Error(message.message);
      if (message.type === 'done') {
        counts.rowsRead += message.counts.rowsRead;
        for (const [reason, n] of Object.entries(message.counts.skipped)) skip(counts, reason, n);
        return;
      }
      yield { rows: message.rows, data: message.data };
      worker.postMessage('more');
    }
  } finally {
    await worker.terminate();
  }
}
