import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';

/** What a command may do to the outside world; main.ts supplies the real one, tests a fake. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Everything on standard input. */
  readStdin(): Promise<string>;
  /** Asks a question on the terminal; `hidden` does not echo. Undefined without a terminal. */
  prompt: ((question: string, hidden: boolean) => Promise<string>) | undefined;
  /** Resolves with the signal name when the process is asked to stop. */
  untilShutdown(): Promise<string>;
}

/** A mistake in how the command was called: one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** One `steady` command. */
export interface Command {
  /** Words after `steady`, e.g. ['user', 'create']. */
  path: readonly string[];
  summary: string;
  usage: string;
  options: ParseArgsOptionsConfig;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

/** Options every command accepts. */
export const globalOptions: ParseArgsOptionsConfig = {
  help: { type: 'boolean', short: 'h' },
  config: { type: 'string' },
};

/** Parses argv for a command; unknown flags are usage errors naming the flag. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...globalOptions, ...command.options },
      strict: true,
      allowPositionals: false,
    });
    return { values, positionals };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
}

/** A string option, or a usage error when it is required and missing. */
export function stringOption(args: ParsedArgs, name: string, required: true): string;
export function stringOption(args: ParsedArgs, name: string, required?: false): string | undefined;
export function stringOption(args: ParsedArgs, name: string, required = false): string | undefined {
  const value = args.values[name];
  if (typeof value === 'string' && value !== '') return value;
  if (required) throw new UsageError(`--${name} is required`);
  return undefined;
}

/** Every value of a repeatable string option. */
export function stringList(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}

/** The config the server would use, from --config, the environment and defaults. */
export function configFrom(args: ParsedArgs, io: CliIo): Config {
  try {
    return loadConfig({ env: io.env, configFile: stringOption(args, 'config') });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.problems.join('; '));
    throw error;
  }
}
