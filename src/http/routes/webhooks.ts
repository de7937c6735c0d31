import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CatalogueResponse,
  DeliveryDetail,
  DeliveryQuery,
  DeliveryResponse,
  SubscriptionBody,
  SubscriptionPatch,
  SubscriptionResponse,
  SubscriptionWithSecret,
  TestEventResponse,
} from '../../core/webhooks/webhook.schema.ts';
import {
  getDelivery,
  listDeliveries,
  replayDelivery,
} from '../../core/webhooks/webhook-delivery.service.ts';
import { eventCatalogue, eventTypes } from '../../core/webhooks/webhook-event.service.ts';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listSubscriptions,
  rotateSecret,
  sendTestEvent,
  updateSubscription,
} from '../../core/webhooks/webhook-subscription.service.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['webhooks'];
const permission = 'webhooks.admin' as const;
const errors = { 400: ErrorResponse, 404: ErrorResponse };

export const webhookRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/webhooks/catalogue',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The event types a subscription may want, with what each means',
        response: { 200: CatalogueResponse },
      },
    },
    async () => eventTypes.map((type) => ({ type, ...eventCatalogue[type] })),
  );

  app.get(
    '/webhooks/subscriptions',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The subscriptions (never their secrets)',
        response: { 200: Type.Array(SubscriptionResponse) },
      },
    },
    (request) => listSubscriptions(app.db, request.ctx),
  );

  app.post(
    '/webhooks/subscriptions',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Subscribe an endpoint; the answer shows its signing secret, this once',
        body: SubscriptionBody,
        response: { 201: SubscriptionWithSecret, ...errors },
      },
    },
    async (request, reply) => {
      const created = await inTransaction(app.db, (trx) =>
        createSubscription(trx, request.ctx, request.body),
      );
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/webhooks/subscriptions/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'One subscription',
        params: IdParams,
        response: { 200: SubscriptionResponse, 404: ErrorResponse },
      },
    },
    (request) => getSubscription(app.db, request.ctx, request.params.id),
  );

  app.patch(
    '/webhooks/subscriptions/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Rename, move, change its event types, pause (active false) or resume',
        params: IdParams,
        body: SubscriptionPatch,
        response: { 200: SubscriptionResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateSubscription(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.delete(
    '/webhooks/subscriptions/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Delete: no new events; its queued deliveries are given up',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteSubscription(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/webhooks/subscriptions/:id/rotate-secret',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'A new signing secret, shown this once; the old one stops signing at once',
        params: IdParams,
        response: { 200: SubscriptionWithSecret, 404: ErrorResponse },
      },
    },
    (request) => inTransaction(app.db, (trx) => rotateSecret(trx, request.ctx, request.params.id)),
  );

  app.post(
    '/webhooks/subscriptions/:id/test',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Send a webhook.test event to this subscription only',
        params: IdParams,
        response: { 201: TestEventResponse, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const sent = await inTransaction(app.db, (trx) =>
        sendTestEvent(trx, request.ctx, request.params.id),
      );
      return reply.code(201).send(sent);
    },
  );

  app.get(
    '/webhooks/deliveries',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The delivery log, newest first; by status, subscription or event type',
        querystring: DeliveryQuery,
        response: { 200: Page(DeliveryResponse), 400: ErrorResponse },
      },
    },
    (request) => listDeliveries(app.db, request.ctx, request.query),
  );

  app.get(
    '/webhooks/deliveries/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'One delivery: the envelope it sends and each attempt',
        params: IdParams,
        response: { 200: DeliveryDetail, 404: ErrorResponse },
      },
    },
    (request) => getDelivery(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/webhooks/deliveries/:id/replay',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Send again now with the same Regulars-Delivery id (a pending delivery is left alone)',
        params: IdParams,
        response: { 200: DeliveryDetail, 404: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => replayDelivery(trx, request.ctx, request.params.id)),
  );
};
