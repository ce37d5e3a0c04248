import {
  eventActions,
  invalidEvent,
  type EventAction,
  type ParseContext,
  type ParseOutcome,
} from './event.ts';
import {
  cleanDedupKey,
  cleanText,
  isObject,
  limits,
  linkIf,
  normalizeSeverity,
  optionalText,
  parseTimestamp,
  readImages,
  readLinks,
} from './fields.ts';

/** The routing key of a PagerDuty Events API v2 body, or null (the route needs it to find the integration). */
export function pagerDutyRoutingKey(body: unknown): string | null {
  return isObject(body) && typeof body.routing_key === 'string' && body.routing_key !== ''
    ? body.routing_key
    : null;
}

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): trigger, acknowledge or resolve one alert.
 * Fields PagerDuty ignores are ignored here too, so any client that talks to PagerDuty
 * works unchanged.
 */
export function parsePagerDutyEvent(body: unknown, context: ParseContext): ParseOutcome {
  if (!isObject(body)) return invalidEvent('body', 'The event must be a JSON object.');
  const action = body.event_action;
  if (typeof action !== 'string' || !(eventActions as readonly string[]).includes(action)) {
    return invalidEvent(
      'event_action',
      "'event_action' must be one of trigger, acknowledge, resolve.",
    );
  }
  let dedupKey: string;
  if (body.dedup_key === undefined || body.dedup_key === null || body.dedup_key === '') {
    if (action !== 'trigger')
      return invalidEvent('dedup_key', `'dedup_key' is required to ${action} an alert.`);
    dedupKey = context.newDedupKey();
  } else if (typeof body.dedup_key !== 'string') {
    return invalidEvent('dedup_key', "'dedup_key' must be text.");
  } else {
    dedupKey = cleanDedupKey(body.dedup_key);
    if (dedupKey.length > limits.dedupKey)
      return invalidEvent('dedup_key', `'dedup_key' is longer than ${limits.dedupKey} characters.`);
  }

  const payload = body.payload;
  if (action === 'trigger') {
    if (!isObject(payload))
      return invalidEvent('payload', "'payload' is required to trigger an alert.");
    if (typeof payload.summary !== 'string' || payload.summary.trim() === '') {
      return invalidEvent('payload.summary', "'payload.summary' is missing or blank.");
    }
  }
  const p = isObject(payload) ? payload : {};
  const source = optionalText(p.source);
  const component = optionalText(p.component);
  const group = optionalText(p.group);
  const eventClass = optionalText(p.class);
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  if (source !== null) labels.source = source;
  if (component !== null) labels.component = component;
  if (group !== null) labels.group = group;
  if (eventClass !== null) labels.class = eventClass;
  const client = optionalText(body.client);
  if (client !== null) labels.client = client;

  return {
    ok: true,
    events: [
      {
        action: action as EventAction,
        dedupKey,
        summary:
          typeof p.summary === 'string' && p.summary.trim() !== ''
            ? cleanText(p.summary.trim(), limits.summary)
            : `${action} ${dedupKey}`,
        severity: normalizeSeverity(p.severity),
        source,
        component,
        group,
        class: eventClass,
        occurredAt: parseTimestamp(p.timestamp, context.receivedAt),
        labels: { ...labels },
        details: p.custom_details ?? null,
        links: [
          ...readLinks(body.links),
          ...linkIf(body.client_url, client === null ? 'Sender' : `View in ${client}`),
        ],
        images: readImages(body.images),
      },
    ],
  };
}
