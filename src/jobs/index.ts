export { Scheduler, retryDelayMs, type JobHandler, type JobResult } from './scheduler.ts';
export {
  countJobs,
  deleteJobByKey,
  findNextRunAt,
  scheduleJobNoLaterThan,
  upsertJob,
  type NewJob,
} from './job.repository.ts';
