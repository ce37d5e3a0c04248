import { closeSync, mkdirSync, openSync, statSync } from 'node:fs';

/**
 * Steady's local files hold every alert, account and session, and the key that encrypts
 * stored secrets: they are for the user Steady runs as alone. A directory Steady creates is
 * 0700 and a file 0600 (SQLite gives its -wal and -shm files the database file's mode).
 */

/** Creates `dir` (and missing parents) readable by this user only. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/** Creates `file` empty with mode 0600 when it does not exist yet; an existing file is kept. */
export function ensurePrivateFile(file: string): void {
  try {
    closeSync(openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as { code?: string }).code !== 'EEXIST') throw error;
  }
}

/** A path other users may read or write: its mode ("0644") and the mode it should have. */
export interface OpenPath {
  path: string;
  mode: string;
  wanted: '700' | '600';
}

/** The paths among `paths` that other users may read or write. */
export function openToOthers(paths: readonly string[]): OpenPath[] {
  const found: OpenPath[] = [];
  for (const path of paths) {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch {
      continue; // not there (yet): nothing to warn about
    }
    const mode = stats.mode & 0o777;
    if ((mode & 0o077) !== 0)
      found.push({
        path,
        mode: `0${mode.toString(8)}`,
        wanted: stats.isDirectory() ? '700' : '600',
      });
  }
  return found;
}
