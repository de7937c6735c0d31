import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CampaignCap } from '../../core/campaigns/campaign.schema.ts';
import { capOf } from '../../core/campaigns/campaign.service.ts';
import { getMerchant, updateMerchant } from '../../core/tenancy/merchant.service.ts';
import type { MerchantRow } from '../../core/tenancy/tenancy.table.ts';
import { Body, ErrorResponse, Nullable, PatchBody, Timestamp, Uuid } from '../../lib/schema.ts';
import { inTransaction } from '../transaction.ts';

const Merchant = Type.Object({
  id: Uuid,
  name: Type.String(),
  time_zone: Type.String(),
  currency: Type.String(),
  card_prefix: Type.String(),
  allow_foreign_phone: Type.Boolean(),
  /** the frequency cap a new campaign takes when its body states none */
  campaign_cap: Nullable(CampaignCap),
  created_at: Timestamp,
});

const view = ({ campaign_cap_max: max, campaign_cap_days: days, ...row }: MerchantRow) => ({
  ...row,
  campaign_cap: capOf(max, days),
});

export const merchantRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/merchant',
    {
      config: { permission: 'members.read' },
      schema: { tags: ['merchant'], response: { 200: Merchant } },
    },
    async (request) => view(await getMerchant(app.db, request.ctx)),
  );
  app.patch(
    '/merchant',
    {
      config: { permission: 'merchant.admin' },
      schema: {
        tags: ['merchant'],
        summary: 'Merchant settings',
        body: PatchBody(
          Body({
            name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            time_zone: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 64,
                description: 'IANA zone, e.g. Asia/Shanghai',
              }),
            ),
            card_prefix: Type.Optional(Type.String({ pattern: '^[0-9]{2,6}$', maxLength: 6 })),
            allow_foreign_phone: Type.Optional(Type.Boolean()),
            campaign_cap: Type.Optional(Nullable(CampaignCap)),
          }),
        ),
        response: { 200: Merchant, 400: ErrorResponse },
      },
    },
    async (request) =>
      view(await inTransaction(app.db, (trx) => updateMerchant(trx, request.ctx, request.body))),
  );
};
