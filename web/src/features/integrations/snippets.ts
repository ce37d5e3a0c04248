import type { IntegrationType } from '../../../../src/contracts/integration-types.ts';

/** How to point a sender at an integration: a title and a block to copy. */
export interface Snippet {
  title: string;
  language: string;
  text: string;
}

/**
 * Configuration for each kind of sender, with the intake URL and key filled in (or the
 * "<key>" placeholder once the key is no longer shown).
 */
export function snippetsFor(type: IntegrationType, intakeUrl: string, key: string): Snippet[] {
  const base = intakeUrl.replace(/\/v2\/enqueue$|\/api\/intake\/.*$|\/ping\/.*$/, '');
  switch (type) {
    case 'alertmanager':
      return [
        {
          title: 'alertmanager.yml: a receiver (route alerts to it as usual)',
          language: 'yaml',
          text: `receivers:\n  - name: steady\n    webhook_configs:\n      - url: '${intakeUrl}'\n        send_resolved: true\n`,
        },
        {
          title: 'Test with curl',
          language: 'sh',
          text: `curl -fsS -X POST '${intakeUrl}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"version":"4","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"SteadyTest","severity":"warning"},"annotations":{"summary":"Test from curl"}}]}'\n`,
        },
      ];
    case 'pagerduty':
      return [
        {
          title: 'alertmanager.yml: PagerDuty receiver pointed at Steady',
          language: 'yaml',
          text: `receivers:\n  - name: steady\n    pagerduty_configs:\n      - routing_key: '${key}'\n        url: '${base}/v2/enqueue'\n        send_resolved: true\n`,
        },
        {
          title: 'Any PagerDuty Events API v2 client: change the URL to',
          language: 'text',
          text: `${base}/v2/enqueue   (routing key: ${key})\n`,
        },
        {
          title: 'Test with curl',
          language: 'sh',
          text: `curl -fsS -X POST '${base}/v2/enqueue' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"routing_key":"${key}","event_action":"trigger","dedup_key":"steady-test","payload":{"summary":"Test from curl","source":"curl","severity":"warning"}}'\n`,
        },
      ];
    case 'grafana':
      return [
        {
          title: 'Grafana: Alerting → Contact points → New → Integration "Webhook", URL:',
          language: 'text',
          text: `${intakeUrl}\n`,
        },
        {
          title: 'Or provision it (grafana/provisioning/alerting/steady.yaml)',
          language: 'yaml',
          text: `apiVersion: 1\ncontactPoints:\n  - orgId: 1\n    name: steady\n    receivers:\n      - uid: steady\n        type: webhook\n        settings:\n          url: ${intakeUrl}\n          httpMethod: POST\n`,
        },
      ];
    case 'sentry':
      return [
        {
          title:
            'Sentry: Settings → Developer Settings → Custom Integrations → New Internal Integration',
          language: 'text',
          text: `Webhook URL: ${intakeUrl}\nAlert Rule Action: on (then add "Send a notification via <this integration>" to your alert rules)\nWebhooks: issue (optional, to follow resolves)\nThen copy the integration's Client Secret into Steady: it verifies Sentry-Hook-Signature.\n`,
        },
      ];
    case 'generic':
      return [
        {
          title: 'Send an event (Steady JSON)',
          language: 'sh',
          text: `curl -fsS -X POST '${intakeUrl}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"summary":"Disk 91% full on db-1","severity":"warning","dedup_key":"db-1-disk","source":"db-1","labels":{"env":"prod"}}'\n`,
        },
        {
          title: 'Resolve it',
          language: 'sh',
          text: `curl -fsS -X POST '${intakeUrl}' \\\n  -H 'Content-Type: application/json' \\\n  -d '{"status":"resolve","dedup_key":"db-1-disk"}'\n`,
        },
      ];
    case 'heartbeat':
      return [
        {
          title: 'crontab: ping after the job, with its exit status',
          language: 'sh',
          text: `0 3 * * * /usr/local/bin/backup.sh; curl -fsS -m 10 --retry 5 -o /dev/null ${intakeUrl}/$?\n`,
        },
        {
          title: 'Signal the start (optional) and failures',
          language: 'text',
          text: `${intakeUrl}/start\n${intakeUrl}/fail\n`,
        },
      ];
  }
}
