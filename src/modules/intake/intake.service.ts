import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ErrorCode } from '../../contracts/errors.ts';
import {
  integrationTypeLabels,
  intakePath,
  type IntegrationType,
} from '../../contracts/integration-types.ts';
import { parseAlertmanagerWebhook } from '../../intake/alertmanager.ts';
import type { NormalizedEvent, ParseContext, ParseOutcome } from '../../intake/event.ts';
import { parseGenericEvents } from '../../intake/generic.ts';
import { parseGrafanaWebhook } from '../../intake/grafana.ts';
import { pagerDutyRoutingKey, parsePagerDutyEvent } from '../../intake/pagerduty.ts';
import { parseSentryWebhook } from '../../intake/sentry.ts';
import { verifySentrySignature, verifyStandardWebhook } from '../../intake/signature.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, isAppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/logger.ts';
import type { Counter } from '../../platform/metrics.ts';
import { WindowLimiter } from '../../platform/rate-limit.ts';
import { decodeUtf8, parseStrictJsonText } from '../../platform/strict-json.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import type { IntegrationLookup, IntegrationService } from '../integrations/index.ts';
import type { IntakeRecord, NewAlertEvent } from './event-log.repository.ts';
import type { IntakeWriter } from './intake-writer.ts';

/** The inbound formats with an HTTP body (heartbeat pings are handled apart). */
export type IntakeFormat = Exclude<IntegrationType, 'heartbeat'>;

/** What one intake request came to. */
export type IntakeResult =
  | { kind: 'accepted'; dedupKeys: string[]; duplicate: boolean }
  | {
      kind: 'rejected';
      status: number;
      code: ErrorCode;
      message: string;
      field?: string;
      retryAfterSeconds?: number;
    };

export interface IntakeRequest {
  format: IntakeFormat;
  /** The key from the URL (every format but PagerDuty, whose key is in the body). */
  pathKey: string | null;
  body: Buffer | undefined;
  headers: IncomingHttpHeaders;
  ip: string;
}

// Headers worth keeping with the raw body: enough to debug a sender, never a credential.
const keptHeaders = [
  'content-type',
  'content-length',
  'user-agent',
  'x-request-id',
  'sentry-hook-resource',
  'sentry-hook-timestamp',
  'webhook-id',
  'webhook-timestamp',
];

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function rejected(status: number, code: ErrorCode, message: string, field?: string): IntakeResult {
  return field === undefined
    ? { kind: 'rejected', status, code, message }
    : { kind: 'rejected', status, code, message, field };
}

const notFound = rejected(404, 'not_found', 'No integration has this key, or it is disabled.');

function parseWith(
  format: IntakeFormat,
  body: unknown,
  headers: IncomingHttpHeaders,
  context: ParseContext,
): ParseOutcome {
  switch (format) {
    case 'pagerduty':
      return parsePagerDutyEvent(body, context);
    case 'alertmanager':
      return parseAlertmanagerWebhook(body, context);
    case 'grafana':
      return parseGrafanaWebhook(body, context);
    case 'sentry':
      return parseSentryWebhook(body, header(headers, 'sentry-hook-resource'), context);
    case 'generic':
      return parseGenericEvents(body, context);
  }
}

function toEventRow(
  event: NormalizedEvent,
  requestId: string,
  integration: IntegrationLookup,
  receivedAt: number,
): NewAlertEvent {
  return {
    requestId,
    integrationId: integration.id,
    serviceId: integration.serviceId,
    receivedAt,
    action: event.action,
    dedupKey: event.dedupKey,
    summary: event.summary,
    severity: event.severity,
    source: event.source,
    component: event.component,
    groupName: event.group,
    class: event.class,
    occurredAt: event.occurredAt,
    labels: JSON.stringify(event.labels),
    details:
      event.details === null || event.details === undefined ? null : JSON.stringify(event.details),
    links: JSON.stringify(event.links),
    images: JSON.stringify(event.images),
  };
}

/**
 * Receives alert events from monitoring tools: finds the integration by its key, applies its
 * rate limit, checks content type and signature on the raw bytes, parses strictly, lets the
 * format's adapter normalise the events, and answers only once they are committed. Every
 * refusal says why; refusals for a known integration are kept in its rejected-requests list.
 */
