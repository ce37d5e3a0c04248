import { readFileSync } from 'node:fs';
import { migrateCommand } from './migrate.ts';
import { serveCommand } from './serve.ts';
import { tokenCreateCommand } from './token-create.ts';
import { userCreateCommand } from './user-create.ts';
import { alertSendCommand } from './alert-send.ts';
import { integrationCreateCommand } from './integration-create.ts';
import { serviceCreateCommand } from './service-create.ts';
import { parseCommandArgs, UsageError, type CliIo, type Command } from './command.ts';

/** Every command, in the order `steady --help` lists them. */
export const commands: readonly Command[] = [
  serveCommand,
  migrateCommand,
  userCreateCommand,
  tokenCreateCommand,
  serviceCreateCommand,
  integrationCreateCommand,
  alertSendCommand,
];

const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

function overview(): string {
  const width = Math.max(...commands.map((c) => c.path.join(' ').length));
  return [
    'steady — calm incident response',
    '',
    'Usage: steady <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.path.join(' ').padEnd(width)}  ${c.summary}`),
    '',
    'Every command takes --help and --config <file>. Settings: see README (STEADY_* variables).',
    '',
  ].join('\n');
}

/** Finds the command whose path is the longest prefix of argv. */
function match(argv: string[]): { command: Command; rest: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.path.length - a.path.length);
  for (const command of sorted) {
    if (command.path.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(command.path.length) };
  }
  return undefined;
}

/** Runs `steady <argv>`; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.out(overview());
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version' || argv[0] === '-v') {
    io.out(`${version}\n`);
    return 0;
  }
  const found = match(argv);
  if (found === undefined) {
    const group = commands.filter((c) => c.path[0] === argv[0]);
    if (group.length > 0 && (argv[1] === undefined || argv[1] === '--help' || argv[1] === '-h')) {
      io.out(`${group.map((c) => `steady ${c.path.join(' ')}  ${c.summary}`).join('\n')}\n`);
      return argv[1] === undefined ? 2 : 0;
    }
    io.err(
      `steady: unknown command "${argv
        .filter((a) => !a.startsWith('-'))
        .slice(0, 2)
        .join(' ')}"; run steady --help\n`,
    );
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help === true) {
      io.out(`${command.summary}\n\nUsage: ${command.usage}\n`);
      return 0;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`steady ${command.path.join(' ')}: ${error.message}\n`);
      return 2;
    }
    io.err(
      `steady ${command.path.join(' ')}: ${(error as Error).message.split('\n')[0] ?? 'failed'}\n`,
    );
    return 1;
  }
}
