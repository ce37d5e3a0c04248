import { isRole, roles } from '../contracts/access.ts';
import { createUserService, toUserView } from '../modules/accounts/index.ts';
import { createAuditService } from '../modules/audit/index.ts';
import { systemClock } from '../platform/clock.ts';
import { isAppError } from '../platform/errors.ts';
import { configFrom, stringOption, UsageError, type CliIo, type Command } from './command.ts';
import { openHostStore } from './host-store.ts';

async function readPassword(usesStdin: boolean, io: CliIo): Promise<string> {
  if (usesStdin) return (await io.readStdin()).replace(/\r?\n$/, '');
  if (io.prompt === undefined)
    throw new UsageError('no terminal to ask for the password; pass it with --password-stdin');
  const first = await io.prompt('Password (12+ characters): ', true);
  const second = await io.prompt('Repeat the password: ', true);
  if (first !== second) throw new UsageError('the passwords differ');
  return first;
}

export const userCreateCommand: Command = {
  path: ['user', 'create'],
  summary: 'Create a user (the first one becomes the instance owner).',
  usage: [
    'steady user create --email <email> --role <role> [--name <name>] [--password-stdin]',
    '',
    `  --role            ${roles.join(', ')}`,
    '  --name            display name (default: the part of the email before @)',
    '  --password-stdin  read the password from standard input instead of asking',
    '',
    'Runs on the server host against the configured database (no login needed).',
  ].join('\n'),
  options: {
    email: { type: 'string' },
    role: { type: 'string' },
    name: { type: 'string' },
    'password-stdin': { type: 'boolean' },
  },
  async run(args, io) {
    const email = stringOption(args, 'email', true);
    const role = stringOption(args, 'role', true);
    if (!isRole(role)) throw new UsageError(`--role must be one of ${roles.join(', ')}`);
    const name = stringOption(args, 'name') ?? email.split('@')[0] ?? email;
    const password = await readPassword(args.values['password-stdin'] === true, io);
    const config = configFrom(args, io);
    const store = await openHostStore(config);
    try {
      const users = createUserService({ db: store.db, clock: systemClock });
      const firstRun = await users.needsOwner();
      if (firstRun && role !== 'owner')
        throw new UsageError('the first user must be the owner: use --role owner');
      const user = firstRun
        ? await users.setupOwner({ email, name, password })
        : await users.createUser({ kind: 'system' }, { email, name, role, password });
      await createAuditService({ db: store.db, clock: systemClock }).record({
        actorType: 'system',
        actorLabel: 'steady user create',
        action: firstRun ? 'setup.owner_created' : 'user.created',
        targetType: 'user',
        targetId: user.id,
        statusCode: 201,
        detail: { email: user.email, role: user.role },
      });
      const view = toUserView(user);
      io.out(`Created ${view.role} ${view.email} (id ${view.id}).\n`);
      return 0;
    } catch (error) {
      if (isAppError(error)) throw new UsageError(error.message);
      throw error;
    } finally {
      await store.close();
    }
  },
};
