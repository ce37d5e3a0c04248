// Request bodies for the ingest benchmark: the same distinct alerts for Steady and for
// Alertmanager, built up front so the load generator spends its CPU on sending.

const startsAt = '2026-11-22T02:03:41.512Z';

function alert(batch: number, index: number) {
  return {
    labels: {
      alertname: 'HighErrorRate',
      service: `svc-${batch % 50}`,
      instance: `pod-${batch}-${index}:8080`,
      job: 'checkout-api',
      severity: index % 7 === 0 ? 'critical' : 'warning',
      env: 'prod',
    },
    annotations: {
      summary: `5xx ratio above 5% on pod-${batch}-${index}`,
      description: 'Error ratio is 7.3% over 5m',
      runbook_url: 'https://runbooks.example.com/checkout-api/high-error-rate',
    },
    startsAt,
    generatorURL:
      'https://prometheus.example.com/graph?g0.expr=rate%28http_requests_total%5B5m%5D%29',
  };
}

/** `count` Alertmanager webhook (v4) bodies of `size` distinct alerts each, as Steady receives them. */
export function alertmanagerWebhooks(count: number, size: number): string[] {
  return Array.from({ length: count }, (_, b) =>
    JSON.stringify({
      version: '4',
      groupKey: `{}:{alertname="HighErrorRate", batch="${b}"}`,
      truncatedAlerts: 0,
      status: 'firing',
      receiver: 'steady',
      groupLabels: { alertname: 'HighErrorRate' },
      commonLabels: { alertname: 'HighErrorRate', env: 'prod' },
      commonAnnotations: {},
      externalURL: 'https://alertmanager.example.com',
      alerts: Array.from({ length: size }, (_, i) => ({
        status: 'firing',
        ...alert(b, i),
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: `${b.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
      })),
    }),
  );
}

/** The same alerts as Alertmanager's own API takes them (POST /api/v2/alerts). */
export function alertmanagerApiBodies(count: number, size: number): string[] {
  return Array.from({ length: count }, (_, b) =>
    JSON.stringify(Array.from({ length: size }, (_, i) => alert(b, i))),
  );
}

/** `count` PagerDuty Events v2 triggers with distinct dedup keys. */
export function pagerDutyEvents(count: number, routingKey: string): string[] {
  return Array.from({ length: count }, (_, i) =>
    JSON.stringify({
      routing_key: routingKey,
      event_action: 'trigger',
      dedup_key: `bench-${i}`,
      payload: {
        summary: `Disk 91% full on db-${i}`,
        source: `db-${i}.prod`,
        severity: 'critical',
        component: 'postgres',
        group: 'storage',
        class: 'disk',
      },
    }),
  );
}
