import { validate as isUuid } from 'uuid';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import type { Ctx } from '../context.ts';
import { getCampaign } from './campaign.service.ts';
import type { CampaignOutcome } from './campaign.table.ts';

const encode = (memberId: string) => Buffer.from(memberId).toString('base64url');
function decode(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!isUuid(id)) throw new DomainError('request.cursor_invalid', { field: 'cursor' });
  return id;
}

/** The snapshot of a campaign, member by member with each outcome, in member id order. */
export async function listCampaignMembers(
  db: Db,
  ctx: Ctx,
  campaignId: string,
  filter: { outcome?: CampaignOutcome | undefined; limit?: number; cursor?: string | undefined },
) {
  await getCampaign(db, ctx, campaignId);
  const limit = filter.limit ?? 100;
  let query = db
    .selectFrom('campaign_member as cm')
    .innerJoin('member as m', (j) =>
      j.onRef('m.merchant_id', '=', 'cm.merchant_id').onRef('m.id', '=', 'cm.member_id'),
    )
    .select([
      'cm.member_id',
      'm.card_no',
      'm.name',
      'cm.store_id',
      'cm.outcome',
      'cm.coupon_id',
      'cm.points_entry_id',
      'cm.message_id',
      'cm.task_id',
      'cm.decided_at',
    ])
    .where('cm.merchant_id', '=', ctx.merchantId)
    .where('cm.campaign_id', '=', campaignId)
    .orderBy('cm.member_id')
    .limit(limit + 1);
  if (filter.outcome) query = query.where('cm.outcome', '=', filter.outcome);
  if (filter.cursor) query = query.where('cm.member_id', '>', decode(filter.cursor));
  const rows = await query.execute();
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next_cursor: rows.length > limit && last ? encode(last.member_id) : null };
}
