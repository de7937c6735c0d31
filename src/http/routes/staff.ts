import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { addStaff, listStaff, updateStaff } from '../../core/tenancy/staff.service.ts';
import { Role, Staff } from '../../core/tenancy/tenancy.schema.ts';
import { Body, IdParams, Nullable, PatchBody, Uuid } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

export const staffRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/staff',
    {
      config: { permission: 'staff.admin' },
      schema: { tags: ['staff'], response: { 200: Type.Array(Staff) } },
    },
    (request) => listStaff(app.db, request.ctx),
  );
  app.post(
    '/staff',
    {
      config: { permission: 'staff.admin' },
      schema: {
        tags: ['staff'],
        body: Body({
          login: Type.String({ minLength: 3, maxLength: 100, pattern: '^[A-Za-z0-9._@-]+$' }),
          display_name: Type.String({ minLength: 1, maxLength: 64 }),
          password: Type.String({ minLength: 8, maxLength: 200 }),
          role: Role,
          store_id: Type.Optional(Nullable(Uuid)),
        }),
        response: { 201: Staff },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => addStaff(trx, request.ctx, request.body))),
  );
  app.patch(
    '/staff/:id',
    {
      config: { permission: 'staff.admin' },
      schema: {
        tags: ['staff'],
        params: IdParams,
        body: PatchBody(
          Body({
            display_name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            role: Type.Optional(Role),
            store_id: Type.Optional(Nullable(Uuid)),
            active: Type.Optional(Type.Boolean()),
            password: Type.Optional(Type.String({ minLength: 8, maxLength: 200 })),
          }),
        ),
        response: { 200: Staff },
      },
    },
    async (request) => {
      const staff = await inTransaction(app.db, (trx) =>
        updateStaff(trx, request.ctx, request.params.id, request.body),
      );
      // A changed role, store, password or a deactivation applies on this instance at once;
      // other instances follow within their session cache window (plugins/auth.ts).
      app.sessions.clear();
      return staff;
    },
  );
};
