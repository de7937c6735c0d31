import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { getMemberRow } from '../../core/members/member.service.ts';
import {
  ChannelSettingBody,
  ChannelSettingResponse,
  MemberMessagesResponse,
  MessageDetail,
  MessageQuery,
  MessageResponse,
  MessageSettingsBody,
  MessageSettingsResponse,
  PreviewBody,
  PreviewResponse,
  PushChannelParams,
  TemplateBody,
  TemplatePatch,
  TemplateResponse,
  TemplateRowResponse,
} from '../../core/messaging/message.schema.ts';
import {
  listChannelSettings,
  putChannelSetting,
} from '../../core/messaging/message-channel.service.ts';
import {
  getMessage,
  listMessages,
  type MessageLogQuery,
  memberMessages,
  retryMessage,
} from '../../core/messaging/message-log.service.ts';
import {
  getMessageSettings,
  updateMessageSettings,
} from '../../core/messaging/message-setting.service.ts';
import {
  createTemplate,
  deleteTemplate,
  listTemplates,
  previewTemplate,
  updateTemplate,
} from '../../core/messaging/message-template.service.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['messaging'];
const permission = 'messaging.admin' as const;
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };

export const messagingRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/messaging/templates',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Every template: the merchant’s own, then the built-ins it has not replaced',
        response: { 200: Type.Array(TemplateResponse) },
      },
    },
    (request) => listTemplates(app.db, request.ctx),
  );

  app.post(
    '/messaging/templates',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Add a template, or override a built-in one by its code',
        body: TemplateBody,
        response: { 201: TemplateRowResponse, ...errors },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(app.db, (trx) =>
        createTemplate(trx, request.ctx, request.body),
      );
      return reply.code(201).send(row);
    },
  );

  app.patch(
    '/messaging/templates/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Change a template’s texts or purpose',
        params: IdParams,
        body: TemplatePatch,
        response: { 200: TemplateRowResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        updateTemplate(trx, request.ctx, request.params.id, request.body),
      ),
  );

  app.delete(
    '/messaging/templates/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Delete a template (an override: the built-in one applies again)',
        params: IdParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      await inTransaction(app.db, (trx) => deleteTemplate(trx, request.ctx, request.params.id));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/messaging/templates/preview',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Render a template (by code, or the texts being edited) with sample values',
        body: PreviewBody,
        response: { 200: PreviewResponse, ...errors },
      },
    },
    (request) => previewTemplate(app.db, request.ctx, request.body),
  );

  app.get(
    '/messaging/channels',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Settings of the push channels (SMS, e-mail, WeChat), secrets masked',
        response: { 200: Type.Array(ChannelSettingResponse) },
      },
    },
    (request) => listChannelSettings(app.db, request.ctx),
  );

  app.put(
    '/messaging/channels/:channel',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Set a channel: on/off, provider and its config (a masked secret sent back is kept)',
        params: PushChannelParams,
        body: ChannelSettingBody,
        response: { 200: ChannelSettingResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) =>
        putChannelSetting(trx, request.ctx, request.params.channel, request.body),
      ),
  );

  app.get(
    '/messaging/settings',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Quiet hours (local minutes of the day) and the daily marketing cap per member',
        response: { 200: MessageSettingsResponse },
      },
    },
    (request) => getMessageSettings(app.db, request.ctx),
  );

  app.put(
    '/messaging/settings',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Set quiet hours and the daily marketing cap (null: none)',
        body: MessageSettingsBody,
        response: { 200: MessageSettingsResponse, ...errors },
      },
    },
    (request) =>
      inTransaction(app.db, (trx) => updateMessageSettings(trx, request.ctx, request.body)),
  );

  app.get(
    '/messaging/messages',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The delivery log, newest first (status dead: the dead letters)',
        querystring: MessageQuery,
        response: { 200: Page(MessageResponse), 400: ErrorResponse },
      },
    },
    (request) => listMessages(app.db, request.ctx, request.query as MessageLogQuery),
  );

  app.get(
    '/messaging/messages/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'One message and each of its delivery attempts',
        params: IdParams,
        response: { 200: MessageDetail, 404: ErrorResponse },
      },
    },
    (request) => getMessage(app.db, request.ctx, request.params.id),
  );

  app.post(
    '/messaging/messages/:id/retry',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Give a dead message one more try (again: no change while it waits)',
        params: IdParams,
        response: { 200: MessageDetail, ...errors },
      },
    },
    (request) => inTransaction(app.db, (trx) => retryMessage(trx, request.ctx, request.params.id)),
  );

  app.get(
    '/members/:id/messages',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The member’s inbox and message history (member 360°)',
        params: IdParams,
        response: { 200: MemberMessagesResponse, 404: ErrorResponse },
      },
    },
    async (request) => {
      await getMemberRow(app.db, request.ctx, request.params.id);
      return memberMessages(app.db, request.ctx, request.params.id);
    },
  );
};
