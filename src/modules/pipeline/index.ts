export { Pipeline, type BatchHandler } from './pipeline.ts';
export { measureLag, type EventRow } from './pipeline.repository.ts';
