import {
  incidentListedAlerts,
  type CreateSilenceRequest,
  type DependencyGraph,
  type IncidentAlertPage,
  type IncidentAlertsQuery,
  type IncidentDetail,
  type IncidentListQuery,
  type IncidentPage,
  type IncidentView,
  type LabelMatcher,
  type MergeIncidentRequest,
  type SplitIncidentRequest,
  type NoiseRules,
  type SilenceView,
  type UpdateIncidentRequest,
  type UpdateNoiseRulesRequest,
} from '../../contracts/incidents.ts';
import type { Db, Store } from '../../db/store.ts';
import { deleteJobByKey, scheduleJobNoLaterThan, upsertJob } from '../../jobs/index.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, invalidField, notFound } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import { toAlertView } from '../alerts/index.ts';
import {
  alertCountsByIncident,
  appendTimeline,
  countIncidentAlerts,
  endSilence,
  findAlertsByIds,
  findIncident,
  findIncidentByNumber,
  findNoiseRules,
  findOpenIncidentByGroup,
  findSilence,
  insertIncident,
  insertSilence,
  nextIncidentNumber,
  listAllSilences,
  listDependencies,
  listIncidentAlerts,
  listIncidents,
  listNotifications,
  listSilencedOpenAlerts,
  listTimeline,
  replaceDependencies,
  saveNoiseRules,
  updateIncident,
  type IncidentAlertRow,
  type IncidentRow,
  type SilenceRow,
} from './incident.repository.ts';
import { compileMatchers } from './matchers.ts';
import {
  flushJobKey,
  incidentFlushJob,
  mergeRules,
  silenceEndJob,
  type NoiseService,
} from './noise.service.ts';

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

export interface Actor {
  id: string;
  name: string;
}

function toIncidentView(
  row: IncidentRow,
  counts: { open: number; services: string[] } | undefined,
): IncidentView {
  const services = new Set([row.serviceId, ...(counts?.services ?? [])]);
  return {
    id: row.id,
    number: row.number,
    title: row.title,
    status: row.status as IncidentView['status'],
    priority: row.priority as IncidentView['priority'],
    serviceId: row.serviceId,
    serviceIds: [...services],
    groupKey: row.groupKey,
    alertCount: row.alertCount,
    openAlertCount: counts?.open ?? 0,
    notificationCount: row.notificationCount,
    resolution: row.resolution,
    openedAt: iso(row.openedAt),
    acknowledgedAt: isoOrNull(row.acknowledgedAt),
    resolvedAt: isoOrNull(row.resolvedAt),
    updatedAt: iso(row.updatedAt),
  };
}

function toSilenceView(row: SilenceRow, now: number): SilenceView {
  return {
    id: row.id,
    kind: row.kind as SilenceView['kind'],
    serviceIds: JSON.parse(row.serviceIds) as string[],
    matchers: JSON.parse(row.matchers) as LabelMatcher[],
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    reason: row.reason,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    state: now < row.startsAt ? 'pending' : now < row.endsAt ? 'active' : 'expired',
  };
}

/** Entries a timeline view leaves out: its sequence numbers are consecutive but for one gap. */
function omittedBetween(sequences: readonly number[]): number {
  const first = sequences[0];
  const last = sequences.at(-1);
  return first === undefined || last === undefined ? 0 : last - first + 1 - sequences.length;
}

/** The timeline a view lists: its first entries and its latest, the middle left out. */
const timelineView = { head: 100, tail: 1900 };

const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
function decodeCursor(cursor: string | undefined): string | null {
  if (cursor === undefined) return null;
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^[0-9a-f-]{36}$/.test(id)) throw invalidField('cursor', 'The cursor is not valid.');
  return id;
}

/** Checks matchers the way silences and thresholds will run them; names the bad one. */
export function checkMatchers(matchers: readonly LabelMatcher[], field: string): void {
  const result = compileMatchers(matchers);
  if (!result.ok)
    throw invalidField(
      `${field}[${result.index}].value`,
      `${field}[${result.index}].value is ${result.message}.`,
    );
}

