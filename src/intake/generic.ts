import {
  eventActions,
  invalidEvent,
  type EventAction,
  type NormalizedEvent,
  type ParseContext,
  type ParseOutcome,
} from './event.ts';
import {
  cleanDedupKey,
  cleanText,
  isObject,
  limits,
  knownSeverity,
  normalizeSeverity,
  optionalText,
  parseTimestamp,
  readLabels,
  readLinks,
} from './fields.ts';

// Steady's own JSON format, for scripts and tools without a native integration:
//   { "summary": "…", "severity": "critical|error|warning|info", "dedup_key": "…",
//     "status": "trigger|acknowledge|resolve", "source": "…", "labels": { … },
//     "links": [{ "href": "…", "text": "…" }], "details": …, "timestamp": "…" }
// One object, or an array of up to 1000. Unknown fields are refused, so typos show up.

const fields = new Set([
  'summary',
  'severity',
  'dedup_key',
  'status',
  'source',
  'labels',
  'links',
  'details',
  'timestamp',
  'component',
  'group',
  'class',
]);
const statusWords: Record<string, EventAction> = {
  firing: 'trigger',
  resolved: 'resolve',
  ok: 'resolve',
  acknowledged: 'acknowledge',
};

function parseOne(
  value: unknown,
  at: string,
  context: ParseContext,
): NormalizedEvent | ParseOutcome {
  if (!isObject(value))
    return invalidEvent(at || 'body', `${at || 'The body'} must be a JSON object.`);
  const prefix = at === '' ? '' : `${at}.`;
  for (const key of Object.keys(value)) {
    if (!fields.has(key))
      return invalidEvent(
        `${prefix}${key}`,
        `Unknown field "${prefix}${key}"; put extra data under "details".`,
      );
  }
  const statusWord = value.status === undefined ? 'trigger' : value.status;
  const action =
    typeof statusWord === 'string'
      ? (eventActions as readonly string[]).includes(statusWord)
        ? (statusWord as EventAction)
        : statusWords[statusWord]
      : undefined;
  if (action === undefined)
    return invalidEvent(
      `${prefix}status`,
      `"${prefix}status" must be trigger, acknowledge or resolve.`,
    );
  if (typeof value.summary !== 'string' || value.summary.trim() === '') {
    if (action === 'trigger')
      return invalidEvent(`${prefix}summary`, `"${prefix}summary" is required.`);
  }
  let dedupKey: string;
  if (value.dedup_key === undefined || value.dedup_key === '') {
    if (action !== 'trigger')
      return invalidEvent(
        `${prefix}dedup_key`,
        `"${prefix}dedup_key" is required to ${action} an alert.`,
      );
    dedupKey = context.newDedupKey();
  } else if (typeof value.dedup_key !== 'string') {
    return invalidEvent(`${prefix}dedup_key`, `"${prefix}dedup_key" must be text.`);
  } else {
    dedupKey = cleanDedupKey(value.dedup_key);
    if (dedupKey.length > limits.dedupKey)
      return invalidEvent(
        `${prefix}dedup_key`,
        `"${prefix}dedup_key" is longer than ${limits.dedupKey} characters.`,
      );
  }
  const labels = readLabels(value.labels);
  if (typeof labels === 'string')
    return invalidEvent(`${prefix}labels`, `"${prefix}labels" ${labels}.`);
  if (value.links !== undefined && !Array.isArray(value.links))
    return invalidEvent(`${prefix}links`, `"${prefix}links" must be a list of { href, text }.`);
  // Steady's own format refuses a severity it cannot read rather than guess (it was stored as
  // "error" silently): a sender writing "P1" means something, and should learn what is taken.
  if (
    value.severity !== undefined &&
    value.severity !== null &&
    (typeof value.severity !== 'string' || knownSeverity(value.severity) === null)
  )
    return invalidEvent(
      `${prefix}severity`,
      `"${prefix}severity" must be critical, error, warning or info (or a synonym such as crit, warn, high, low, P1–P5; see the docs), not ${JSON.stringify(value.severity).slice(0, 40)}.`,
    );
  const summary =
    typeof value.summary === 'string' && value.summary.trim() !== ''
      ? cleanText(value.summary.trim(), limits.summary)
      : `${action} ${dedupKey}`;
  return {
    action,
    dedupKey,
    summary,
    severity: normalizeSeverity(value.severity),
    source: optionalText(value.source),
    component: optionalText(value.component),
    group: optionalText(value.group),
    class: optionalText(value.class),
    occurredAt: parseTimestamp(value.timestamp, context.receivedAt),
    labels: { ...labels },
    details: value.details ?? null,
    links: readLinks(value.links),
    images: [],
  };
}

/** Parses Steady's generic JSON event format (one event or a list). */
export function parseGenericEvents(body: unknown, context: ParseContext): ParseOutcome {
  const list = Array.isArray(body) ? body : [body];
  if (list.length === 0) return invalidEvent('body', 'The list of events is empty.');
  if (list.length > 1000) return invalidEvent('body', 'Send at most 1000 events in one request.');
  const events: NormalizedEvent[] = [];
  let labelCount = 0;
  for (const [index, value] of list.entries()) {
    const parsed = parseOne(value, Array.isArray(body) ? `[${index}]` : '', context);
    if ('ok' in parsed) return parsed;
    labelCount += Object.keys(parsed.labels).length;
    if (labelCount > limits.labels)
      return invalidEvent('labels', `The request has more than ${limits.labels} labels in all.`);
    events.push(parsed);
  }
  return { ok: true, events };
}
