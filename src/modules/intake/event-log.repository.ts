import type { Insertable } from 'kysely';
import type { Db } from '../../db/store.ts';
import type { AlertEventsTable, IntakeRequestsTable } from '../../db/schema.ts';

export type NewIntakeRequest = Insertable<IntakeRequestsTable>;
export type NewAlertEvent = Omit<Insertable<AlertEventsTable>, 'id' | 'txId'>;

/** One accepted request and its events, written together. */
export interface IntakeRecord {
  request: NewIntakeRequest;
  events: NewAlertEvent[];
  /** A Standard Webhooks id: a second request with the same id is a duplicate and not stored. */
  webhookId: string | null;
}

// SQLite allows 32,766 bound values per statement; these chunk sizes stay well below it.
const requestChunk = 400;
const eventChunk = 400;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Appends a batch of accepted requests to the intake log in one transaction (group commit).
 * Returns, per record, whether it was stored (false: its webhook id was seen before).
 */
export async function appendIntake(
  db: Db,
  records: readonly IntakeRecord[],
  now: number,
): Promise<boolean[]> {
  return db.transaction().execute(async (trx) => {
    const stored = records.map(() => true);
    const signed = records.map((r, i) => ({ r, i })).filter(({ r }) => r.webhookId !== null);
    if (signed.length > 0) {
      // First occurrence wins within the batch; the table catches repeats across batches.
      const firstInBatch = new Map<string, number>();
      for (const { r, i } of signed) {
        const key = `${r.request.integrationId}\u0000${r.webhookId ?? ''}`;
        if (firstInBatch.has(key)) stored[i] = false;
        else firstInBatch.set(key, i);
      }
      const fresh = [...firstInBatch.values()];
      const inserted = await trx
        .insertInto('intakeWebhookIds')
        .values(
          fresh.map((i) => ({
            integrationId: records[i]?.request.integrationId ?? '',
            webhookId: records[i]?.webhookId ?? '',
            receivedAt: now,
          })),
        )
        .onConflict((oc) => oc.columns(['integrationId', 'webhookId']).doNothing())
        .returning(['integrationId', 'webhookId'])
        .execute();
      const accepted = new Set(inserted.map((row) => `${row.integrationId}\u0000${row.webhookId}`));
      for (const i of fresh) {
        const record = records[i];
        if (
          record !== undefined &&
          !accepted.has(`${record.request.integrationId}\u0000${record.webhookId ?? ''}`)
        )
          stored[i] = false;
      }
    }
    const kept = records.filter((_, i) => stored[i]);
    for (const chunk of chunks(
      kept.map((r) => r.request),
      requestChunk,
    )) {
      await trx.insertInto('intakeRequests').values(chunk).execute();
    }
    for (const chunk of chunks(
      kept.flatMap((r) => r.events),
      eventChunk,
    )) {
      await trx.insertInto('alertEvents').values(chunk).execute();
    }
    return stored;
  });
}

/** Forgets webhook ids older than `before` (they are outside the replay window). */
export async function purgeWebhookIds(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('intakeWebhookIds')
    .where('receivedAt', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