export function createIncidentService(deps: {
  store: Store;
  clock: Clock;
  noise: NoiseService;
  serviceExists: (id: string) => Promise<boolean>;
  onChanged: (incidentIds: readonly string[]) => void;
}) {
  const { store, clock, noise, onChanged } = deps;
  const db = store.db;

  async function view(row: IncidentRow): Promise<IncidentView> {
    return toIncidentView(row, (await alertCountsByIncident(db, [row.id])).get(row.id));
  }

  async function alertPage(
    incidentId: string,
    afterId: string | null,
    limit: number,
  ): Promise<IncidentAlertPage> {
    const rows = await listIncidentAlerts(db, incidentId, { afterId, limit: limit + 1 });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map((a) => ({ ...toAlertView(a), noise: a.noise })),
      nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null,
    };
  }

  async function load(trx: Db, idOrNumber: string): Promise<IncidentRow> {
    const row = /^\d{1,9}$/.test(idOrNumber)
      ? await findIncidentByNumber(trx, Number(idOrNumber))
      : await findIncident(trx, idOrNumber);
    if (row === undefined) throw notFound('incident', idOrNumber);
    return row;
  }

  /** A status change by a person, with its timeline entry. */
  async function act(
    idOrNumber: string,
    actor: Actor,
    change: (
      row: IncidentRow,
      now: number,
    ) => {
      set: Parameters<typeof updateIncident>[2];
      kind: string;
      message: string;
    } | null,
    note: string | undefined,
  ): Promise<IncidentView> {
    const now = clock.now();
    const row = await db.transaction().execute(async (trx) => {
      const row = await load(trx, idOrNumber);
      const result = change(row, now);
      if (result === null) return row;
      await updateIncident(trx, row.id, { ...result.set, updatedAt: now });
      await appendTimeline(
        trx,
        row.id,
        [
          {
            at: now,
            actor: actor.name,
            kind: result.kind,
            message:
              note === undefined || note === '' ? result.message : `${result.message}: ${note}`,
            data: { userId: actor.id },
          },
        ],
        now,
      );
      if (result.set.status === 'resolved') await deleteJobByKey(trx, flushJobKey(row.id));
      if (result.set.status === 'triggered')
        await scheduleJobNoLaterThan(
          trx,
          {
            kind: incidentFlushJob,
            uniqueKey: flushJobKey(row.id),
            runAt: now,
            payload: { incidentId: row.id },
          },
          now,
        );
      return (await findIncident(trx, row.id)) as IncidentRow;
    });
    onChanged([row.id]);
    return view(row);
  }

  return {
    async list(query: IncidentListQuery): Promise<IncidentPage> {
      const limit = query.limit ?? 50;
      const rows = await listIncidents(db, {
        status: query.status,
        serviceId: query.serviceId,
        priority: query.priority,
        beforeId: decodeCursor(query.cursor),
        limit: limit + 1,
      });
      const page = rows.slice(0, limit);
      const counts = await alertCountsByIncident(
        db,
        page.map((r) => r.id),
      );
      const last = page.at(-1);
      return {
        items: page.map((r) => toIncidentView(r, counts.get(r.id))),
        nextCursor: rows.length > limit && last !== undefined ? encodeCursor(last.id) : null,
      };
    },

    async get(idOrNumber: string): Promise<IncidentDetail> {
      const row = await load(db, idOrNumber);
      const [alerts, timeline, notifications] = await Promise.all([
        alertPage(row.id, null, incidentListedAlerts),
        listTimeline(db, row.id, { ...timelineView, lastSequence: row.timelineSeq }),
        listNotifications(db, row.id),
      ]);
      return {
        incident: await view(row),
        alerts: alerts.items,
        alertsNextCursor: alerts.nextCursor,
        timelineOmitted: omittedBetween(timeline.map((t) => t.sequence)),
        timeline: timeline.map((t) => ({
          sequence: t.sequence,
          at: iso(t.at),
          actor: t.actor,
          kind: t.kind,
          message: t.message,
          data: t.data === null ? null : (JSON.parse(t.data) as unknown),
        })),
        notifications: notifications.map((n) => {
          // The stored list is complete (a storm's can name thousands); the view names the first.
          const alertIds = JSON.parse(n.alertIds) as string[];
          return {
            sequence: n.sequence,
            kind: n.kind,
            dueAt: iso(n.dueAt),
            alertCount: alertIds.length,
            alertIds: alertIds.slice(0, incidentListedAlerts),
          };
        }),
      };
    },

    /** An incident's alerts, a page at a time, oldest first. */
    async alerts(idOrNumber: string, query: IncidentAlertsQuery): Promise<IncidentAlertPage> {
      const row = await load(db, idOrNumber);
      return alertPage(row.id, decodeCursor(query.cursor), query.limit ?? incidentListedAlerts);
    },

    acknowledge: (id: string, actor: Actor, note?: string) =>
      act(
        id,
        actor,
        (row) => {
          if (row.status === 'resolved')
            throw new AppError('conflict', `Incident #${row.number} is resolved; reopen it first.`);
          if (row.status === 'acknowledged') return null;
          return {
            set: { status: 'acknowledged', acknowledgedAt: clock.now() },
            kind: 'acknowledged',
            message: `Acknowledged by ${actor.name}`,
          };
        },
        note,
      ),

    resolve: (id: string, actor: Actor, note?: string) =>
      act(
        id,
        actor,
        (row, now) =>
          row.status === 'resolved'
            ? null
            : {
                set: { status: 'resolved', resolvedAt: now, resolution: 'manual' },
                kind: 'resolved',
                message: `Resolved by ${actor.name}`,
              },
        note,
      ),

    reopen: async (id: string, actor: Actor, note?: string): Promise<IncidentView> => {
      const row = await load(db, id);
      if (row.status !== 'resolved') return view(row);
      const clash = await findOpenIncidentByGroup(db, row.groupKey);
      if (clash !== undefined)
        throw new AppError(
          'conflict',
          `Incident #${clash.number} is already open for the same alerts; work there instead.`,
        );
      return act(
        id,
        actor,
        () => ({
          set: { status: 'triggered', resolvedAt: null, resolution: null, acknowledgedAt: null },
          kind: 'reopened',
          message: `Reopened by ${actor.name}`,
        }),
        note,
      );
    },

    async update(id: string, actor: Actor, input: UpdateIncidentRequest): Promise<IncidentView> {
      const now = clock.now();
      const row = await db.transaction().execute(async (trx) => {
        const row = await load(trx, id);
        const entries = [];
        if (input.title !== undefined && input.title !== row.title)
          entries.push({
            at: now,
            actor: actor.name,
            kind: 'title_changed',
            message: `Title changed to "${input.title}"`,
            data: { before: row.title, after: input.title },
          });
        if (input.priority !== undefined && input.priority !== row.priority)
          entries.push({
            at: now,
            actor: actor.name,
            kind: 'priority_changed',
            message: `Priority changed from ${row.priority} to ${input.priority}`,
            data: { before: row.priority, after: input.priority },
          });
        await updateIncident(trx, row.id, {
          ...(input.title === undefined ? {} : { title: input.title }),
          ...(input.priority === undefined
            ? {}
            : { priority: input.priority, prioritySetByUser: 1 }),
          updatedAt: now,
        });
        await appendTimeline(trx, row.id, entries, now);
        return (await findIncident(trx, row.id)) as IncidentRow;
      });
      onChanged([row.id]);
      return view(row);
    },

    /** Moves every alert of one incident into another; the first resolves as merged. */
    async merge(id: string, actor: Actor, input: MergeIncidentRequest): Promise<IncidentView> {
      const now = clock.now();
      const target = await db.transaction().execute(async (trx) => {
        const source = await load(trx, id);
        const target = await load(trx, input.into).catch(() => {
          throw invalidField('into', `No incident ${input.into} to merge into.`);
        });
        if (target.id === source.id)
          throw invalidField('into', 'An incident cannot be merged into itself.');
        if (target.status === 'resolved')
          throw new AppError(
            'conflict',
            `Incident #${target.number} is resolved; reopen it first.`,
          );
        const moved = await trx
          .updateTable('alerts')
          .set({ incidentId: target.id })
          .where('incidentId', '=', source.id)
          .executeTakeFirst();
        const count = Number(moved.numUpdatedRows);
        await trx
          .updateTable('incidents')
          .set((eb) => ({ alertCount: eb('alertCount', '+', count), updatedAt: now }))
          .where('id', '=', target.id)
          .execute();
        await updateIncident(trx, source.id, {
          status: 'resolved',
          resolution: 'merged',
          resolvedAt: now,
          // The merged incident gives up its group: new alerts of its kind go elsewhere.
          groupKey: `${source.groupKey}#merged:${source.id}`,
          updatedAt: now,
        });
        await deleteJobByKey(trx, flushJobKey(source.id));
        const suffix = input.note === undefined || input.note === '' ? '' : `: ${input.note}`;
        await appendTimeline(
          trx,
          source.id,
          [
            {
              at: now,
              actor: actor.name,
              kind: 'merged',
              message: `Merged into #${target.number} by ${actor.name}${suffix}`,
              data: { into: target.id, alerts: count },
            },
          ],
          now,
        );
        await appendTimeline(
          trx,
          target.id,
          [
            {
              at: now,
              actor: actor.name,
              kind: 'merged_in',
              message: `#${source.number} merged in by ${actor.name} (${count} alert${count === 1 ? '' : 's'})${suffix}`,
              data: { from: source.id, alerts: count },
            },
          ],
          now,
        );
        return (await findIncident(trx, target.id)) as IncidentRow;
      });
      onChanged([target.id]);
      return view(target);
    },

    /** Moves some alerts of an incident into a new incident of their own. */
    async split(id: string, actor: Actor, input: SplitIncidentRequest): Promise<IncidentView> {
      const now = clock.now();
      const created = await db.transaction().execute(async (trx) => {
        const source = await load(trx, id);
        const moving = [...new Set(input.alertIds)];
        const byId = new Map(
          (await findAlertsByIds(trx, moving))
            .filter((a) => a.incidentId === source.id)
            .map((a) => [a.id, a]),
        );
        for (const [i, alertId] of input.alertIds.entries())
          if (!byId.has(alertId))
            throw invalidField(
              `alertIds[${i}]`,
              `Alert ${alertId} is not part of incident #${source.number}.`,
            );
        if (moving.length === (await countIncidentAlerts(trx, source.id)))
          throw invalidField(
            'alertIds',
            'Leave at least one alert in the incident; to move all of them, merge instead.',
          );
        const first = byId.get(moving[0] as string) as IncidentAlertRow;
        const newId = uuidv7(now);
        const row: IncidentRow = {
          id: newId,
          number: await nextIncidentNumber(trx),
          serviceId: first.serviceId,
          // Its own group: the original keeps collecting alerts of its kind.
          groupKey: `${source.groupKey}#split:${newId}`,
          title: input.title ?? first.summary,
          status: source.status === 'resolved' ? 'triggered' : source.status,
          priority: source.priority,
          prioritySetByUser: source.prioritySetByUser,
          resolution: null,
          alertCount: moving.length,
          timelineSeq: 0,
          notificationCount: 0,
          lastNotifiedAt: null,
          openedAt: now,
          acknowledgedAt: source.acknowledgedAt,
          resolvedAt: null,
          updatedAt: now,
        };
        await insertIncident(trx, row);
        await trx
          .updateTable('alerts')
          .set({ incidentId: newId })
          .where('id', 'in', moving)
          .execute();
        await trx
          .updateTable('incidents')
          .set((eb) => ({ alertCount: eb('alertCount', '-', moving.length), updatedAt: now }))
          .where('id', '=', source.id)
          .execute();
        const suffix = input.note === undefined || input.note === '' ? '' : `: ${input.note}`;
        await appendTimeline(
          trx,
          newId,
          [
            {
              at: now,
              actor: actor.name,
              kind: 'split_from',
              message: `Split from #${source.number} by ${actor.name} (${moving.length} alert${moving.length === 1 ? '' : 's'})${suffix}`,
              data: { from: source.id, alertIds: moving },
            },
          ],
          now,
        );
        await appendTimeline(
          trx,
          source.id,
          [
            {
              at: now,
              actor: actor.name,
              kind: 'split',
              message: `${moving.length} alert${moving.length === 1 ? '' : 's'} split into #${row.number} by ${actor.name}${suffix}`,
              data: { into: newId, alertIds: moving },
            },
          ],
          now,
        );
        return row;
      });
      onChanged([id, created.id]);
      return view(created);
    },

    // ---------- noise rules and dependencies ----------

    async rules(serviceId: string): Promise<NoiseRules> {
      if (!(await deps.serviceExists(serviceId))) throw notFound('service', serviceId);
      return mergeRules((await findNoiseRules(db, [serviceId]))[0]?.rules);
    },

    async updateRules(serviceId: string, input: UpdateNoiseRulesRequest): Promise<NoiseRules> {
      if (!(await deps.serviceExists(serviceId))) throw notFound('service', serviceId);
      for (const [i, t] of (input.thresholds ?? []).entries())
        checkMatchers(t.matchers ?? [], `thresholds[${i}].matchers`);
      const merged = { ...(await this.rules(serviceId)), ...input };
      if (merged.groupIntervalSeconds > merged.repeatIntervalSeconds)
        throw invalidField(
          'groupIntervalSeconds',
          'groupIntervalSeconds must not be longer than repeatIntervalSeconds.',
        );
      await saveNoiseRules(db, serviceId, JSON.stringify(merged), clock.now());
      return merged;
    },

    async dependencies(serviceId: string): Promise<string[]> {
      if (!(await deps.serviceExists(serviceId))) throw notFound('service', serviceId);
      return (await listDependencies(db))
        .filter((d) => d.serviceId === serviceId)
        .map((d) => d.dependsOnId);
    },

    async setDependencies(serviceId: string, dependsOn: readonly string[]): Promise<string[]> {
      if (!(await deps.serviceExists(serviceId))) throw notFound('service', serviceId);
      const unique = [...new Set(dependsOn)];
      for (const [i, id] of unique.entries()) {
        if (id === serviceId)
          throw invalidField(`dependsOn[${i}]`, 'A service cannot depend on itself.');
        if (!(await deps.serviceExists(id)))
          throw invalidField(`dependsOn[${i}]`, `No service has the id ${id}.`);
      }
      await db
        .transaction()
        .execute((trx) => replaceDependencies(trx, serviceId, unique, clock.now()));
      return unique;
    },

    async graph(): Promise<DependencyGraph> {
      const services = await db
        .selectFrom('services')
        .select(['id', 'name'])
        .where('deletedAt', 'is', null)
        .orderBy('name')
        .execute();
      const open = await listIncidents(db, { status: 'open', beforeId: null, limit: 10_000 });
      const byService = new Map<string, { count: number; worst: string | null }>();
      for (const i of open) {
        const entry = byService.get(i.serviceId) ?? { count: 0, worst: null };
        entry.count++;
        if (entry.worst === null || i.priority < entry.worst) entry.worst = i.priority;
        byService.set(i.serviceId, entry);
      }
      const live = new Set(services.map((s) => s.id));
      return {
        nodes: services.map((s) => ({
          id: s.id,
          name: s.name,
          openIncidents: byService.get(s.id)?.count ?? 0,
          worstPriority: byService.get(s.id)?.worst ?? null,
        })),
        edges: (await listDependencies(db))
          .filter((d) => live.has(d.serviceId) && live.has(d.dependsOnId))
          .map((d) => ({ from: d.serviceId, to: d.dependsOnId })),
      };
    },

    // ---------- silences ----------

    async listSilences(): Promise<SilenceView[]> {
      const now = clock.now();
      return (await listAllSilences(db, 500)).map((s) => toSilenceView(s, now));
    },

    async createSilence(input: CreateSilenceRequest, actor: Actor): Promise<SilenceView> {
      const now = clock.now();
      const matchers = input.matchers ?? [];
      const serviceIds = [...new Set(input.serviceIds ?? [])];
      const kind = input.kind ?? 'silence';
      if (matchers.length === 0 && serviceIds.length === 0)
        throw invalidField(
          'matchers',
          'Give matchers or services: a silence of everything is refused.',
        );
      if (kind === 'maintenance' && serviceIds.length === 0)
        throw invalidField(
          'serviceIds',
          'A maintenance window names the services under maintenance.',
        );
      checkMatchers(matchers, 'matchers');
      for (const [i, id] of serviceIds.entries())
        if (!(await deps.serviceExists(id)))
          throw invalidField(`serviceIds[${i}]`, `No service has the id ${id}.`);
      const startsAt = input.startsAt === undefined ? now : Date.parse(input.startsAt);
      const endsAt = Date.parse(input.endsAt);
      if (Number.isNaN(startsAt)) throw invalidField('startsAt', 'startsAt is not a valid date.');
      if (Number.isNaN(endsAt)) throw invalidField('endsAt', 'endsAt is not a valid date.');
      if (endsAt <= Math.max(now, startsAt))
        throw invalidField('endsAt', 'endsAt must be after startsAt and in the future.');
      const row: SilenceRow = {
        id: uuidv7(now),
        kind,
        serviceIds: JSON.stringify(serviceIds),
        matchers: JSON.stringify(matchers),
        startsAt,
        endsAt,
        reason: input.reason,
        createdBy: actor.name,
        createdAt: now,
      };
      await db.transaction().execute(async (trx) => {
        await insertSilence(trx, row);
        await upsertJob(
          trx,
          {
            kind: silenceEndJob,
            uniqueKey: `silence-end:${row.id}`,
            runAt: endsAt,
            payload: { silenceId: row.id },
          },
          now,
        );
      });
      return toSilenceView(row, now);
    },

    /** Ends a silence now; alerts it kept quiet that still fire become eligible to page. */
    async expireSilence(id: string): Promise<SilenceView> {
      const now = clock.now();
      const row = await findSilence(db, id);
      if (row === undefined) throw notFound('silence', id);
      if (row.endsAt > now) {
        await db.transaction().execute(async (trx) => {
          await endSilence(trx, id, now);
          await deleteJobByKey(trx, `silence-end:${id}`);
          onChanged(await noise.readmitSilenced(trx, await listSilencedOpenAlerts(trx), now));
        });
        row.endsAt = now;
      }
      return toSilenceView(row, now);
    },

    /** The silence-end job: a silence ran out. */
    async silenceEnded(now: number): Promise<void> {
      const changed = await db
        .transaction()
        .execute(async (trx) => noise.readmitSilenced(trx, await listSilencedOpenAlerts(trx), now));
      onChanged(changed);
    },

    /** The batching job of one incident. */
    async flush(incidentId: string, now: number): Promise<{ rescheduleAt: number } | undefined> {
      const result = await db.transaction().execute((trx) => noise.flush(trx, incidentId, now));
      if (result.notified) onChanged([incidentId]);
      return result.nextAt === null ? undefined : { rescheduleAt: result.nextAt };
    },
  };
}

export type IncidentService = ReturnType<typeof createIncidentService>;
