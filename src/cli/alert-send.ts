import { integrationTypeLabels, type IntegrationType } from '../contracts/integration-types.ts';
import { ApiCallError, apiClient, apiOptions } from './api-client.ts';
import { stringOption, UsageError, type Command } from './command.ts';

const severities = ['critical', 'error', 'warning', 'info'];
const formats = ['pagerduty', 'generic'] as const;
type Format = (typeof formats)[number];

export const alertSendCommand: Command = {
  path: ['alert', 'send'],
  summary: 'Send a test alert event with an integration key (PagerDuty Events v2 or generic JSON).',
  usage: [
    'steady alert send --key <integration key> --summary <text> [--severity <level>] [--dedup-key <key>] [--class <class>] [--source <source>] [--resolve] [--format pagerduty|generic]',
    '',
    `  --severity  ${severities.join(', ')} (default error)`,
    '  --dedup-key events with the same key update one alert; needed for --resolve',
    '  --class     the kind of problem ("disk-full"); alerts of one class group into one incident',
    '  --resolve   resolve the alert with --dedup-key instead of triggering',
    '  --format    pagerduty (POST /v2/enqueue) or generic (POST /api/intake/generic/<key>);',
    "              by default the one the key's integration receives",
    '',
    'Needs no API token: the integration key authenticates. Prints the dedup key.',
  ].join('\n'),
  options: {
    ...apiOptions,
    key: { type: 'string' },
    summary: { type: 'string' },
    severity: { type: 'string' },
    'dedup-key': { type: 'string' },
    class: { type: 'string' },
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
    const eventClass = stringOption(args, 'class');
    const chosen = stringOption(args, 'format');
    if (!severities.includes(severity))
      throw new UsageError(`--severity must be one of ${severities.join(', ')}`);
    if (chosen !== undefined && !(formats as readonly string[]).includes(chosen))
      throw new UsageError('--format must be pagerduty or generic');
    if (resolve && dedupKey === undefined)
      throw new UsageError('--resolve needs --dedup-key (the alert to resolve)');
    if (!resolve && summary === undefined)
      throw new UsageError('--summary is required to trigger an alert');
    const source = stringOption(args, 'source') ?? 'steady-cli';
    const api = apiClient(args, io, false);
    const format = (chosen as Format | undefined) ?? (await formatOfKey(api, key));
    if (format === 'pagerduty') {
      const answer = await api.request<{ dedup_key: string }>('POST', '/v2/enqueue', {
        routing_key: key,
        event_action: resolve ? 'resolve' : 'trigger',
        ...(dedupKey === undefined ? {} : { dedup_key: dedupKey }),
        ...(resolve
          ? {}
          : {
              payload: {
                summary,
                severity,
                source,
                ...(eventClass === undefined ? {} : { class: eventClass }),
              },
            }),
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
        ...(eventClass === undefined ? {} : { class: eventClass }),
        severity,
        source,
      },
    );
    io.out(`${answer.dedupKeys[0] ?? ''}\n`);
    return 0;
  },
};

/** The format the key's integration receives; an error naming the way out for other types. */
async function formatOfKey(api: ReturnType<typeof apiClient>, key: string): Promise<Format> {
  const { type } = await api.request<{ type: IntegrationType }>(
    'GET',
    `/api/intake/keys/${encodeURIComponent(key)}`,
  );
  if (type === 'pagerduty' || type === 'generic') return type;
  throw new ApiCallError(
    `this key belongs to a ${integrationTypeLabels[type]} integration, which receives its own tool's format; alert send speaks PagerDuty Events v2 and Steady JSON: make a generic integration to test from the shell (steady integration create --service <service> --type generic)`,
  );
}
