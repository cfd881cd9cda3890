// The postcode bulk load's batches, read in a worker thread (postcode-worker.ts). Embedded PGlite runs its COPY on
// the main thread, so reading the file there too put the two one after the other; in a worker they overlap.
import { Worker } from 'node:worker_threads';
import { ImportError } from './csv.ts';
import type { CsvBatch, ReadCounts } from './postcode-rows.ts';
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
  | ({ type: 'batch' } & CsvBatch)
  | { type: 'done'; counts: ReadCounts }
  | { type: 'failed'; message: string; importError: boolean };

/** A worker reading a postcode file, started at once; its batches are taken once. */
export class PostcodeReading {
  readonly file: string;
  readonly batchRows: number;
  readonly #worker: Worker;
  readonly #inbox: FromReader[] = [];
  #stopped: Error | null = null;
  #wake: (() => void) | null = null;

  constructor(file: string, batchRows: number, queued = 2) {
    this.file = file;
    this.batchRows = batchRows;
    const data: ReaderData = { file, batchRows, queued };
    this.#worker = new Worker(new URL('./postcode-worker.ts', import.meta.url), { workerData: data });
    this.#worker.on('message', (message: FromReader) => {
      this.#inbox.push(message);
      this.#wake?.();
    });
    this.#worker.on('error', (err) => {
      this.#stopped ??= err;
      this.#wake?.();
    });
    this.#worker.on('exit', (code) => {
      this.#stopped ??= new Error(`the postcode reader stopped before the end of the file (exit code ${code})`);
      this.#wake?.();
    });
  }

  /** A reading nobody has taken yet does not keep the process alive. */
  unref(): void {
    this.#worker.unref();
  }

  /**
   * What postcodeCsvBatches(file, counts, batchRows) gives: the same batches in the same order, the same counts
   * added to `counts` at the end, the same errors (an ImportError naming the line). Each batch taken lets the
   * worker post one more; stopping early ends the worker.
   */
  async *batches(counts: ReadCounts): AsyncGenerator<CsvBatch> {
    this.#worker.ref();
    try {
      for (;;) {
        while (this.#inbox.length === 0 && this.#stopped === null) await new Promise<void>((resolve) => (this.#wake = resolve));
        const message = this.#inbox.shift();
        if (!message) throw this.#stopped!;
        if (message.type === 'failed') throw message.importError ? new ImportError(message.message) : new Error(message.message);
        if (message.type === 'done') {
          counts.rowsRead += message.counts.rowsRead;
          for (const [reason, n] of Object.entries(message.counts.skipped)) skip(counts, reason, n);
          return;
        }
        yield { rows: message.rows, csv: message.csv };
        this.#worker.postMessage('more');
      }
    } finally {
      await this.stop();
    }
  }

  async stop(): Promise<void> {
    await this.#worker.terminate();
  }
}

/** postcodeCsvBatches(file, counts, batchRows), read in a worker thread; at most `queued` batches wait. */
export function postcodeCsvBatchesInWorker(file: string, counts: ReadCounts, batchRows: number, queued = 2): AsyncGenerator<CsvBatch> {
  return new PostcodeReading(file, batchRows, queued).batches(counts);
}

let ahead: PostcodeReading | null = null;

/**
 * Starts reading `file` now for a bulk import of it later in this process: on a first start, before the embedded
 * database is created and migrated, so that the reading overlaps those too. `queued` batches may wait meanwhile.
 */
export function readPostcodesAhead(file: string, batchRows: number, queued: number): void {
  void ahead?.stop();
  ahead = new PostcodeReading(file, batchRows, queued);
  ahead.unref();
}

/** The reading started ahead of `file` in `batchRows`, if there is one; it is handed out once. */
export function takeReadingAhead(file: string, batchRows: number): PostcodeReading | null {
  const reading = ahead;
  if (!reading || reading.file !== file || reading.batchRows !== batchRows) return null;
  ahead = null;
  return reading;
}

/** Stops a reading started ahead that nobody took. */
export async function dropReadingAhead(): Promise<void> {
  const reading = ahead;
  ahead = null;
  await reading?.stop();
}
