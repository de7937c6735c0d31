import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { createStore, listStores, updateStore } from '../../core/tenancy/store.service.ts';
import { Store } from '../../core/tenancy/tenancy.schema.ts';
import { Body, IdParams, Nullable, PatchBody } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const StoreBody = Body({
  code: Type.String({ minLength: 1, maxLength: 32 }),
  name: Type.String({ minLength: 1, maxLength: 64 }),
  address: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
});

export const storeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/stores',
    {
      config: { permission: 'members.read' },
      schema: { tags: ['stores'], response: { 200: Type.Array(Store) } },
    },
    (request) => listStores(app.db, request.ctx),
  );
  app.post(
    '/stores',
    {
      config: { permission: 'stores.admin' },
      schema: { tags: ['stores'], body: StoreBody, response: { 201: Store } },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await inTransaction(app.db, (trx) => createStore(trx, request.ctx, request.body))),
  );
  app.patch(
    '/stores/:id',
    {
      config: { permission: 'stores.admin' },
      schema: {
        tags: ['stores'],
        params: IdParams,
        body: PatchBody(StoreBody),
        response: { 200: Store },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateStore(trx, request.ctx, request.params.id, request.body),
      ),
  );
};
