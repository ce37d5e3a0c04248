import type { ParseContext, ParseOutcome } from './event.ts';
import { linkIf } from './fields.ts';
import { parsePrometheusAlerts } from './prometheus-alerts.ts';

/**
 * Grafana alerting webhook (contact point type "Webhook"): the Alertmanager shape plus
 * dashboard, panel and silence links and the evaluated values.
 */
export function parseGrafanaWebhook(body: unknown, context: ParseContext): ParseOutcome {
  return parsePrometheusAlerts(body, context, {
    extraLinks: (alert) => [
      ...linkIf(alert.dashboardURL, 'Dashboard'),
      ...linkIf(alert.panelURL, 'Panel'),
      ...linkIf(alert.silenceURL, 'Silence in Grafana'),
    ],
    extraDetails: (alert) => ({
      ...(alert.values !== undefined ? { values: alert.values } : {}),
      ...(typeof alert.valueString === 'string' && alert.valueString !== ''
        ? { valueString: alert.valueString }
        : {}),
    }),
  });
}
