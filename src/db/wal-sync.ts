import { closeSync, fdatasync, openSync } from 'node:fs';

/**
 * Makes an SQLite database's write-ahead log durable off the main thread. A transaction
 * committed with synchronous=NORMAL is in the WAL (and survives the process dying) but not yet
 * on disk; `sync()` fdatasyncs the WAL file on libuv's thread pool, after which every frame
 * committed before the call survives power loss too (recovery stops at the first frame whose
 * checksum fails, so a later frame can never be durable without the earlier ones). The event
 * loop keeps parsing requests while the disk flushes, instead of blocking in the commit.
 *
 * The WAL file is opened once and kept: SQLite truncates and rewrites it in place, and
 * deletes it only when the last connection closes, which is after the intake writer stops.
 */
export class WalSync {
  readonly #path: string;
  #fd: number | undefined;

  constructor(databaseFile: string) {
    this.#path = `${databaseFile}-wal`;
  }

  /** Resolves once everything committed to the WAL so far is on disk. */
  async sync(): Promise<void> {
    try {
      await this.#fdatasync();
    } catch {
      // A stale descriptor (the file was replaced by a restore, say): open it again, once.
      this.close();
      await this.#fdatasync();
    }
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  #fdatasync(): Promise<void> {
    this.#fd ??= openSync(this.#path, 'r');
    const fd = this.#fd;
    return new Promise((resolve, reject) => {
      fdatasync(fd, (error) => {
        if (error === null) resolve();
        else reject(error);
      });
    });
  }
}
