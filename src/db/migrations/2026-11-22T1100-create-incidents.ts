import { PostgresAdapter, sql, type ColumnDefinitionBuilder, type Kysely } from 'kysely';

// Frozen once merged: never edit, add a new migration instead.
// Incidents and noise control: incidents with their append-only timeline, the notifications
// due per incident, per-service noise rules and dependencies, silences and maintenance
// windows, threshold windows per group, flap history per alert key, and what noise control
// decided about each alert.

export async function up(db: Kysely<any>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const serial = (c: ColumnDefinitionBuilder) =>
    postgres ? c.primaryKey() : c.primaryKey().autoIncrement();

  await db.schema
    .createTable('incidents')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('number', 'integer', (c) => c.notNull().unique())
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('group_key', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    // Set once a person changes the priority: alert severity no longer moves it.
    .addColumn('priority_set_by_user', 'integer', (c) => c.notNull())
    .addColumn('resolution', 'text')
    .addColumn('alert_count', 'integer', (c) => c.notNull())
    .addColumn('timeline_seq', 'integer', (c) => c.notNull())
    .addColumn('notification_count', 'integer', (c) => c.notNull())
    .addColumn('last_notified_at', 'bigint')
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('acknowledged_at', 'bigint')
    .addColumn('resolved_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  // "One open incident per group key" is the database's promise, not a lock's: a second
  // worker or replica that tries to open the same incident fails and retries its batch.
  await db.schema
    .createIndex('incidents_open_group')
    .on('incidents')
    .column('group_key')
    .unique()
    .where(sql.ref('status'), '<>', 'resolved')
    .execute();
  await db.schema
    .createIndex('incidents_status')
    .on('incidents')
    .columns(['status', 'id'])
    .execute();
  await db.schema
    .createIndex('incidents_service')
    .on('incidents')
    .columns(['service_id', 'id'])
    .execute();

  await db.schema
    .createTable('incident_timeline')
    .addColumn('id', postgres ? 'bigserial' : 'integer', serial)
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .execute();
  await db.schema
    .createIndex('incident_timeline_sequence')
    .on('incident_timeline')
    .columns(['incident_id', 'sequence'])
    .unique()
    .execute();

  // "An incident-level notification is due": what the paging issue delivers.
  await db.schema
    .createTable('incident_notifications')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('incident_id', 'text', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('due_at', 'bigint', (c) => c.notNull())
    .addColumn('alert_ids', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('incident_notifications_sequence')
    .on('incident_notifications')
    .columns(['incident_id', 'sequence'])
    .unique()
    .execute();

  await db.schema
    .createTable('service_noise_rules')
    .addColumn('service_id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('service_dependencies')
    .addColumn('service_id', 'text', (c) => c.notNull())
    .addColumn('depends_on_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('service_dependencies_pk', ['service_id', 'depends_on_id'])
    .execute();

  await db.schema
    .createTable('silences')
    .addColumn('id', 'text', (c) => c.primaryKey().notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('service_ids', 'text', (c) => c.notNull())
    .addColumn('matchers', 'text', (c) => c.notNull())
    .addColumn('starts_at', 'bigint', (c) => c.notNull())
    .addColumn('ends_at', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('silences_ends').on('silences').column('ends_at').execute();

  // Recent event times per group key, for "N events within T" (at most N kept).
  await db.schema
    .createTable('alert_group_windows')
    .addColumn('group_key', 'text', (c) => c.primaryKey().notNull())
    .addColumn('times', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Recent state changes per (integration, dedup key), across the alerts it opened, for flaps.
  await db.schema
    .createTable('alert_flap_history')
    .addColumn('integration_id', 'text', (c) => c.notNull())
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('changes', 'text', (c) => c.notNull())
    .addColumn('last_paged_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_flap_history_pk', ['integration_id', 'dedup_key'])
    .execute();

  await db.schema.alterTable('alerts').addColumn('incident_id', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('group_key', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('noise', 'text').execute();
  await db.schema.alterTable('alerts').addColumn('notified_at', 'bigint').execute();
  await db.schema.createIndex('alerts_incident').on('alerts').columns(['incident_id']).execute();
  await db.schema
    .createIndex('alerts_group_noise')
    .on('alerts')
    .columns(['group_key', 'noise'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('alerts_group_noise').execute();
  await db.schema.dropIndex('alerts_incident').execute();
  for (const column of ['notified_at', 'noise', 'group_key', 'incident_id'])
    await db.schema.alterTable('alerts').dropColumn(column).execute();
  for (const table of [
    'alert_flap_history',
    'alert_group_windows',
    'silences',
    'service_dependencies',
    'service_noise_rules',
    'incident_notifications',
    'incident_timeline',
    'incidents',
  ])
    await db.schema.dropTable(table).execute();
}
