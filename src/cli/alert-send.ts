import { apiClient, apiOptions } from './api-client.ts';
import { stringOption, UsageError, type Command } from './command.ts';

const severities = ['critical', 'error', 'warning', 'info'];

export const alertSendCommand: Command = {
  path: ['alert', 'send'],
  summary: 'Send a test alert event with an integration key (PagerDuty Events v2 or generic JSON).',
  usage: [
    'steady alert send --key <integration key> --summary <text> [--severity <level>] [--dedup-key <key>] [--source <source>] [--resolve] [--format pagerduty|generic]',
    '',
    `  --severity  ${severities.join(', ')} (default error)`,
    '  --dedup-key events with the same key update one alert; needed for --resolve',
    '  --resolve   resolve the alert with --dedup-key instead of triggering',
    '  --format    pagerduty (default: POST /v2/enqueue) or generic (POST /api/intake/generic/<key>)',
    '',
    'Needs no API token: the integration key authenticates. Prints the dedup key.',
  ].join('\n'),
  options: {
    ...apiOptions,
    key: { type: 'string' },
    summary: { type: 'string' },
    severity: { type: 'string' },
    'dedup-key': { type: 'string' },
    source: { type: 'string' },
    resolve: { type: 'boolean' },
    format: { type: 'string' },
  },
  async run(args, io) {
    const key = stringOption(args, 'key', true);
    const resolve = args.values.resolve === true;
    const dedupKey = stringOption(args, 'dedup-key');
    const summary = stringOption(args, 'summary');
    const severity = stringOption(args, 'severity') ?? 'error';
    const format = stringOption(args, 'format') ?? 'pagerduty';
    if (!severities.includes(severity))
      throw new UsageError(`--severity must be one of ${severities.join(', ')}`);
    if (format !== 'pagerduty' && format !== 'generic')
      throw new UsageError('--format must be pagerduty or generic');
    if (resolve && dedupKey === undefined)
      throw new UsageError('--resolve needs --dedup-key (the alert to resolve)');
    if (!resolve && summary === undefined)
      throw new UsageError('--summary is required to trigger an alert');
    const source = stringOption(args, 'source') ?? 'steady-cli';
    const api = apiClient(args, io, false);
    if (format === 'pagerduty') {
      const answer = await api.request<{ dedup_key: string }>('POST', '/v2/enqueue', {
        routing_key: key,
        event_action: resolve ? 'resolve' : 'trigger',
        ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
        ...(resolve ? {} : { payload: { summary, severity, source } }),
      });
      io.out(`${answer.dedup_key}\n`);
      return 0;
    }
    const answer = await api.request<{ dedupKeys: string[] }>(
      'POST',
      `/api/intake/generic/${encodeURIComponent(key)}`,
      {
        status: resolve ? 'resolve' : 'trigger',
        ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
        ...(summary === undefined ? {} : { summary }),
        severity,
        source,
      },
    );
    io.out(`${answer.dedupKeys[0] ?? ''}\n`);
    return 0;
  },
};
