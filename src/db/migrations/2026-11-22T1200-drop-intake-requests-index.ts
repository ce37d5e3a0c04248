import type { Kysely } from 'kysely';

// Frozen once merged: never edit, add a new migration instead.
// Nothing reads intake_requests by integration and time: it is the raw record of what senders
// said, read only by an operator. Its secondary index cost a b-tree insert on every accepted
// request, on the hot path of intake. A retention job can bring back the index it needs.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('intake_requests_integration').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('intake_requests_integration')
    .on('intake_requests')
    .columns(['integration_id', 'received_at'])
    .execute();
}
