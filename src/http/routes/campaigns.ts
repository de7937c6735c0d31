import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  CampaignBody,
  CampaignForecastSchema,
  CampaignListQuery,
  CampaignMemberResponse,
  CampaignMembersQuery,
  CampaignPatch,
  CampaignResponse,
} from '../../core/campaigns/campaign.schema.ts';
import {
  cancelCampaign,
  createCampaign,
  getCampaign,
  listCampaigns,
  presentCampaign,
  updateCampaign,
} from '../../core/campaigns/campaign.service.ts';
import { forecastFor } from '../../core/campaigns/campaign-forecast.service.ts';
import { requestLaunch } from '../../core/campaigns/campaign-launch.service.ts';
import { listCampaignMembers } from '../../core/campaigns/campaign-member.service.ts';
import { CampaignReport } from '../../core/campaigns/campaign-report.schema.ts';
import { campaignFunnel } from '../../core/campaigns/campaign-report.service.ts';
import { enqueueLaunch } from '../../jobs/campaign-launch.job.ts';
import { ErrorResponse, IdParams, Page } from '../../lib/schema.ts';
import { idempotent, inTransaction } from '../transaction.ts';

// Marketing campaigns (营销活动). Not the points multiplier periods (/api/points/campaigns),
// though both are run by marketers under campaigns.admin.
const tags = ['campaigns'];
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse };
const permission = 'campaigns.admin' as const;

export const campaignRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/campaigns',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Draft a campaign: target (saved segment, rule or members), actions, control group, frequency cap, budget, schedule',
        body: CampaignBody,
        response: { 201: CampaignResponse, ...errors },
      },
    },
    async (request, reply) => {
      const row = await inTransaction(app.db, (trx) =>
        createCampaign(trx, request.ctx, request.body),
      );
      return reply.code(201).send(presentCampaign(row));
    },
  );

  app.get(
    '/campaigns',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The campaigns, newest first',
        querystring: CampaignListQuery,
        response: { 200: Page(CampaignResponse), 400: ErrorResponse },
      },
    },
    async (request) => {
      const page = await listCampaigns(app.db, request.ctx, request.query);
      return { items: page.items.map(presentCampaign), next_cursor: page.next_cursor };
    },
  );

  app.get(
    '/campaigns/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'One campaign',
        params: IdParams,
        response: { 200: CampaignResponse, 404: ErrorResponse },
      },
    },
    async (request) => presentCampaign(await getCampaign(app.db, request.ctx, request.params.id)),
  );

  app.patch(
    '/campaigns/:id',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Edit a draft campaign',
        params: IdParams,
        body: CampaignPatch,
        response: { 200: CampaignResponse, ...errors },
      },
    },
    async (request) =>
      presentCampaign(
        await inTransaction(app.db, (trx) =>
          updateCampaign(trx, request.ctx, request.params.id, request.body),
        ),
      ),
  );

  app.get(
    '/campaigns/:id/forecast',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Reach after consent, frequency cap and control group; expected redemptions, cost and revenue from past campaigns of the same kind (basis none without history)',
        params: IdParams,
        response: { 200: CampaignForecastSchema, 404: ErrorResponse },
      },
    },
    (request) =>
      inTransaction(app.db, async (trx) =>
        forecastFor(trx, request.ctx, await getCampaign(trx, request.ctx, request.params.id)),
      ),
  );

  app.post(
    '/campaigns/:id/launch',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Launch (now or at its scheduled time) exactly once; a second launch returns the campaign as launched; needs Idempotency-Key',
        params: IdParams,
        response: { 200: CampaignResponse, ...errors },
      },
    },
    (request, reply) =>
      idempotent(app.db, request, reply, 200, async (trx) =>
        presentCampaign(
          await requestLaunch(trx, request.ctx, request.params.id, (c) =>
            enqueueLaunch(app.boss, trx, c),
          ),
        ),
      ),
  );

  app.post(
    '/campaigns/:id/cancel',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'Cancel a draft or scheduled campaign',
        params: IdParams,
        response: { 200: CampaignResponse, ...errors },
      },
    },
    async (request) =>
      presentCampaign(
        await inTransaction(app.db, (trx) => cancelCampaign(trx, request.ctx, request.params.id)),
      ),
  );

  app.get(
    '/campaigns/:id/report',
    {
      config: { permission },
      schema: {
        tags,
        summary:
          'Funnel (total and per home store), uplift over the control group with 95 % intervals, forecast vs actual',
        params: IdParams,
        response: { 200: CampaignReport, 404: ErrorResponse },
      },
    },
    (request) => campaignFunnel(app.db, request.ctx, request.params.id),
  );

  app.get(
    '/campaigns/:id/members',
    {
      config: { permission },
      schema: {
        tags,
        summary: 'The members snapshotted at launch with their outcome, in member order',
        params: IdParams,
        querystring: CampaignMembersQuery,
        response: {
          200: Type.Object({
            items: Type.Array(CampaignMemberResponse),
            next_cursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: ErrorResponse,
          404: ErrorResponse,
        },
      },
    },
    (request) => listCampaignMembers(app.db, request.ctx, request.params.id, request.query),
  );
};
