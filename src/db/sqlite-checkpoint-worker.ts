// The thread behind SqliteCheckpointer: checkpoints the WAL of one database file periodically,
// and asks the main thread for a moment without writes when the WAL has grown too long.
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';

const { file, intervalMs, restartFrames } = workerData as {
  file: string;
  intervalMs: number;
  restartFrames: number;
};
const db = new DatabaseSync(file, { timeout: 5000 });
db.exec('PRAGMA synchronous = FULL');
const passive = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');

/** A PASSIVE checkpoint; the number of frames in the WAL, or null when it failed. */
function checkpoint(): number | null {
  try {
    return (passive.get() as { log: number }).log;
  } catch {
    // Busy or a transient I/O error: the next round tries again.
    return null;
  }
}

let waitingForQuiet = false;
const timer = setInterval(() => {
  if (waitingForQuiet) return;
  const frames = checkpoint();
  if (frames !== null && frames > restartFrames) {
    waitingForQuiet = true;
    parentPort?.postMessage('quiet?');
  }
}, intervalMs);

parentPort?.on('message', (message) => {
  if (message === 'quiet') {
    // No write runs on the main connection until 'done': this checkpoint copies every frame,
    // so the next write starts the WAL again from its beginning.
    checkpoint();
    waitingForQuiet = false;
    parentPort?.postMessage('done');
    return;
  }
  if (message === 'skip') {
    // The main thread could not hold its connection this time; ask again after a later round.
    waitingForQuiet = false;
    return;
  }
  if (message !== 'stop') return;
  clearInterval(timer);
  try {
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
    parentPort?.close();
  }
});
