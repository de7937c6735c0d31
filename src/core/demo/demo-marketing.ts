import type { Db } from '../../db/database.ts';
import type { Ctx } from '../context.ts';
import { recomputeRfm } from '../rfm/rfm.service.ts';
import { createSegment } from '../segments/segment.service.ts';
import { S5_RULE } from '../segments/segment-examples.ts';
import { addMemberTags } from '../tags/member-tag.service.ts';
import { createTag, createTagGroup } from '../tags/tag.service.ts';
import { refreshRuleTags } from '../tags/tag-refresh.service.ts';
import { MANGO_CATEGORY } from './demo-history.ts';

const DAY = 86_400_000;

/**
 * What a marketer finds on the first start: tag groups with rule tags already refreshed and a
 * few hand-picked 熟客, two saved segments (S5's lapsing regulars among them), and RFM scored
 * twice (a month ago and now), so the RFM page shows a distribution and who moved between
 * stages instead of waiting for the first nightly run.
 */
export async function seedDemoMarketing(db: Db, ctx: Ctx): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const taste = await createTagGroup(trx, ctx, { name: '消费偏好', color: '#fa8c16' });
    const value = await createTagGroup(trx, ctx, { name: '会员价值', color: '#722ed1' });
    await createTag(trx, ctx, {
      name: '芒果控',
      kind: 'rule',
      group_id: taste.id,
      rule: { field: 'category', codes: [MANGO_CATEGORY], days: 90 },
    });
    await createTag(trx, ctx, {
      name: '累计消费满千',
      kind: 'rule',
      group_id: value.id,
      rule: { field: 'spend', min: 100_000 },
    });
    await createTag(trx, ctx, {
      name: '60天未消费',
      kind: 'rule',
      group_id: value.id,
      rule: {
        op: 'and',
        rules: [
          { field: 'orders', min: 1 },
          { field: 'orders', days: 60, max: 0 },
        ],
      },
    });
    const vip = await createTag(trx, ctx, { name: '店长熟客', kind: 'manual', group_id: value.id });
    const regulars = await trx
      .selectFrom('member_fact')
      .select('member_id')
      .where('merchant_id', '=', ctx.merchantId)
      .orderBy('order_count', 'desc')
      .orderBy('member_id')
      .limit(8)
      .execute();
    await addMemberTags(trx, ctx, {
      tagId: vip.id,
      memberIds: regulars.map((r) => r.member_id),
      source: 'manual',
    });
    await createSegment(trx, ctx, {
      name: '流失预警',
      description: '近180天消费≥3次且近60天无消费：老客回流活动的目标',
      rule: S5_RULE,
    });
    await createSegment(trx, ctx, {
      name: '夏季芒果客',
      description: null,
      rule: { field: 'category', codes: [MANGO_CATEGORY], days: 365, min_orders: 2 },
    });
  });
  await refreshRuleTags(db, ctx);
  await recomputeRfm(db, { ...ctx, now: new Date(ctx.now.getTime() - 30 * DAY) });
  await recomputeRfm(db, ctx);
}
