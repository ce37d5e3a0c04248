import type { AuditEntryView, AuditPage } from '../../contracts/accounts.ts';
import type { Db } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { invalidField } from '../../platform/errors.ts';
import { insertAuditEntry, listAuditEntries, type AuditRow } from './audit.repository.ts';

/** One audit entry as callers describe it. */
export interface AuditEntry {
  actorType: 'user' | 'token' | 'system' | 'anonymous';
  actorId?: string | null;
  actorLabel?: string | null;
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  statusCode: number;
  requestId?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  detail?: Record<string, unknown> | null;
}

function encodeCursor(id: number): string {
  return Buffer.from(`a:${id}`).toString('base64url');
}

function decodeCursor(cursor: string | undefined): number | null {
  if (cursor === undefined) return null;
  const match = /^a:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (match?.[1] === undefined)
    throw invalidField('cursor', 'The cursor is not one this API returned.');
  return Number(match[1]);
}

function toView(row: AuditRow): AuditEntryView {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actorType: row.actorType,
    actorId: row.actorId,
    actorLabel: row.actorLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    statusCode: row.statusCode,
    requestId: row.requestId,
    ip: row.ip,
    detail: row.detail === null ? null : (JSON.parse(row.detail) as Record<string, unknown>),
  };
}

/** Records and lists who changed what, when. */
export function createAuditService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  return {
    /** Appends an entry stamped with the current time. */
    record: (entry: AuditEntry) =>
      insertAuditEntry(db, {
        at: clock.now(),
        actorType: entry.actorType,
        actorId: entry.actorId ?? null,
        actorLabel: entry.actorLabel?.slice(0, 254) ?? null,
        action: entry.action,
        targetType: entry.targetType ?? null,
        targetId: entry.targetId ?? null,
        statusCode: entry.statusCode,
        requestId: entry.requestId ?? null,
        ip: entry.ip ?? null,
        userAgent: entry.userAgent?.slice(0, 300) ?? null,
        detail: entry.detail == null ? null : JSON.stringify(entry.detail),
      }),

    /** A page of entries, newest first. */
    async list(query: {
      cursor?: string | undefined;
      limit?: number | undefined;
    }): Promise<AuditPage> {
      const limit = query.limit ?? 50;
      const rows = await listAuditEntries(db, {
        beforeId: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toView),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null,
      };
    },
  };
}

export type AuditService = ReturnType<typeof createAuditService>;
