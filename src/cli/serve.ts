import { startServer } from '../server.ts';
import { configFrom, type Command } from './command.ts';

export const serveCommand: Command = {
  path: ['serve'],
  summary: 'Start the Steady server (HTTP API, web app and background jobs).',
  usage:
    'steady serve [--config <file>]\n\nSettings come from the environment (STEADY_*) and the optional JSON config file.',
  options: {},
  async run(args, io) {
    const server = await startServer(configFrom(args, io));
    const signal = await io.untilShutdown();
    server.app.log.info(
      { signal },
      'shutting down: finishing in-flight requests and releasing job leases',
    );
    await server.close();
    return 0;
  },
};
