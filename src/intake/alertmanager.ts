import type { ParseContext, ParseOutcome } from './event.ts';
import { invalidEvent } from './event.ts';
import { isObject } from './fields.ts';
import { parsePrometheusAlerts } from './prometheus-alerts.ts';

/**
 * Prometheus Alertmanager webhook, version 4: every alert in `alerts[]` becomes an event;
 * its fingerprint (or a hash of its sorted labels) is the dedup key; "resolved" resolves.
 */
export function parseAlertmanagerWebhook(body: unknown, context: ParseContext): ParseOutcome {
  if (isObject(body) && body.version !== undefined && body.version !== '4') {
    return invalidEvent(
      'version',
      `Only Alertmanager webhook version "4" is understood, not ${JSON.stringify(body.version)}.`,
    );
  }
  return parsePrometheusAlerts(body, context);
}
