import { Worker } from 'node:worker_threads';

/** How long the main connection is held for the checkpointer at most, should it not answer. */
const quietTimeoutMs = 5000;

export interface SqliteCheckpointerOptions {
  intervalMs: number;
  /** WAL frames beyond which the log is brought back to its start (see the class comment). */
  restartFrames: number;
  /**
   * Takes the main connection for the checkpointer: resolves, once no statement runs on it,
   * with a function that hands it back.
   */
  holdConnection: () => Promise<() => void>;
  onError: (error: Error) => void;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With node:sqlite every statement runs on
 * the calling thread, and an automatic checkpoint (copying the WAL into the database file and
 * fsyncing it) would stall every request for milliseconds. Here the main connection never
 * checkpoints (wal_autocheckpoint = 0) and a worker thread with its own connection does, every
 * `intervalMs`, in PASSIVE mode, which never blocks the writer.
 *
 * A passive checkpoint alone never lets the WAL start again from its beginning under steady
 * writes: SQLite rewinds the log only when a write begins with every frame already copied,
 * and under load a new commit always lands while the checkpoint runs. The WAL then grows for
 * as long as the load lasts (140 MB in 12 s of single alerts), every commit extends the file,
 * and each fdatasync must also write the file's new size. So when the WAL passes
 * `restartFrames`, the worker asks for a moment without writes: the main connection is held
 * (queued work waits; the event loop does not), the worker copies the few frames written since
 * its last round, and the next commit rewinds the log and overwrites it in place.
 */
export class SqliteCheckpointer {
  readonly #worker: Worker;
  readonly #holdConnection: () => Promise<() => void>;
  #release: (() => void) | null = null;
  #releaseTimer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(file: string, options: SqliteCheckpointerOptions) {
    this.#holdConnection = options.holdConnection;
    this.#worker = new Worker(new URL('./sqlite-checkpoint-worker.ts', import.meta.url), {
      workerData: {
        file,
        intervalMs: options.intervalMs,
        restartFrames: options.restartFrames,
      },
    });
    this.#worker.on('message', (message) => {
      // The connection may be closing (shutdown): then there is nothing to hold, and the
      // worker is told so, or it would wait for the answer and never checkpoint again.
      if (message === 'quiet?')
        this.#grantQuiet().catch(() => {
          if (!this.#stopped) this.#worker.postMessage('skip');
        });
      else if (message === 'done') this.#endQuiet();
    });
    this.#worker.on('error', (error: Error) => {
      if (!this.#stopped) options.onError(error);
    });
    // A worker gone mid-request must not keep the connection.
    this.#worker.on('exit', () => this.#endQuiet());
    this.#worker.unref();
  }

  async #grantQuiet(): Promise<void> {
    const release = await this.#holdConnection();
    if (this.#stopped) {
      release();
      return;
    }
    this.#release = release;
    this.#releaseTimer = setTimeout(() => this.#endQuiet(), quietTimeoutMs);
    this.#releaseTimer.unref();
    this.#worker.postMessage('quiet');
  }

  #endQuiet(): void {
    clearTimeout(this.#releaseTimer);
    const release = this.#release;
    this.#release = null;
    release?.();
  }

  /** Runs a last full checkpoint and stops the thread. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#endQuiet();
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Keep the process alive until the last checkpoint is done.
    this.#worker.ref();
    this.#worker.postMessage('stop');
    await exited;
  }
}
