// The process entry of Steady, for `npm start` and the `steady` command. It is the one place
// that reads process.argv, handles signals and sets the exit code.
import { createInterface } from 'node:readline';
import { runCli } from './cli/main.ts';
import type { CliIo } from './cli/command.ts';

function prompt(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
    if (hidden) {
      const output = rl as unknown as { _writeToOutput: (text: string) => void };
      output._writeToOutput = (text: string) => {
        if (text.includes(question)) process.stdout.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stdout.write('\n');
      resolve(answer);
    });
  });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const io: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  readStdin,
  prompt: process.stdin.isTTY ? prompt : undefined,
  untilShutdown: () =>
    new Promise((resolve) => {
      const stop = (signal: NodeJS.Signals) => {
        // A second signal while shutting down means "now".
        process.once(signal, () => process.exit(130));
        resolve(signal);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    }),
};

process.exitCode = await runCli(process.argv.slice(2), io);
