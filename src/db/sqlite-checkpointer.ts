import { Worker } from 'node:worker_threads';

/**
 * Moves SQLite's WAL checkpoints off the event loop. With node:sqlite every statement runs on
 * the calling thread, and an automatic checkpoint (copying the WAL into the database file and
 * fsyncing it) would stall every request for milliseconds. Here the main connection never
 * checkpoints (wal_autocheckpoint = 0) and a worker thread with its own connection does, every
 * `intervalMs`, in PASSIVE mode, which never blocks the writer.
 */
export class SqliteCheckpointer {
  readonly #worker: Worker;
  #stopped = false;

  constructor(file: string, options: { intervalMs: number; onError: (error: Error) => void }) {
    this.#worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
      workerData: { file, intervalMs: options.intervalMs },
    });
    this.#worker.on('error', (error: Error) => {
      if (!this.#stopped) options.onError(error);
    });
    this.#worker.unref();
  }

  /** Runs a last full checkpoint and stops the thread. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Keep the process alive until the last checkpoint is done.
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await exited;
  }
}
