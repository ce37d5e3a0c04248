import type { Db } from '../../db/store.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import type { Role } from '../../contracts/access.ts';
import {
  checkPasswordStrength,
  decoyHash,
  hashPassword,
  needsRehash,
  verifyPassword,
} from './password.ts';
import {
  countActiveOwners,
  findUserByEmail,
  findUserById,
  insertUser,
  isSetupComplete,
  listUsers,
  markSetupComplete,
  updateUser,
  type UserRow,
} from './user.repository.ts';
import { deleteUserSessions } from './session.repository.ts';

/** Emails are compared case-insensitively and without surrounding spaces. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Someone acting on users: a person (with their role) or the shell (`steady user create`). */
export type Actor = { kind: 'user'; id: string; role: Role } | { kind: 'system' };

interface NewUser {
  email: string;
  name: string;
  role: Role;
  password: string;
}

/** Creates, changes and authenticates users. */
export function createUserService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;

  async function buildUser(input: NewUser): Promise<UserRow> {
    const email = normalizeEmail(input.email);
    checkPasswordStrength(input.password, email);
    const now = clock.now();
    return {
      id: uuidv7(now),
      email,
      name: input.name.trim(),
      role: input.role,
      passwordHash: await hashPassword(input.password),
      passwordChangedAt: now,
      createdAt: now,
      updatedAt: now,
      disabledAt: null,
    };
  }

  async function insertOrConflict(trx: Db, user: UserRow): Promise<void> {
    try {
      await insertUser(trx, user);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new AppError('email_taken', `A user with the email ${user.email} exists already.`, {
          field: 'email',
        });
      throw error;
    }
  }

  return {
    /** True until the first owner exists. */
    async needsOwner(): Promise<boolean> {
      return !(await isSetupComplete(db));
    },

    /** First run: creates the owner. Happens once, however many requests race. */
    async setupOwner(input: Omit<NewUser, 'role'>): Promise<UserRow> {
      const user = await buildUser({ ...input, role: 'owner' });
      try {
        await db.transaction().execute(async (trx) => {
          await markSetupComplete(trx, clock.now());
          await insertOrConflict(trx, user);
        });
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError(
            'setup_already_done',
            'The owner account exists already; log in instead.',
          );
        throw error;
      }
      return user;
    },

    /** Creates a user. Only owners may create owners; the shell may create anyone. */
    async createUser(actor: Actor, input: NewUser): Promise<UserRow> {
      if (actor.kind === 'user' && input.role === 'owner' && actor.role !== 'owner') {
        throw new AppError('forbidden', 'Only an owner can create another owner.', {
          field: 'role',
        });
      }
      const user = await buildUser(input);
      await db.transaction().execute(async (trx) => {
        // Creating the first user from the shell also completes first-run setup.
        if (!(await isSetupComplete(trx))) await markSetupComplete(trx, clock.now());
        await insertOrConflict(trx, user);
      });
      return user;
    },

    /** Every user. */
    list: () => listUsers(db),

    /** One user, or not_found. */
    async get(id: string): Promise<UserRow> {
      const user = await findUserById(db, id);
      if (user === undefined) throw notFound('user', id);
      return user;
    },

    /** The user with this email, or undefined. */
    findByEmail: (email: string) => findUserByEmail(db, normalizeEmail(email)),

    /**
     * Renames, changes the role of, or disables/enables a user. A role change or disabling
     * ends the user's sessions; the last active owner cannot be demoted or disabled.
     */
    async update(
      actor: Actor,
      id: string,
      changes: {
        name?: string | undefined;
        role?: Role | undefined;
        disabled?: boolean | undefined;
      },
    ): Promise<UserRow> {
      return db.transaction().execute(async (trx) => {
        const user = await findUserById(trx, id);
        if (user === undefined) throw notFound('user', id);
        if (
          actor.kind === 'user' &&
          actor.role !== 'owner' &&
          (user.role === 'owner' || changes.role === 'owner')
        ) {
          throw new AppError(
            'forbidden',
            'Only an owner can change an owner or make someone an owner.',
          );
        }
        if (
          actor.kind === 'user' &&
          actor.id === id &&
          (changes.role !== undefined || changes.disabled === true)
        ) {
          throw new AppError(
            'forbidden',
            'You cannot change your own role or disable yourself; ask another admin.',
          );
        }
        const now = clock.now();
        const next: Parameters<typeof updateUser>[2] = { updatedAt: now };
        if (changes.name !== undefined) next.name = changes.name.trim();
        if (changes.role !== undefined && changes.role !== user.role) next.role = changes.role;
        if (changes.disabled !== undefined && changes.disabled !== (user.disabledAt !== null)) {
          next.disabledAt = changes.disabled ? now : null;
        }
        const losesOwner =
          user.role === 'owner' &&
          user.disabledAt === null &&
          ((next.role !== undefined && next.role !== 'owner') || next.disabledAt != null);
        if (losesOwner && (await countActiveOwners(trx)) <= 1) {
          throw new AppError(
            'last_owner',
            'This is the last active owner; make someone else owner first.',
          );
        }
        await updateUser(trx, id, next);
        if (next.role !== undefined || next.disabledAt != null) await deleteUserSessions(trx, id);
        return { ...user, ...next };
      });
    },

    /**
     * The active user with these credentials, or null. Takes as long for an unknown email as
     * for a wrong password, and upgrades the hash when its parameters are outdated.
     */
    async verifyCredentials(email: string, password: string): Promise<UserRow | null> {
      const user = await findUserByEmail(db, normalizeEmail(email));
      const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
      if (user === undefined || !ok || user.disabledAt !== null) return null;
      if (needsRehash(user.passwordHash)) {
        await updateUser(db, user.id, {
          passwordHash: await hashPassword(password),
          updatedAt: clock.now(),
        });
      }
      return user;
    },

    /** Changes a user's password after checking the current one, and ends all their sessions. */
    async changePassword(
      userId: string,
      currentPassword: string,
      newPassword: string,
    ): Promise<void> {
      const user = await findUserById(db, userId);
      if (user === undefined) throw notFound('user', userId);
      if (!(await verifyPassword(currentPassword, user.passwordHash))) {
        throw new AppError('invalid_credentials', 'The current password is wrong.', {
          field: 'currentPassword',
        });
      }
      checkPasswordStrength(newPassword, user.email);
      const now = clock.now();
      const passwordHash = await hashPassword(newPassword);
      await db.transaction().execute(async (trx) => {
        await updateUser(trx, userId, { passwordHash, passwordChangedAt: now, updatedAt: now });
        await deleteUserSessions(trx, userId);
      });
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
