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

const transientPostgresCodes = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '57014', // query_canceled (statement_timeout)
  '53300', // too_many_connections
  '53100', // disk_full
  '08000',
  '08003',
  '08006',
  '08001',
  '08004',
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
]);
const transientNodeCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
]);
// SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL, SQLITE_IOERR, SQLITE_READONLY, SQLITE_CANTOPEN
// (primary codes: the low byte of the extended code).
const transientSqliteCodes = new Set([5, 6, 13, 10, 8, 14]);

/**
 * The database could not do the work now but might later (unreachable, timed out, locked,
 * disk full): the caller should answer 503 with Retry-After instead of 500.
 */
export function isTransientDatabaseError(error: unknown): boolean {
  const e = fields(error);
  if (
    typeof e.code === 'string' &&
    (transientPostgresCodes.has(e.code) || transientNodeCodes.has(e.code))
  ) {
    return true;
  }
  if (typeof e.errcode === 'number' && transientSqliteCodes.has(e.errcode & 0xff)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|connection timeout|Client has encountered a connection error/i.test(
    message,
  );
}
