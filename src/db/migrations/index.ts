import type { Migration } from 'kysely/migration';
import * as createAccounts from './2026-11-22T0900-create-accounts.ts';
import * as createAuditLog from './2026-11-22T0910-create-audit-log.ts';
import * as createJobs from './2026-11-22T0920-create-jobs.ts';
import * as createIntake from './2026-11-22T1000-create-intake.ts';
import * as createIncidents from './2026-11-22T1100-create-incidents.ts';
import * as dropIntakeRequestsIndex from './2026-11-22T1200-drop-intake-requests-index.ts';

/** Every migration in the order it runs. Append only; the names are stored in the database. */
export const migrations: Record<string, Migration> = {
  '2026-11-22T0900-create-accounts': createAccounts,
  '2026-11-22T0910-create-audit-log': createAuditLog,
  '2026-11-22T0920-create-jobs': createJobs,
  '2026-11-22T1000-create-intake': createIntake,
  '2026-11-22T1100-create-incidents': createIncidents,
  '2026-11-22T1200-drop-intake-requests-index': dropIntakeRequestsIndex,
};