/** What `describeKey` tells the holder of a key. */
export interface KeyDescription {
  type: IntegrationType;
  name: string;
  intakePath: string;
}

/** The pause before answering an unknown key, once an address has tried too many. */
export const unknownKeyPauseMs = 1000;

export function createIntakeService(deps: {
  integrations: IntegrationService;
  writer: IntakeWriter;
  clock: Clock;
  log: Logger;
  defaultRateLimitPerMinute: number;
  requests: Counter;
  events: Counter;
}) {
  const { integrations, writer, clock, log } = deps;
  const rateLimiter = new WindowLimiter({
    limit: deps.defaultRateLimitPerMinute,
    windowMs: 60_000,
    clock,
  });
  // Guessing keys costs the guesser: past 60 unknown keys a minute from one address, each
  // further unknown key is answered only after a pause. Known keys never pay it, so a stale
  // key in one sender's config (or a NAT or proxy shared with a guesser) cannot get a good
  // sender's alerts refused; senders such as Alertmanager drop an alert for good on a 4xx.
  const unknownKeyLimiter = new WindowLimiter({ limit: 60, windowMs: 60_000, clock });
  // A flood of bad requests must not become a flood of writes.
  const rejectionLimiter = new WindowLimiter({ limit: 20, windowMs: 10_000, clock });

  // Label objects made once per (format, outcome): the counters key their series by the
  // object, and a fresh object per request would be keyed afresh every time.
  const labels = new Map<string, Record<string, string>>();
  function labelsFor(format: IntakeFormat, outcome: string): Record<string, string> {
    const key = `${format} ${outcome}`;
    let found = labels.get(key);
    if (found === undefined) {
      found = outcome === '' ? { format } : { format, outcome };
      labels.set(key, found);
    }
    return found;
  }

  function count(format: IntakeFormat, outcome: string): void {
    deps.requests.inc(labelsFor(format, outcome));
  }

  /** The integration a key belongs to (null: unknown or disabled). */
  async function findIntegration(key: string | null): Promise<IntegrationLookup | null> {
    // The cache answers most requests (misses too); only a miss pays for a promise and a query.
    const cached = key === null ? null : integrations.cachedLookup(key);
    return cached !== undefined ? cached : integrations.lookupByKey(key as string);
  }

  /**
   * Counts an unknown key against the caller's address; resolves at once while the address
   * is within the limit, else after `unknownKeyPauseMs`.
   */
  async function noteUnknown(ip: string): Promise<void> {
    if (unknownKeyLimiter.hit(ip) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, unknownKeyPauseMs));
  }

  async function unknownKey(format: IntakeFormat, ip: string): Promise<IntakeResult> {
    count(format, 'unknown_key');
    await noteUnknown(ip);
    return notFound;
  }

  async function record(
    integration: IntegrationLookup,
    request: IntakeRequest,
    result: IntakeResult,
  ): Promise<IntakeResult> {
    if (result.kind === 'rejected' && rejectionLimiter.hit(integration.id) === 0) {
      try {
        await integrations.recordRejection(integration.id, {
          statusCode: result.status,
          code: result.code,
          message: result.message,
          field: result.field,
          contentType: header(request.headers, 'content-type'),
          body: request.body ?? '',
          remoteIp: request.ip,
        });
      } catch (error) {
        log.warn(
          { err: error, integration: integration.id },
          'intake: could not record a rejected request',
        );
      }
    }
    return result;
  }

  /** Checks what can be checked before parsing: content type, encoding, presence of a body. */
  function checkEnvelope(request: IntakeRequest): IntakeResult | null {
    const contentType = header(request.headers, 'content-type') ?? '';
    const [mediaType, ...params] = contentType.split(';').map((p) => p.trim().toLowerCase());
    if (mediaType !== 'application/json') {
      return rejected(
        415,
        'unsupported_media_type',
        `Send the body as application/json, not ${contentType === '' ? 'without a Content-Type' : contentType}.`,
        'content-type',
      );
    }
    const charset = params
      .find((p) => p.startsWith('charset='))
      ?.slice('charset='.length)
      .replaceAll('"', '');
    if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
      return rejected(
        415,
        'unsupported_media_type',
        `Send JSON as UTF-8, not ${charset}.`,
        'content-type',
      );
    }
    const encoding = header(request.headers, 'content-encoding');
    if (encoding !== undefined && encoding !== 'identity') {
      return rejected(
        415,
        'unsupported_media_type',
        `Send the body uncompressed (Content-Encoding ${encoding} is not accepted).`,
        'content-encoding',
      );
    }
    if (request.body === undefined || request.body.length === 0)
      return rejected(
        400,
        'empty_body',
        'The request body is empty; send the JSON your tool posts.',
        'body',
      );
    return null;
  }

  function checkSignature(
    integration: IntegrationLookup,
    request: IntakeRequest,
    body: Buffer,
  ): { result: IntakeResult | null; webhookId: string | null } {
    if (integration.type === 'sentry') {
      const ok =
        integration.signingSecret !== null &&
        verifySentrySignature(
          body,
          header(request.headers, 'sentry-hook-signature'),
          integration.signingSecret,
        );
      return ok
        ? { result: null, webhookId: null }
        : {
            result: rejected(
              401,
              'signature_invalid',
              'Sentry-Hook-Signature is missing or does not match; check the client secret saved for this integration.',
              'sentry-hook-signature',
            ),
            webhookId: null,
          };
    }
    if (integration.type === 'generic' && integration.signingSecret !== null) {
      const check = verifyStandardWebhook(
        body,
        {
          id: header(request.headers, 'webhook-id'),
          timestamp: header(request.headers, 'webhook-timestamp'),
          signature: header(request.headers, 'webhook-signature'),
        },
        integration.signingSecret,
        clock.now(),
      );
      if (!check.ok)
        return {
          result: rejected(401, check.code, check.message, 'webhook-signature'),
          webhookId: null,
        };
      return { result: null, webhookId: check.webhookId };
    }
    return { result: null, webhookId: null };
  }

  async function store(
    integration: IntegrationLookup,
    request: IntakeRequest,
    text: string,
    events: NormalizedEvent[],
    webhookId: string | null,
    receivedAt: number,
  ): Promise<IntakeResult> {
    const requestId = uuidv7(receivedAt);
    const headers: Record<string, string> = {};
    for (const name of keptHeaders) {
      const value = header(request.headers, name);
      if (value !== undefined) headers[name] = value.slice(0, 500);
    }
    const format = request.format;
    const record: IntakeRecord = {
      request: {
        id: requestId,
        integrationId: integration.id,
        receivedAt,
        format,
        body: text,
        headers: JSON.stringify(headers),
        remoteIp: request.ip,
        eventCount: events.length,
      },
      events: events.map((e) => toEventRow(e, requestId, integration, receivedAt)),
      webhookId,
    };
    // Only the record (strings) and the keys wait for the commit. The parsed body, the
    // normalised events and the request stay out of the suspended frame: during a storm a
    // request waits for several commits, and whatever waits with it reaches V8's old
    // generation, where garbage is the dearest to collect.
    const dedupKeys = events.map((e) => e.dedupKey);
    return submit(format, record, dedupKeys);
  }

  async function submit(
    format: IntakeFormat,
    record: IntakeRecord,
    dedupKeys: string[],
  ): Promise<IntakeResult> {
    try {
      const result = await writer.submit(record);
      count(format, result === 'duplicate' ? 'duplicate' : 'accepted');
      if (result === 'stored') deps.events.inc(labelsFor(format, ''), dedupKeys.length);
      return { kind: 'accepted', dedupKeys, duplicate: result === 'duplicate' };
    } catch (error) {
      count(format, 'unavailable');
      const retry = isAppError(error) ? Number(error.headers['retry-after'] ?? 5) : 5;
      return {
        kind: 'rejected',
        status: 503,
        code: 'unavailable',
        message: isAppError(error)
          ? error.message
          : 'Steady could not store the alert; retry shortly.',
        retryAfterSeconds: retry,
      };
    }
  }

  return {
    /** Handles one intake request end to end. */
    async receive(request: IntakeRequest): Promise<IntakeResult> {
      const receivedAt = clock.now();
      let integration: IntegrationLookup | null = null;
      if (request.format !== 'pagerduty') {
        integration = await findIntegration(request.pathKey);
        if (integration === null) return unknownKey(request.format, request.ip);
        const wrongType = this.checkType(integration, request.format);
        if (wrongType !== null) return record(integration, request, wrongType);
        const limited = this.checkRate(integration);
        if (limited !== null) {
          count(request.format, 'rate_limited');
          return limited;
        }
      }

      const envelope = checkEnvelope(request);
      if (envelope !== null)
        return integration === null ? envelope : record(integration, request, envelope);
      const raw = request.body as Buffer;

      let signed: { result: IntakeResult | null; webhookId: string | null } = {
        result: null,
        webhookId: null,
      };
      if (integration !== null) {
        signed = checkSignature(integration, request, raw);
        if (signed.result !== null) return record(integration, request, signed.result);
      }

      let text: string;
      let body: unknown;
      try {
        text = decodeUtf8(raw);
        body = parseStrictJsonText(text);
      } catch (error) {
        const result = isAppError(error)
          ? rejected(error.status, error.code, error.message, error.field)
          : rejected(400, 'invalid_json', 'The body is not valid JSON.');
        return integration === null ? result : record(integration, request, result);
      }

      if (request.format === 'pagerduty') {
        const routingKey = pagerDutyRoutingKey(body);
        if (routingKey === null)
          return rejected(
            400,
            'invalid_event',
            "'routing_key' is missing or blank.",
            'routing_key',
          );
        integration = await findIntegration(routingKey);
        if (integration === null) return unknownKey(request.format, request.ip);
        const wrongType = this.checkType(integration, request.format);
        if (wrongType !== null) return record(integration, request, wrongType);
        const limited = this.checkRate(integration);
        if (limited !== null) {
          count(request.format, 'rate_limited');
          return limited;
        }
      }
      if (integration === null) return notFound;

      const outcome = parseWith(request.format, body, request.headers, {
        receivedAt,
        newDedupKey: () => randomUUID().replaceAll('-', ''),
      });
      if (!outcome.ok) {
        count(request.format, 'rejected');
        const { status, code, message, field } = outcome.rejection;
        return record(integration, request, rejected(status, code, message, field));
      }
      for (const event of outcome.events) {
        if (event.action !== 'trigger')
          log.debug(
            { integration: integration.id, dedupKey: event.dedupKey, action: event.action },
            'intake: acknowledge/resolve received',
          );
      }
      return store(integration, request, text, outcome.events, signed.webhookId, receivedAt);
    },

    /** Counts an unknown key against an address, pausing past the limit (heartbeat pings share it). */
    noteUnknown,

    /**
     * What a key is for: its integration's type and where to send, for the holder of the key
     * (`steady alert send` picks its format from it). Unknown keys are answered as on intake.
     */
    async describeKey(key: string, ip: string): Promise<KeyDescription> {
      const integration = await findIntegration(key);
      if (integration === null) {
        await noteUnknown(ip);
        throw new AppError('not_found', 'No integration has this key, or it is disabled.');
      }
      return {
        type: integration.type,
        name: integration.name,
        intakePath: intakePath(integration.type, key),
      };
    },

    /** A 400 when a key is used on another format's URL (the caller holds the key, so this leaks nothing). */
    checkType(integration: IntegrationLookup, format: IntakeFormat): IntakeResult | null {
      if (integration.type === format) return null;
      return rejected(
        400,
        'invalid_request',
        `This key belongs to a ${integrationTypeLabels[integration.type]} integration; send to ${intakePath(integration.type, '<key>')}.`,
        'key',
      );
    },

    /** A 429 when the integration is over its rate limit (the route decides the status). */
    checkRate(integration: IntegrationLookup): IntakeResult | null {
      const waitMs = rateLimiter.hit(
        integration.id,
        integration.rateLimitPerMinute ?? deps.defaultRateLimitPerMinute,
      );
      if (waitMs === 0) return null;
      return {
        kind: 'rejected',
        status: 429,
        code: 'rate_limited',
        message: `${integration.name} sends more than its limit of requests per minute; retry later.`,
        retryAfterSeconds: Math.ceil(waitMs / 1000),
      };
    },
  };
}

export type IntakeService = ReturnType<typeof createIntakeService>;
