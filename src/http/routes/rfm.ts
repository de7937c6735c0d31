import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import {
  DistributionResponse,
  MovedQuery,
  MovedResponse,
  RecomputeResponse,
  RfmSettingPatch,
  RfmSettingResponse,
  TransitionsQuery,
  TransitionsResponse,
} from '../../core/rfm/rfm.schema.ts';
import { recomputeRfm } from '../../core/rfm/rfm.service.ts';
import {
  lifecycleTransitions,
  movedMembers,
  rfmDistribution,
} from '../../core/rfm/rfm-report.service.ts';
import { getRfmSetting, patchRfmSetting } from '../../core/rfm/rfm-setting.service.ts';
import { ErrorResponse } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const tags = ['rfm'];
const hhmm = <T extends { recompute_at: string }>(s: T) => ({
  ...s,
  recompute_at: s.recompute_at.slice(0, 5),
});

export const rfmRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/rfm/setting',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'The RFM window, the lifecycle thresholds and the nightly recompute time',
        response: { 200: RfmSettingResponse },
      },
    },
    async (request) => hhmm(await getRfmSetting(app.db, request.ctx)),
  );

  app.patch(
    '/rfm/setting',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Change the RFM window, lifecycle thresholds or the recompute time',
        body: RfmSettingPatch,
        response: { 200: RfmSettingResponse, 400: ErrorResponse },
      },
    },
    async (request) =>
      hhmm(await inTransaction(app.db, (trx) => patchRfmSetting(trx, request.ctx, request.body))),
  );

  app.post(
    '/rfm/recompute',
    {
      config: { permission: 'campaigns.admin' },
      schema: {
        tags,
        summary: 'Recompute RFM scores, groups and lifecycle stages now (also done nightly)',
        response: { 200: RecomputeResponse },
      },
    },
    (request) => recomputeRfm(app.db, request.ctx),
  );

  app.get(
    '/rfm/distribution',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'Members per RFM group, per lifecycle stage and per R, F, M score',
        response: { 200: DistributionResponse },
      },
    },
    (request) => rfmDistribution(app.db, request.ctx),
  );

  app.get(
    '/rfm/transitions',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'Lifecycle changes between two local dates, per from → to stage',
        querystring: TransitionsQuery,
        response: { 200: TransitionsResponse, 400: ErrorResponse },
      },
    },
    (request) => lifecycleTransitions(app.db, request.ctx, request.query),
  );

  app.get(
    '/rfm/transitions/members',
    {
      config: { permission: 'reports.read' },
      schema: {
        tags,
        summary: 'The members whose lifecycle stage changed between two dates, newest first',
        querystring: MovedQuery,
        response: { 200: MovedResponse, 400: ErrorResponse },
      },
    },
    (request) => movedMembers(app.db, request.ctx, request.query),
  );
};
