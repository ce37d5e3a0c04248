import type { IntegrationType } from '../../contracts/integration-types.ts';
import type {
  CreateIntegrationRequest,
  UpdateIntegrationRequest,
} from '../../contracts/integrations.ts';
import type { Db } from '../../db/store.ts';
import { generateWebhookSecret, isWebhookSecret } from '../../intake/signature.ts';
import type { Clock } from '../../platform/clock.ts';
import { invalidField, notFound } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secret-box.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import {
  canonicalKey,
  generateIntegrationKey,
  hashIntegrationKey,
  keyPrefix,
} from './integration-key.ts';
import {
  deleteServiceIntegrations,
  findHeartbeatMonitors,
  findIntegration,
  findIntegrationByKeyHash,
  insertHeartbeatMonitor,
  insertIntegration,
  insertRejection,
  listIntegrations,
  listRejections,
  updateHeartbeatMonitor,
  updateIntegration,
  type HeartbeatMonitorRow,
  type IntegrationRow,
} from './integration.repository.ts';
import { KeyCache } from './key-cache.ts';

/** What the intake path needs to know about the integration a key belongs to. */
export interface IntegrationLookup {
  id: string;
  serviceId: string;
  type: IntegrationType;
  name: string;
  rateLimitPerMinute: number | null;
  /** The decrypted signing secret, when requests must be signed. */
  signingSecret: string | null;
}

/** A rejected intake request, as recorded for "why is my alert not arriving?". */
export interface Rejection {
  statusCode: number;
  code: string;
  message: string;
  field?: string | undefined;
  contentType?: string | undefined;
  body: Buffer | string;
  remoteIp?: string | undefined;
}

const defaultHeartbeat = { periodSeconds: 86_400, graceSeconds: 3_600 };
const excerptBytes = 4096;

/** A readable excerpt of a rejected body: the first 4 KiB, invalid UTF-8 shown as U+FFFD. */
function excerpt(body: Buffer | string): string {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const text = bytes
    .subarray(0, excerptBytes)
    .toString('utf8')
    .replaceAll('\u0000', '\uFFFD')
    .toWellFormed();
  return bytes.length > excerptBytes ? `${text}… (${bytes.length} bytes in all)` : text;
}

function checkSecretFor(
  type: IntegrationType,
  secret: string | null | undefined,
  generate: boolean | undefined,
): void {
  if (type === 'sentry' && (secret === undefined || secret === null)) {
    throw invalidField(
      'signingSecret',
      'A Sentry integration needs the client secret from your Sentry integration settings to verify Sentry-Hook-Signature.',
    );
  }
  if (secret !== undefined && secret !== null && type !== 'sentry' && type !== 'generic') {
    throw invalidField(
      'signingSecret',
      `${type} integrations are not signed; leave signingSecret out.`,
    );
  }
  if (type === 'generic' && secret !== undefined && secret !== null && !isWebhookSecret(secret)) {
    throw invalidField(
      'signingSecret',
      'A generic integration signs with Standard Webhooks: the secret must look like whsec_<base64 of 24–64 bytes>, or ask Steady to generate one.',
    );
  }
  if (generate === true && type !== 'generic')
    throw invalidField(
      'generateSigningSecret',
      'Only generic integrations use a Steady-generated signing secret.',
    );
}

