import type { CreateServiceRequest, UpdateServiceRequest } from '../../contracts/services.ts';
import { isUniqueViolation } from '../../db/errors.ts';
import type { Db } from '../../db/store.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, notFound } from '../../platform/errors.ts';
import { uuidv7 } from '../../platform/uuid.ts';
import {
  findService,
  insertService,
  listServices,
  updateService,
  type ServiceRow,
} from './service.repository.ts';

function nameTaken(name: string): AppError {
  return new AppError('name_taken', `A service named "${name}" exists already.`, { field: 'name' });
}

/** Creates and changes services: the things a team runs or depends on. */
export function createServiceService(deps: {
  db: Db;
  clock: Clock;
  onDeleted: (trx: Db, serviceId: string, now: number) => Promise<void>;
}) {
  const { db, clock } = deps;
  return {
    list: (name?: string) => listServices(db, name),

    /** True when a live service has this id. */
    exists: async (id: string): Promise<boolean> => (await findService(db, id)) !== undefined,

    async get(id: string): Promise<ServiceRow> {
      const row = await findService(db, id);
      if (row === undefined) throw notFound('service', id);
      return row;
    },

    async create(input: CreateServiceRequest): Promise<ServiceRow> {
      const now = clock.now();
      const row: ServiceRow = {
        id: uuidv7(now),
        name: input.name,
        description: input.description?.trim() ?? '',
        team: input.team?.trim() ?? '',
        createdAt: now,
        updatedAt: now,
        deletedAt: null,
      };
      try {
        await insertService(db, row);
      } catch (error) {
        if (isUniqueViolation(error)) throw nameTaken(input.name);
        throw error;
      }
      return row;
    },

    async update(
      id: string,
      input: UpdateServiceRequest,
    ): Promise<{ before: ServiceRow; after: ServiceRow }> {
      const before = await this.get(id);
      const changes = {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description.trim() }),
        ...(input.team === undefined ? {} : { team: input.team.trim() }),
        updatedAt: clock.now(),
      };
      try {
        await updateService(db, id, changes);
      } catch (error) {
        if (isUniqueViolation(error) && input.name !== undefined) throw nameTaken(input.name);
        throw error;
      }
      return { before, after: { ...before, ...changes } };
    },

    /** Soft-deletes a service and, with it, its integrations (their keys stop working). */
    async remove(id: string): Promise<ServiceRow> {
      const row = await this.get(id);
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await updateService(trx, id, { deletedAt: now, updatedAt: now });
        await deps.onDeleted(trx, id, now);
      });
      return row;
    },
  };
}

export type ServiceService = ReturnType<typeof createServiceService>;
