/**
 * Classifies errors from either engine, so repositories and the error handler need not know
 * which driver raised them.
 */

interface DriverError {
  code?: unknown;
  errcode?: unknown;
  message?: unknown;
}

function fields(error: unknown): DriverError {
  return typeof error === 'object' && error !== null ? error : {};
}

/** A UNIQUE or PRIMARY KEY constraint rejected the write. */
export function isUniqueViolation(error: unknown): boolean {
  const e = fields(error);
  if (e.code === '23505') return true; // PostgreSQL unique_violation
  // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555)
  return e.errcode === 2067 || e.errcode === 1555;
}

/** Another connection holds a lock this work needs (SQLite BUSY/LOCKED, PostgreSQL lock_not_available). */
export function isDatabaseBusy(error: unknown): boolean {
  const e = fields(error);
  if (e.code === '55P03') return true;
  return typeof e.errcode === 'number' && ((e.errcode & 0xff) === 5 || (e.errcode & 0xff) === 6);
}

// SQLSTATE classes where the database is unreachable, out of resources or going away:
// 08 connection exception, 53 insufficient resources, 57P operator intervention (shutdown,
// crash, cannot connect now, database dropped), 58 system errors (I/O).
const transientPostgresClasses = ['08', '53', '57P', '58'];
const transientPostgresCodes = new Set([
  '57014', // query_canceled (statement_timeout)
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '55006', // object_in_use
]);
const transientNodeCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);
// SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN
// (primary codes: the low byte of the extended code).
const transientSqliteCodes = new Set([5, 6, 13, 10, 8, 14]);

function isTransientPostgresCode(code: string, message: string): boolean {
  if (transientPostgresCodes.has(code)) return true;
  if (transientPostgresClasses.some((c) => code.startsWith(c))) return true;
  // 55000 object_not_in_prerequisite_state is what connecting to a database with
  // ALLOW_CONNECTIONS false answers; elsewhere it is a real error.
  return code === '55000' && /allow(s|ing)? connections|not currently accepting/i.test(message);
}

/**
 * The database could not do the work now but might later (unreachable, timed out, locked,
 * disk full): the caller should answer 503 with Retry-After instead of 500.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = fields(error);
  const message = typeof e.message === 'string' ? e.message : '';
  if (
    typeof e.code === 'string' &&
    (transientNodeCodes.has(e.code) || isTransientPostgresCode(e.code, message))
  ) {
    return true;
  }
  if (typeof e.errcode === 'number' && transientSqliteCodes.has(e.errcode & 0xff)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection timeout|Client has encountered a connection error|Client was closed and is not queryable|Connection terminated due to connection timeout/i.test(
    message,
  );
}
