import {
  invalidEvent,
  type NormalizedEvent,
  type ParseContext,
  type ParseOutcome,
} from './event.ts';
import {
  cleanText,
  isObject,
  limits,
  linkIf,
  normalizeSeverity,
  optionalText,
  parseTimestamp,
  readLabels,
} from './fields.ts';

// Sentry webhooks (internal integrations and issue-alert webhooks). The resource comes from
// the Sentry-Hook-Resource header, or is inferred from the body. Resources that say nothing
// about an alert (installation, comment …) are accepted with no events.

type Resource = 'event_alert' | 'issue' | 'metric_alert' | 'other';

function resourceOf(header: string | undefined, data: Record<string, unknown>): Resource {
  if (header === 'event_alert' || header === 'issue' || header === 'metric_alert') return header;
  if (header !== undefined && header !== '') return 'other';
  if (isObject(data.event)) return 'event_alert';
  if (isObject(data.metric_alert)) return 'metric_alert';
  if (isObject(data.issue)) return 'issue';
  return 'other';
}

/** Sentry's tags ([key, value] pairs) as labels. */
function tagLabels(tags: unknown): Record<string, unknown> {
  const labels: Record<string, unknown> = {};
  if (!Array.isArray(tags)) return labels;
  for (const tag of tags) {
    if (Array.isArray(tag) && typeof tag[0] === 'string' && tag[1] !== undefined)
      labels[tag[0]] = tag[1];
  }
  return labels;
}

function idText(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return optionalText(value, limits.shortText);
}

function eventAlert(data: Record<string, unknown>, context: ParseContext): ParseOutcome {
  const event = data.event;
  if (!isObject(event)) return invalidEvent('data.event', "'data.event' must be an object.");
  const issueId = idText(event.issue_id);
  if (issueId === null)
    return invalidEvent('data.event.issue_id', "'data.event.issue_id' is missing.");
  const labels = readLabels({
    ...tagLabels(event.tags),
    ...(event.project === undefined ? {} : { project: event.project }),
    ...(typeof event.environment === 'string' ? { environment: event.environment } : {}),
    ...(typeof data.triggered_rule === 'string' ? { rule: data.triggered_rule } : {}),
  });
  if (typeof labels === 'string')
    return invalidEvent('data.event.tags', `'data.event.tags' ${labels}.`);
  const title = optionalText(event.title, limits.summary) ?? `Sentry issue ${issueId}`;
  return {
    ok: true,
    events: [
      {
        action: 'trigger',
        dedupKey: `issue:${issueId}`,
        summary: cleanText(title, limits.summary),
        severity: normalizeSeverity(event.level),
        source: optionalText(event.environment) ?? idText(event.project),
        component: optionalText(event.culprit),
        group: idText(event.project),
        class: isObject(event.metadata) ? optionalText(event.metadata.type) : null,
        occurredAt: parseTimestamp(event.timestamp ?? event.datetime, context.receivedAt),
        labels: { ...labels },
        details: {
          culprit: event.culprit ?? null,
          release: event.release ?? null,
          location: event.location ?? null,
          metadata: event.metadata ?? null,
          rule: data.triggered_rule ?? null,
        },
        links: [
          ...linkIf(event.web_url, 'Sentry event'),
          ...linkIf(event.issue_url, 'Sentry issue (API)'),
        ],
        images: [],
      },
    ],
  };
}

function issue(action: string, data: Record<string, unknown>): ParseOutcome {
  const body = data.issue;
  if (!isObject(body)) return invalidEvent('data.issue', "'data.issue' must be an object.");
  const id = idText(body.id);
  if (id === null) return invalidEvent('data.issue.id', "'data.issue.id' is missing.");
  const eventAction =
    action === 'created' || action === 'unresolved'
      ? 'trigger'
      : action === 'resolved'
        ? 'resolve'
        : action === 'ignored' || action === 'archived'
          ? 'acknowledge'
          : null;
  if (eventAction === null) return { ok: true, events: [] };
  const project = isObject(body.project) ? optionalText(body.project.slug) : null;
  const event: NormalizedEvent = {
    action: eventAction,
    dedupKey: `issue:${id}`,
    summary: optionalText(body.title, limits.summary) ?? `Sentry issue ${id}`,
    severity: normalizeSeverity(body.level),
    source: project,
    component: optionalText(body.culprit),
    group: project,
    class: optionalText(body.type),
    occurredAt: null,
    labels: project === null ? {} : { project },
    details: { status: body.status ?? null, culprit: body.culprit ?? null },
    links: linkIf(body.web_url ?? body.permalink, 'Sentry issue'),
    images: [],
  };
  return { ok: true, events: [event] };
}

function metricAlert(action: string, data: Record<string, unknown>): ParseOutcome {
  const alert = data.metric_alert;
  if (!isObject(alert))
    return invalidEvent('data.metric_alert', "'data.metric_alert' must be an object.");
  const id = idText(alert.id);
  if (id === null)
    return invalidEvent('data.metric_alert.id', "'data.metric_alert.id' is missing.");
  const rule = isObject(alert.alert_rule) ? optionalText(alert.alert_rule.name) : null;
  const title =
    optionalText(data.description_title, limits.summary) ??
    optionalText(alert.title, limits.summary) ??
    rule ??
    `Sentry metric alert ${id}`;
  return {
    ok: true,
    events: [
      {
        action: action === 'resolved' ? 'resolve' : 'trigger',
        dedupKey: `metric_alert:${id}`,
        summary: title,
        severity: action === 'critical' ? 'critical' : action === 'warning' ? 'warning' : 'error',
        source: 'sentry',
        component: null,
        group: null,
        class: rule,
        occurredAt: null,
        labels: rule === null ? {} : { rule },
        details: { description: data.description_text ?? null },
        links: linkIf(data.web_url, 'Sentry alert'),
        images: [],
      },
    ],
  };
}

/** Parses a Sentry webhook; `resource` is the Sentry-Hook-Resource header. */
export function parseSentryWebhook(
  body: unknown,
  resource: string | undefined,
  context: ParseContext,
): ParseOutcome {
  if (!isObject(body)) return invalidEvent('body', 'The webhook body must be a JSON object.');
  if (!isObject(body.data)) return invalidEvent('data', "'data' must be an object.");
  const action = typeof body.action === 'string' ? body.action : '';
  switch (resourceOf(resource, body.data)) {
    case 'event_alert':
      return eventAlert(body.data, context);
    case 'issue':
      return issue(action, body.data);
    case 'metric_alert':
      return metricAlert(action, body.data);
    case 'other':
      return { ok: true, events: [] };
  }
}