/** Creates, changes and looks up integrations. */
export function createIntegrationService(deps: {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  serviceExists: (id: string) => Promise<boolean>;
}) {
  const { db, clock, secrets } = deps;
  // Keyed by the key itself, not its hash: hashing on every intake request was a measurable
  // share of a single alert's cost. Only the database must never hold a key in the clear;
  // this process sees every key in its requests anyway, and the cache is bounded and brief.
  const cache = new KeyCache<IntegrationLookup>({ clock });

  async function live(id: string): Promise<IntegrationRow> {
    const row = await findIntegration(db, id);
    if (row === undefined) throw notFound('integration', id);
    return row;
  }

  return {
    /** Creates an integration and its key (returned in clear this once). */
    async create(
      input: CreateIntegrationRequest,
    ): Promise<{ row: IntegrationRow; key: string; signingSecret: string | null }> {
      if (!(await deps.serviceExists(input.serviceId)))
        throw invalidField('serviceId', `No service with id ${input.serviceId}.`);
      checkSecretFor(input.type, input.signingSecret, input.generateSigningSecret);
      if (input.heartbeat !== undefined && input.type !== 'heartbeat')
        throw invalidField('heartbeat', 'Only heartbeat integrations have a period and grace.');
      const generated =
        input.generateSigningSecret === true && input.signingSecret === undefined
          ? generateWebhookSecret()
          : null;
      const secret = input.signingSecret ?? generated;
      const key = generateIntegrationKey(input.type);
      const now = clock.now();
      const row: IntegrationRow = {
        id: uuidv7(now),
        serviceId: input.serviceId,
        name: input.name?.trim() ?? input.type,
        type: input.type,
        keyHash: hashIntegrationKey(canonicalKey(key) ?? key),
        keyPrefix: keyPrefix(key),
        previousKeyHash: null,
        previousKeyExpiresAt: null,
        signingSecret: secret === null ? null : secrets.seal(secret),
        rateLimitPerMinute: input.rateLimitPerMinute ?? null,
        createdAt: now,
        updatedAt: now,
        disabledAt: null,
        deletedAt: null,
      };
      await db.transaction().execute(async (trx) => {
        await insertIntegration(trx, row);
        if (input.type === 'heartbeat') {
          const settings = input.heartbeat ?? defaultHeartbeat;
          await insertHeartbeatMonitor(trx, {
            integrationId: row.id,
            ...settings,
            status: 'new',
            lastPingAt: null,
            lastStartAt: null,
            lastSuccessAt: null,
            lastFailureAt: null,
            lastExitCode: null,
            dueAt: null,
            updatedAt: now,
          });
        }
      });
      return { row, key, signingSecret: generated };
    },

    list: (serviceId?: string) => listIntegrations(db, serviceId),
    get: live,

    /** Heartbeat monitors of the given integrations, by integration id. */
    async monitors(ids: readonly string[]): Promise<Map<string, HeartbeatMonitorRow>> {
      return new Map((await findHeartbeatMonitors(db, ids)).map((m) => [m.integrationId, m]));
    },

    async update(
      id: string,
      input: UpdateIntegrationRequest,
    ): Promise<{ before: IntegrationRow; after: IntegrationRow }> {
      const before = await live(id);
      const type = before.type as IntegrationType;
      if (input.signingSecret !== undefined) checkSecretFor(type, input.signingSecret, undefined);
      if (input.heartbeat !== undefined && type !== 'heartbeat')
        throw invalidField('heartbeat', 'Only heartbeat integrations have a period and grace.');
      const now = clock.now();
      const changes: Parameters<typeof updateIntegration>[2] = { updatedAt: now };
      if (input.name !== undefined) changes.name = input.name.trim();
      if (input.enabled !== undefined)
        changes.disabledAt = input.enabled ? null : (before.disabledAt ?? now);
      if (input.rateLimitPerMinute !== undefined)
        changes.rateLimitPerMinute = input.rateLimitPerMinute;
      if (input.signingSecret !== undefined)
        changes.signingSecret =
          input.signingSecret === null ? null : secrets.seal(input.signingSecret);
      await db.transaction().execute(async (trx) => {
        await updateIntegration(trx, id, changes);
        if (input.heartbeat !== undefined)
          await updateHeartbeatMonitor(trx, id, { ...input.heartbeat, updatedAt: now });
      });
      cache.clear();
      return { before, after: { ...before, ...changes } };
    },

    async remove(id: string): Promise<IntegrationRow> {
      const row = await live(id);
      const now = clock.now();
      await updateIntegration(db, id, { deletedAt: now, updatedAt: now });
      cache.clear();
      return row;
    },

    /** Issues a new key; the old one keeps working for `overlapMinutes` so senders can switch. */
    async rotateKey(
      id: string,
      overlapMinutes: number,
    ): Promise<{ row: IntegrationRow; key: string }> {
      const before = await live(id);
      const key = generateIntegrationKey(before.type as IntegrationType);
      const now = clock.now();
      const changes = {
        keyHash: hashIntegrationKey(canonicalKey(key) ?? key),
        keyPrefix: keyPrefix(key),
        previousKeyHash: overlapMinutes > 0 ? before.keyHash : null,
        previousKeyExpiresAt: overlapMinutes > 0 ? now + overlapMinutes * 60_000 : null,
        updatedAt: now,
      };
      await updateIntegration(db, id, changes);
      cache.clear();
      return { row: { ...before, ...changes }, key };
    },

    /** The cached answer of lookupByKey for this key, or undefined when not cached (no I/O). */
    cachedLookup(candidate: string): IntegrationLookup | null | undefined {
      const canonical = canonicalKey(candidate);
      if (canonical === null) return null;
      return cache.get(canonical);
    },

    /**
     * The enabled integration a key (as written in a URL or body) belongs to, or null. Cached
     * briefly, hits and misses alike.
     */
    async lookupByKey(candidate: string): Promise<IntegrationLookup | null> {
      const canonical = canonicalKey(candidate);
      if (canonical === null) return null;
      const cached = cache.get(canonical);
      if (cached !== undefined) return cached;
      const row = await findIntegrationByKeyHash(db, hashIntegrationKey(canonical), clock.now());
      const found: IntegrationLookup | null =
        row === undefined
          ? null
          : {
              id: row.id,
              serviceId: row.serviceId,
              type: row.type as IntegrationType,
              name: row.name,
              rateLimitPerMinute: row.rateLimitPerMinute,
              signingSecret: row.signingSecret === null ? null : secrets.open(row.signingSecret),
            };
      cache.set(canonical, found);
      return found;
    },

    async rejections(id: string) {
      await live(id);
      return listRejections(db, id);
    },

    /** Keeps a rejected request in the integration's bounded list. */
    recordRejection: (integrationId: string, rejection: Rejection) =>
      insertRejection(db, {
        integrationId,
        receivedAt: clock.now(),
        statusCode: rejection.statusCode,
        code: rejection.code,
        message: rejection.message.slice(0, 1000),
        field: rejection.field?.slice(0, 200) ?? null,
        contentType: rejection.contentType?.slice(0, 200) ?? null,
        bodyExcerpt: excerpt(rejection.body),
        remoteIp: rejection.remoteIp ?? null,
      }),

    /** Soft-deletes a deleted service's integrations (inside the service's transaction). */
    async deleteForService(trx: Db, serviceId: string, now: number): Promise<void> {
      await deleteServiceIntegrations(trx, serviceId, now);
      cache.clear();
    },
  };
}

export type IntegrationService = ReturnType<typeof createIntegrationService>;
