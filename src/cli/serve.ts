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
    // For people: the log on standard output is JSON lines, for machines.
    for (const line of server.greeting.info) io.err(`${line}\n`);
    for (const warning of server.greeting.warnings) io.err(`Warning: ${warning}\n`);
    const signal = await io.untilShutdown();
    server.app.log.info(
      { signal },
      'shutting down: finishing in-flight requests and releasing job leases',
    );
    await server.close();
    return 0;
  },
};
