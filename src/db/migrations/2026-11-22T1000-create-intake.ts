import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen once merged: never edit, add a new migration instead.
// Services, integrations, the durable intake log (requests and normalised events), the
// deduplicated alerts, rejected requests, replay protection, heartbeat monitors and the
// pipeline's cursor.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const serial = (c: ColumnDefinitionBuilder) =>
    postgres ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('services')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    .execute();
  // A name is unique among live services; a deleted one frees its name.
  await db.schema
    .createIndex('services_name_live')
    .on('services')
    .column('name')
    .unique()
    .where(sql.ref('deleted_at'), 'is', null)
    .execute();

  await db.schema
    .createTable('integrations')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('service_id', 'text', (c) => c.notNull().references('services.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_prefix', 'text', (c) => c.notNull())
    // After a rotation the old key keeps working until previous_key_expires_at.
    .addColumn('previous_key_hash', 'text', (c) => c.unique())
    .addColumn('previous_key_expires_at', 'bigint')
    // HMAC secret (Sentry client secret, Standard Webhooks whsec_…), encrypted at rest.
    .addColumn('signing_secret', 'text')
    .addColumn('rate_limit_per_minute', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('disabled_at', 'bigint')
    .addColumn('deleted_at', 'bigint')
    .execute();
  await db.schema
    .createIndex('integrations_service_id')
    .on('integrations')
    .column('service_id')
    .execute();

  // One row per accepted request, written in the same transaction as its events.
  await db.schema
    .createTable('intake_requests')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('remote_ip', 'text')
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('intake_requests_integration')
    .on('intake_requests')
    .columns(['integration_id', 'received_at'])
    .execute();

  // The event log the pipeline reads in id order. Every transaction that appends to it takes
  // one lock first (SQLite: the write lock; PostgreSQL: an advisory lock), so ids commit in
  // order and a reader never steps over an id that is still being committed. Indexes are kept
  // to the primary key: an index entry at a random place (say, by dedup key) would cost a page
  // write per event on the hot path.
  await db.schema
    .createTable('alert_events')
    .addColumn('id', postgres ? 'bigserial' : 'integer', serial)
    .addColumn('request_id', 'text', (c) => c.notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('component', 'text')
    .addColumn('group_name', 'text')
    .addColumn('class', 'text')
    .addColumn('occurred_at', 'bigint')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('links', 'text', (c) => c.notNull())
    .addColumn('images', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('source', 'text')
    .addColumn('component', 'text')
    .addColumn('group_name', 'text')
    .addColumn('class', 'text')
    .addColumn('labels', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .addColumn('links', 'text', (c) => c.notNull())
    .addColumn('images', 'text', (c) => c.notNull())
    .addColumn('event_count', 'integer', (c) => c.notNull())
    .addColumn('first_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
    .addColumn('first_event_id', 'bigint', (c) => c.notNull())
    .addColumn('last_event_id', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // PagerDuty semantics: one open alert per integration and dedup key; after a resolve, a
  // trigger with the same key opens a new alert.
  await db.schema
    .createIndex('alerts_open_dedup')
    .on('alerts')
    .columns(['integration_id', 'dedup_key'])
    .unique()
    .where(sql.ref('status'), '<>', 'resolved')
    .execute();
  await db.schema
    .createIndex('alerts_service')
    .on('alerts')
    .columns(['service_id', 'status'])
    .execute();
  await db.schema.createIndex('alerts_status').on('alerts').columns(['status', 'id']).execute();

  // The last rejected requests per integration, for "why is my alert not arriving?".
  await db.schema
    .createTable('intake_rejections')
    .addColumn('id', postgres ? 'bigserial' : 'integer', serial)
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('field', 'text')
    .addColumn('content_type', 'text')
    .addColumn('body_excerpt', 'text', (c) => c.notNull())
    .addColumn('remote_ip', 'text')
    .execute();
  await db.schema
    .createIndex('intake_rejections_integration')
    .on('intake_rejections')
    .columns(['integration_id', 'id'])
    .execute();

  // Standard Webhooks replay protection: a webhook-id is accepted once per integration.
  await db.schema
    .createTable('intake_webhook_ids')
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('received_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('intake_webhook_ids_pk', ['integration_id', 'webhook_id'])
    .execute();
  await db.schema
    .createIndex('intake_webhook_ids_received')
    .on('intake_webhook_ids')
    .column('received_at')
    .execute();

  await db.schema
    .createTable('heartbeat_monitors')
    .addColumn('integration_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('period_seconds', 'integer', (c) => c.notNull())
    .addColumn('grace_seconds', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_ping_at', 'bigint')
    .addColumn('last_start_at', 'bigint')
    .addColumn('last_success_at', 'bigint')
    .addColumn('last_failure_at', 'bigint')
    .addColumn('last_exit_code', 'integer')
    .addColumn('due_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Where each pipeline stage got to in the event log, and which process holds it.
  await db.schema
    .createTable('pipeline_cursors')
    .addColumn('name', 'text', (c) => c.primaryKey().notNull())
    .addColumn('position', 'bigint', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'pipeline_cursors',
    'heartbeat_monitors',
    'intake_webhook_ids',
    'intake_rejections',
    'alerts',
    'alert_events',
    'intake_requests',
    'integrations',
    'services',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
