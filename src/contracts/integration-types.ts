/** The kinds of integration, one per inbound format. Plain constants: the web bundle imports them. */
export const integrationTypes = [
  'pagerduty',
  'alertmanager',
  'grafana',
  'sentry',
  'generic',
  'heartbeat',
] as const;
export type IntegrationType = (typeof integrationTypes)[number];

/** What each type is called in the UI. */
export const integrationTypeLabels: Record<IntegrationType, string> = {
  pagerduty: 'PagerDuty Events API v2',
  alertmanager: 'Prometheus Alertmanager',
  grafana: 'Grafana alerting',
  sentry: 'Sentry',
  generic: 'Generic JSON',
  heartbeat: 'Heartbeat (cron / job monitor)',
};

/** The path an integration of `type` receives on, with `key` filled in. */
export function intakePath(type: IntegrationType, key: string): string {
  switch (type) {
    case 'pagerduty':
      return '/v2/enqueue';
    case 'heartbeat':
      return `/ping/${key}`;
    default:
      return `/api/intake/${type}/${key}`;
  }
}
