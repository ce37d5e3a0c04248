import type { ServiceList, ServiceView } from '../contracts/services.ts';
import { apiClient, apiOptions } from './api-client.ts';
import { stringOption, type Command } from './command.ts';

export const serviceCreateCommand: Command = {
  path: ['service', 'create'],
  summary: 'Create a service (through the API).',
  usage: [
    'steady service create --name <name> [--description <text>] [--team <team>] [--url <steady url>] [--token <token>]',
    '',
    '  --name         lower-case letters, digits, ".", "_" and "-", e.g. checkout-api',
    '  --team         the team that owns it',
    '',
    'Talks to a running Steady: --url or STEADY_BASE_URL, and an API token with services:write',
    '(--token or STEADY_TOKEN). Prints the service id.',
  ].join('\n'),
  options: {
    ...apiOptions,
    name: { type: 'string' },
    description: { type: 'string' },
    team: { type: 'string' },
  },
  async run(args, io) {
    const name = stringOption(args, 'name', true);
    const api = apiClient(args, io, true);
    const description = stringOption(args, 'description');
    const team = stringOption(args, 'team');
    const service = await api.request<ServiceView>('POST', '/api/services', {
      name,
      ...(description === undefined ? {} : { description }),
      ...(team === undefined ? {} : { team }),
    });
    io.err(`Created service ${service.name}.\n`);
    io.out(`${service.id}\n`);
    return 0;
  },
};

/** The id of the live service with this name or id. */
export async function findServiceId(
  api: ReturnType<typeof apiClient>,
  nameOrId: string,
): Promise<string | undefined> {
  const { items } = await api.request<ServiceList>(
    'GET',
    `/api/services?name=${encodeURIComponent(nameOrId)}`,
  );
  if (items[0] !== undefined) return items[0].id;
  const all = await api.request<ServiceList>('GET', '/api/services');
  return all.items.find((s) => s.id === nameOrId)?.id;
}
