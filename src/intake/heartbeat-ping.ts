// healthchecks.io ping conventions: /ping/<uuid> (success), /start, /fail, /log, /<exit status>.

export type PingSignal = 'success' | 'start' | 'fail' | 'log';

export type PingParse =
  { ok: true; signal: PingSignal; exitCode: number | null } | { ok: false; message: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Reads the part of a ping URL after the check's UUID ('' for a plain success ping). */
export function parsePingSuffix(suffix: string): PingParse {
  if (suffix === '') return { ok: true, signal: 'success', exitCode: null };
  if (suffix === 'start' || suffix === 'fail' || suffix === 'log')
    return { ok: true, signal: suffix, exitCode: null };
  if (/^\d{1,3}$/.test(suffix)) {
    const code = Number(suffix);
    if (code <= 255) return { ok: true, signal: code === 0 ? 'success' : 'fail', exitCode: code };
  }
  return { ok: false, message: 'invalid url format' };
}

/** True for a canonical (lower-case, hyphenated) UUID, as healthchecks requires for rid. */
export function isCanonicalUuid(value: string): boolean {
  return uuidPattern.test(value);
}
