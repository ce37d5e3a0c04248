import { networkInterfaces } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { Config } from './config.ts';
import { openToOthers } from './platform/file-modes.ts';
import { startupMessage } from './platform/startup-message.ts';

/** A listening Steady server. */
export interface RunningServer {
  app: FastifyInstance;
  /** The address it listens on, e.g. http://127.0.0.1:8080. */
  address: string;
  /** Stops accepting, finishes in-flight requests, releases job leases, closes the database. */
  close(): Promise<void>;
  /** What to tell a person at start: where Steady is, and warnings (each also logged). */
  greeting: { info: string[]; warnings: string[] };
}

/** Warnings about Steady's data directory or files being open to other users of the machine. */
function openFileWarnings(app: FastifyInstance, config: Config): string[] {
  const sqliteFile = app.steady.ctx.store.sqliteFile;
  const paths = [config.dataDir, path.join(config.dataDir, 'secret.key')];
  if (sqliteFile !== null) {
    paths.push(path.dirname(sqliteFile), sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`);
  }
  return openToOthers([...new Set(paths)]).map(
    (open) =>
      `${open.path} is open to other users of this machine (mode ${open.mode}) and holds alerts, accounts or keys: chmod ${open.wanted} ${open.path}`,
  );
}

/** This machine's IPv4 addresses other machines may reach it at. */
function externalAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => (i as { address: string }).address);
}

/** Builds the app, listens on the configured host and port, and starts background work. */
export async function startServer(config: Config): Promise<RunningServer> {
  const started = performance.now();
  const app = await buildApp(config);
  const address = await app.listen({ host: config.host, port: config.port });
  // Port 0 picks a free port; a base URL derived from it would point nowhere.
  if (new URL(config.baseUrl).port === '0') config.baseUrl = address;
  // The last line of defence for background work (see platform/background.ts): an error no
  // code caught is logged and counted, and the server goes on. Every loop and timer in Steady
  // retries its work at its next turn, so staying up loses nothing, while exiting would stop
  // intake for every sender until something restarts the process.
  const { background } = app.steady.ctx;
  const onUnhandled = (error: unknown) => background.failed('unhandled', error);
  process.on('uncaughtException', onUnhandled);
  process.on('unhandledRejection', onUnhandled);
  await app.steady.start();
  const greeting = startupMessage({
    address,
    host: config.host,
    baseUrl: config.baseUrl,
    engine: app.steady.ctx.store.engine,
    sqliteFile: app.steady.ctx.store.sqliteFile,
    needsOwner: await app.steady.accounts.users.needsOwner(),
    addresses: externalAddresses(),
  });
  greeting.warnings.push(...openFileWarnings(app, config));
  for (const warning of greeting.warnings) app.log.warn(warning);
  app.log.info(
    {
      address,
      engine: app.steady.ctx.store.engine,
      startupMs: Math.round(performance.now() - started),
    },
    `Steady is listening on ${address}`,
  );
  let closing: Promise<void> | undefined;
  return {
    app,
    address,
    greeting,
    close: () =>
      (closing ??= app.close().finally(() => {
        process.off('uncaughtException', onUnhandled);
        process.off('unhandledRejection', onUnhandled);
      })),
  };
}
