import { isScope, scopes, type Scope } from '../contracts/access.ts';
import { createApiTokenService, createUserService } from '../modules/accounts/index.ts';
import { createAuditService } from '../modules/audit/index.ts';
import { systemClock } from '../platform/clock.ts';
import { configFrom, stringList, stringOption, UsageError, type Command } from './command.ts';
import { openHostStore } from './host-store.ts';

export const tokenCreateCommand: Command = {
  path: ['token', 'create'],
  summary: 'Create an API token for a user and print it once.',
  usage: [
    'steady token create --name <name> --scope <scope> [--scope <scope> …] [--user <email>] [--expires-in-days <n>]',
    '',
    `  --scope            repeatable; one of: ${scopes.join(', ')}`,
    '                     (<area>:write includes <area>:read)',
    '  --user             whose token it is (default: the owner, when there is exactly one)',
    '  --expires-in-days  the token stops working after this many days (default: never)',
    '',
    'Runs on the server host against the configured database (no login needed).',
  ].join('\n'),
  options: {
    name: { type: 'string' },
    scope: { type: 'string', multiple: true },
    user: { type: 'string' },
    'expires-in-days': { type: 'string' },
  },
  async run(args, io) {
    const name = stringOption(args, 'name', true);
    const requested = stringList(args, 'scope');
    if (requested.length === 0) throw new UsageError('--scope is required (repeat it for several)');
    const unknown = requested.filter((s) => !isScope(s));
    if (unknown.length > 0)
      throw new UsageError(
        `unknown scope ${unknown.join(', ')}; known scopes: ${scopes.join(', ')}`,
      );
    const daysText = stringOption(args, 'expires-in-days');
    const expiresInDays = daysText === undefined ? undefined : Number(daysText);
    if (
      expiresInDays !== undefined &&
      (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650)
    ) {
      throw new UsageError('--expires-in-days must be a whole number from 1 to 3650');
    }
    const config = configFrom(args, io);
    const store = await openHostStore(config);
    try {
      const users = createUserService({ db: store.db, clock: systemClock });
      const email = stringOption(args, 'user');
      let user;
      if (email !== undefined) {
        user = await users.findByEmail(email);
        if (user === undefined) throw new UsageError(`no user with the email ${email}`);
      } else {
        const owners = (await users.list()).filter(
          (u) => u.role === 'owner' && u.disabledAt === null,
        );
        if (owners.length !== 1)
          throw new UsageError(
            owners.length === 0
              ? 'no owner exists yet; run steady user create --role owner first'
              : 'several owners exist; say whose token it is with --user',
          );
        user = owners[0];
      }
      if (user === undefined || user.disabledAt !== null)
        throw new UsageError('that user is disabled');
      const { token, row } = await createApiTokenService({
        db: store.db,
        clock: systemClock,
      }).create(user.id, {
        name,
        scopes: requested as Scope[],
        expiresInDays,
      });
      await createAuditService({ db: store.db, clock: systemClock }).record({
        actorType: 'system',
        actorLabel: 'steady token create',
        action: 'api_token.created',
        targetType: 'api_token',
        targetId: row.id,
        statusCode: 201,
        detail: { name, scopes: requested, user: user.email },
      });
      io.err(
        `Created API token "${name}" for ${user.email}, printed on standard output. It is shown only this once: store it safely.\n`,
      );
      io.out(`${token}\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
