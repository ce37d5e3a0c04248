import { createHash } from 'node:crypto';
import {
  invalidEvent,
  type AlertLink,
  type NormalizedEvent,
  type ParseContext,
  type ParseOutcome,
} from './event.ts';
import {
  cleanDedupKey,
  cleanText,
  isObject,
  limits,
  normalizeSeverity,
  optionalText,
  parseTimestamp,
  readLabels,
} from './fields.ts';

// Alertmanager's webhook and Grafana's alerting webhook share one shape: a group of alerts,
// each with labels, annotations, status and a fingerprint. One mechanism, parameterised by
// the extras each sender adds.

/** The fingerprint of a label set when the sender gives none: SHA-256 of the sorted labels. */
export function labelFingerprint(labels: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const key of Object.keys(labels).sort())
    hash.update(`${key}\u0000${labels[key] ?? ''}\u0000`);
  return hash.digest('hex').slice(0, 16);
}

interface Options {
  /** Extra links a sender puts on each alert (Grafana's dashboard and panel URLs). */
  extraLinks?: (alert: Record<string, unknown>) => AlertLink[];
  /** Extra details a sender puts on each alert (Grafana's values). */
  extraDetails?: (alert: Record<string, unknown>) => Record<string, unknown>;
  /** Most alerts in one request. */
  maxAlerts?: number;
}

/** Parses a webhook body carrying `alerts[]` in the Alertmanager shape. */
export function parsePrometheusAlerts(
  body: unknown,
  context: ParseContext,
  options: Options = {},
): ParseOutcome {
  if (!isObject(body)) return invalidEvent('body', 'The webhook body must be a JSON object.');
  if (!Array.isArray(body.alerts))
    return invalidEvent('alerts', "'alerts' must be a list of alerts.");
  const maxAlerts = options.maxAlerts ?? 5000;
  if (body.alerts.length > maxAlerts)
    return invalidEvent('alerts', `A request may carry at most ${maxAlerts} alerts.`);
  const commonLabels = isObject(body.commonLabels) ? body.commonLabels : {};
  const externalUrl = optionalText(body.externalURL, limits.href);

  const events: NormalizedEvent[] = [];
  let labelCount = 0;
  for (const [index, alert] of body.alerts.entries()) {
    const at = `alerts[${index}]`;
    if (!isObject(alert)) return invalidEvent(at, `${at} must be an object.`);
    const labels = readLabels(alert.labels);
    if (typeof labels === 'string') return invalidEvent(`${at}.labels`, `${at}.labels ${labels}.`);
    labelCount += Object.keys(labels).length;
    if (labelCount > limits.labels)
      return invalidEvent(
        `${at}.labels`,
        `The request has more than ${limits.labels} labels in all.`,
      );
    const annotations = readLabels(alert.annotations);
    if (typeof annotations === 'string')
      return invalidEvent(`${at}.annotations`, `${at}.annotations ${annotations}.`);
    const status = alert.status ?? body.status;
    if (status !== 'firing' && status !== 'resolved')
      return invalidEvent(`${at}.status`, `${at}.status must be "firing" or "resolved".`);

    const fingerprint =
      typeof alert.fingerprint === 'string' && alert.fingerprint.trim() !== ''
        ? cleanDedupKey(alert.fingerprint)
        : labelFingerprint(labels);
    if (fingerprint.length > limits.dedupKey)
      return invalidEvent(
        `${at}.fingerprint`,
        `${at}.fingerprint is longer than ${limits.dedupKey} characters.`,
      );
    const summary =
      annotations.summary ??
      annotations.description ??
      annotations.message ??
      labels.alertname ??
      'Alert';
    const details: Record<string, unknown> = { annotations };
    if (options.extraDetails !== undefined) Object.assign(details, options.extraDetails(alert));
    const severity =
      labels.severity ??
      (typeof commonLabels.severity === 'string' ? commonLabels.severity : undefined);
    const links: AlertLink[] = [];
    if (typeof alert.generatorURL === 'string' && alert.generatorURL !== '')
      links.push({ href: cleanText(alert.generatorURL, limits.href), text: 'Source' });
    if (annotations.runbook_url !== undefined && annotations.runbook_url !== '')
      links.push({ href: cleanText(annotations.runbook_url, limits.href), text: 'Runbook' });
    if (options.extraLinks !== undefined) links.push(...options.extraLinks(alert));
    if (externalUrl !== null) links.push({ href: externalUrl, text: 'Alert manager' });

    events.push({
      action: status === 'resolved' ? 'resolve' : 'trigger',
      dedupKey: fingerprint,
      summary: cleanText(summary, limits.summary),
      severity: normalizeSeverity(severity),
      source: labels.instance ?? labels.job ?? labels.host ?? null,
      component: labels.service ?? labels.job ?? null,
      group: labels.team ?? labels.namespace ?? null,
      class: labels.alertname ?? null,
      occurredAt: parseTimestamp(
        status === 'resolved' ? (alert.endsAt ?? alert.startsAt) : alert.startsAt,
        context.receivedAt,
      ),
      labels,
      details,
      links,
      images: [],
    });
  }
  return { ok: true, events };
}
