import { sql } from 'kysely';
import type { Db, Engine } from '../db/store.ts';
import type { JobsTable } from '../db/schema.ts';
import { uuidv7 } from '../platform/uuid.ts';

/** A job row as the scheduler sees it. */
export type JobRow = Omit<JobsTable, 'attempts' | 'fence'> & { attempts: number; fence: number };

/** What to schedule. */
export interface NewJob {
  kind: string;
  payload: unknown;
  runAt: number;
  /** At most one job with this key exists; scheduling another is a no-op. */
  uniqueKey?: string;
  maxAttempts?: number;
}

/** The row of a job not yet run. */
function newJobRow(job: NewJob, now: number) {
  return {
    id: uuidv7(now),
    kind: job.kind,
    uniqueKey: job.uniqueKey ?? null,
    runAt: job.runAt,
    payload: JSON.stringify(job.payload ?? null),
    maxAttempts: job.maxAttempts ?? 10,
    leaseOwner: null,
    leaseUntil: null,
    lastError: null,
    createdAt: now,
    failedAt: null,
  };
}

/** Inserts a job unless one with the same unique key exists. Returns whether it was created. */
export async function insertJob(db: Db, job: NewJob, now: number): Promise<boolean> {
  const result = await db
    .insertInto('jobs')
    .values(newJobRow(job, now))
    .onConflict((oc) => oc.column('uniqueKey').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Creates the job with this unique key, or moves the existing one to the new time (a timer
 * that is pushed back, like a heartbeat's next due time). Moving bumps the fence, so a worker
 * that was running the old timer cannot delete the moved one.
 */
export async function upsertJob(
  db: Db,
  job: NewJob & { uniqueKey: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('jobs')
    .values(newJobRow(job, now))
    .onConflict((oc) =>
      oc.column('uniqueKey').doUpdateSet((eb) => ({
        runAt: eb.ref('excluded.runAt'),
        payload: eb.ref('excluded.payload'),
        attempts: 0,
        fence: eb('jobs.fence', '+', 1),
        leaseOwner: null,
        leaseUntil: null,
        lastError: null,
        failedAt: null,
      })),
    )
    .execute();
}

/**
 * Creates the job with this unique key, or moves the existing one earlier if `runAt` is
 * sooner; never later, unless it is running (several reasons to look at one incident: the
 * soonest wins).
 */
export async function scheduleJobNoLaterThan(
  db: Db,
  job: NewJob & { uniqueKey: string },
  now: number,
): Promise<void> {
  await db
    .insertInto('jobs')
    .values(newJobRow(job, now))
    .onConflict((oc) =>
      oc
        .column('uniqueKey')
        .doUpdateSet((eb) => ({
          runAt: eb.ref('excluded.runAt'),
          fence: eb('jobs.fence', '+', 1),
          leaseOwner: null,
          leaseUntil: null,
        }))
        // A job that is running right now may have read the state before this change: move
        // it (the new fence makes its completion a no-op) so it runs again and sees it.
        .where((eb) =>
          eb.or([
            eb('jobs.runAt', '>', eb.ref('excluded.runAt')),
            eb('jobs.leaseOwner', 'is not', null),
          ]),
        ),
    )
    .execute();
}

/** Removes the job with this unique key, if any (a timer that is no longer needed). */
export async function deleteJobByKey(db: Db, uniqueKey: string): Promise<void> {
  await db.deleteFrom('jobs').where('uniqueKey', '=', uniqueKey).execute();
}

/**
 * Leases up to `limit` due jobs to `owner` until `leaseUntil`, bumping each one's fence and
 * attempt count. On PostgreSQL, SKIP LOCKED lets replicas claim side by side without waiting;
 * on SQLite the caller's BEGIN IMMEDIATE transaction makes the claim exclusive.
 */
export async function claimDueJobs(
  db: Db,
  engine: Engine,
  options: { owner: string; now: number; leaseUntil: number; limit: number },
): Promise<JobRow[]> {
  const { owner, now, leaseUntil, limit } = options;
  let due = db
    .selectFrom('jobs')
    .select('id')
    .where('failedAt', 'is', null)
    .where('runAt', '<=', now)
    .where((eb) => eb.or([eb('leaseUntil', 'is', null), eb('leaseUntil', '<', now)]))
    .orderBy('runAt')
    .limit(limit);
  if (engine === 'postgres') due = due.forUpdate().skipLocked();
  const rows = await db
    .updateTable('jobs')
    .set((eb) => ({
      leaseOwner: owner,
      leaseUntil,
      attempts: eb('attempts', '+', 1),
      fence: eb('fence', '+', 1),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return rows.sort((a, b) => a.runAt - b.runAt);
}

/** Deletes a finished job if this worker still holds its lease. False when the lease was lost. */
export async function completeJob(db: Db, id: string, fence: number): Promise<boolean> {
  const result = await db
    .deleteFrom('jobs')
    .where('id', '=', id)
    .where('fence', '=', fence)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Moves a recurring job to its next run, keeping its row and unique key. */
export async function rescheduleJob(
  db: Db,
  id: string,
  fence: number,
  runAt: number,
  payload?: unknown,
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      runAt,
      attempts: 0,
      leaseOwner: null,
      leaseUntil: null,
      lastError: null,
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    })
    .where('id', '=', id)
    .where('fence', '=', fence)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records a failed attempt: retry at `retryAt`, or mark failed for good when `failed` is set. */
export async function failJob(
  db: Db,
  options: { id: string; fence: number; error: string; retryAt: number; failedAt: number | null },
): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({
      runAt: options.retryAt,
      leaseOwner: null,
      leaseUntil: null,
      lastError: options.error.slice(0, 2000),
      failedAt: options.failedAt,
    })
    .where('id', '=', options.id)
    .where('fence', '=', options.fence)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Hands claimed-but-unstarted jobs back (graceful shutdown), undoing the attempt count. */
export async function releaseJobs(
  db: Db,
  jobs: readonly { id: string; fence: number }[],
): Promise<void> {
  for (const job of jobs) {
    await db
      .updateTable('jobs')
      .set((eb) => ({ leaseOwner: null, leaseUntil: null, attempts: eb('attempts', '-', 1) }))
      .where('id', '=', job.id)
      .where('fence', '=', job.fence)
      .execute();
  }
}

/** The earliest run_at of a job that is not failed, or null (lets the loop sleep precisely). */
export async function findNextRunAt(db: Db): Promise<number | null> {
  const row = await db
    .selectFrom('jobs')
    .select(sql<number | null>`min(run_at)`.as('next'))
    .where('failedAt', 'is', null)
    .executeTakeFirst();
  return row?.next ?? null;
}

/** Counts jobs by state, for /metrics. */
export async function countJobs(
  db: Db,
  now: number,
): Promise<{ due: number; scheduled: number; failed: number }> {
  const row = await db
    .selectFrom('jobs')
    .select([
      // sum() is numeric on PostgreSQL (a string from pg), an integer on SQLite.
      sql<
        string | number | null
      >`sum(case when failed_at is null and run_at <= ${now} then 1 else 0 end)`.as('due'),
      sql<
        string | number | null
      >`sum(case when failed_at is null and run_at > ${now} then 1 else 0 end)`.as('scheduled'),
      sql<string | number | null>`sum(case when failed_at is not null then 1 else 0 end)`.as(
        'failed',
      ),
    ])
    .executeTakeFirst();
  return {
    due: Number(row?.due ?? 0),
    scheduled: Number(row?.scheduled ?? 0),
    failed: Number(row?.failed ?? 0),
  };
}

/** Frees every job lease (SQLite start-up: the only process that could hold one has died). */
export async function releaseAllLeases(db: Db): Promise<void> {
  await db
    .updateTable('jobs')
    .set({ leaseOwner: null, leaseUntil: null })
    .where('leaseOwner', 'is not', null)
    .execute();
}
