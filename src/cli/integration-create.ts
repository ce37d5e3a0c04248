import { integrationTypes, type IntegrationType } from '../contracts/integration-types.ts';
import type { KeyResponse } from '../contracts/integrations.ts';
import { ApiCallError, apiClient, apiOptions } from './api-client.ts';
import { stringOption, UsageError, type Command } from './command.ts';
import { findServiceId } from './service-create.ts';

export const integrationCreateCommand: Command = {
  path: ['integration', 'create'],
  summary: 'Create an integration and print its key and intake URL (through the API).',
  usage: [
    `steady integration create --service <name or id> --type <${integrationTypes.join('|')}> [--name <name>]`,
    '                          [--signing-secret <secret>] [--period <seconds> --grace <seconds>]',
    '',
    '  --signing-secret  Sentry: the client secret of your Sentry integration (required).',
    '                    Generic: a whsec_… secret to require Standard Webhooks signatures.',
    '  --period, --grace heartbeat: how often the job pings, and how late it may be (seconds).',
    '',
    'Talks to a running Steady: --url or STEADY_BASE_URL, and an API token with integrations:write',
    '(--token or STEADY_TOKEN). The key is printed once; keep it safe.',
  ].join('\n'),
  options: {
    ...apiOptions,
    service: { type: 'string' },
    type: { type: 'string' },
    name: { type: 'string' },
    'signing-secret': { type: 'string' },
    period: { type: 'string' },
    grace: { type: 'string' },
  },
  async run(args, io) {
    const serviceName = stringOption(args, 'service', true);
    const type = stringOption(args, 'type', true);
    if (!(integrationTypes as readonly string[]).includes(type))
      throw new UsageError(`--type must be one of ${integrationTypes.join(', ')}`);
    const seconds = (name: string) => {
      const text = stringOption(args, name);
      if (text === undefined) return undefined;
      if (!/^\d+$/.test(text)) throw new UsageError(`--${name} must be a whole number of seconds`);
      return Number(text);
    };
    const period = seconds('period');
    const grace = seconds('grace');
    if ((period === undefined) !== (grace === undefined))
      throw new UsageError('give both --period and --grace, or neither');
    const api = apiClient(args, io, true);
    const serviceId = await findServiceId(api, serviceName);
    // Not a usage mistake (exit 2) but a fact about the server (exit 1), like its refusals.
    if (serviceId === undefined)
      throw new ApiCallError(
        `no service named ${serviceName}; steady service create --name ${serviceName}`,
      );
    const name = stringOption(args, 'name');
    const secret = stringOption(args, 'signing-secret');
    const created = await api.request<KeyResponse>('POST', '/api/integrations', {
      serviceId,
      type: type as IntegrationType,
      ...(name === undefined ? {} : { name }),
      ...(secret === undefined ? {} : { signingSecret: secret }),
      ...(period === undefined || grace === undefined
        ? {}
        : { heartbeat: { periodSeconds: period, graceSeconds: grace } }),
    });
    io.out(`key: ${created.key}\nurl: ${created.intakeUrl}\n`);
    if (created.signingSecret !== undefined) io.out(`signing secret: ${created.signingSecret}\n`);
    io.err('The key is shown only now; store it safely.\n');
    return 0;
  },
};
