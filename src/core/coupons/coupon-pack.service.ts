import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import type { Role } from '../tenancy/tenancy.table.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { CouponPackItem, RechargeRow } from '../wallet/wallet.table.ts';
import { type IssueInput, issueCoupon } from './coupon.service.ts';
import type { CouponRefType, CouponRow, CouponSettingRow, PackItem } from './coupon.table.ts';

export interface CouponSetting {
  new_member_pack: PackItem[];
  staff_daily_caps: Partial<Record<Role, number>>;
}

const DEFAULT_SETTING: CouponSetting = { new_member_pack: [], staff_daily_caps: {} };

export async function getCouponSetting(db: Db | Trx, ctx: Ctx): Promise<CouponSetting> {
  const row: CouponSettingRow | undefined = await db
    .selectFrom('coupon_setting')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .executeTakeFirst();
  return row
    ? { new_member_pack: row.new_member_pack, staff_daily_caps: row.staff_daily_caps }
    : DEFAULT_SETTING;
}

/** Replaces the setting; every template of the new-member pack must be the merchant's. */
export async function putCouponSetting(
  trx: Trx,
  ctx: Ctx,
  input: CouponSetting,
): Promise<CouponSetting> {
  for (const [i, item] of input.new_member_pack.entries())
    await getOwnRow(
      trx,
      ctx,
      'coupon_template',
      item.template_id,
      'coupon.template_not_found',
      `new_member_pack.${i}.template_id`,
    );
  const before = await getCouponSetting(trx, ctx);
  const values = {
    new_member_pack: JSON.stringify(input.new_member_pack),
    staff_daily_caps: JSON.stringify(input.staff_daily_caps),
    updated_at: ctx.now,
  };
  await trx
    .insertInto('coupon_setting')
    .values({ merchant_id: ctx.merchantId, ...values })
    .onConflict((oc) => oc.column('merchant_id').doUpdateSet(values))
    .execute();
  await recordAudit(trx, ctx, {
    action: 'coupon.setting_update',
    entityType: 'merchant',
    entityId: ctx.merchantId,
    before,
    after: input,
  });
  return input;
}

/**
 * Issues every coupon of a pack. A line whose template cannot give one now (inactive, out of
 * stock, the member at its limit) is skipped: a pack is a gift, and the registration or
 * recharge it comes with must not fail for it. issueCoupon refuses before it writes anything.
 */
export async function issuePack(
  trx: Trx,
  ctx: Ctx,
  items: readonly PackItem[],
  input: Omit<IssueInput, 'template_id'>,
): Promise<CouponRow[]> {
  const issued: CouponRow[] = [];
  for (const item of items)
    for (let n = 0; n < item.quantity; n++) {
      try {
        issued.push(await issueCoupon(trx, ctx, { ...input, template_id: item.template_id }));
      } catch (e) {
        if (!(e instanceof DomainError) || !SKIPPABLE.has(e.code)) throw e;
        break;
      }
    }
  return issued;
}

const SKIPPABLE = new Set([
  'coupon.template_inactive',
  'coupon.out_of_stock',
  'coupon.claim_limit',
  'coupon.template_not_found',
]);

/** The new-member pack (新人礼包) of the merchant's setting, on registration: one query if none. */
export async function issueNewMemberPack(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
): Promise<CouponRow[]> {
  const { new_member_pack } = await getCouponSetting(trx, ctx);
  if (new_member_pack.length === 0) return [];
  return issuePack(trx, ctx, new_member_pack, { member_id: memberId, via: 'new_member' });
}

/**
 * Voids the unused coupons that `ref` issued (a cancelled mall redemption, a refunded recharge).
 * With `refuseUsed`, a coupon already used (or a count card partly used) refuses the whole
 * cancellation; without, used ones stay as they are.
 */
export async function voidCouponsOf(
  trx: Trx,
  ctx: Ctx,
  ref: { type: CouponRefType; id: string },
  refuseUsed: boolean,
): Promise<CouponRow[]> {
  const coupons = await trx
    .selectFrom('coupon')
    .selectAll()
    .select((eb) =>
      eb
        .exists(
          eb
            .selectFrom('coupon_use')
            .select('coupon_use.id')
            .where('coupon_use.merchant_id', '=', ctx.merchantId)
            .whereRef('coupon_use.coupon_id', '=', 'coupon.id')
            .where('coupon_use.restored_at', 'is', null),
        )
        .as('used'),
    )
    .where('merchant_id', '=', ctx.merchantId)
    .where('ref_type', '=', ref.type)
    .where('ref_id', '=', ref.id)
    .forUpdate()
    .execute();
  const used = coupons.find((c) => c.used || c.status === 'redeemed');
  if (used && refuseUsed)
    throw new DomainError('coupon.already_redeemed', { params: { coupon_id: used.id } });
  const voidable = coupons.filter((c) => !c.used && c.status === 'issued').map((c) => c.id);
  if (voidable.length === 0) return [];
  const voided = await trx
    .updateTable('coupon')
    .set({ status: 'void' })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', 'in', voidable)
    .returningAll()
    .execute();
  await recordAudit(trx, ctx, {
    action: 'coupon.void',
    entityType: ref.type,
    entityId: ref.id,
    after: { coupon_ids: voidable },
  });
  return voided;
}

/**
 * A recharge's gift pack (充值送券): the lines naming a template are issued, pointing at the
 * recharge, and the recharge records when. Lines that only describe a coupon issue nothing.
 */
/** A sold plan's coupon lines that name a template (a line may describe a coupon only in words). */
export const packItems = (lines: readonly CouponPackItem[]): PackItem[] =>
  lines.flatMap((c) =>
    c.template_id ? [{ template_id: c.template_id, quantity: c.quantity }] : [],
  );

export async function issueRechargePack(trx: Trx, ctx: Ctx, recharge: RechargeRow) {
  const items = packItems(recharge.coupon_pack);
  if (items.length === 0) return recharge;
  await issuePack(trx, ctx, items, {
    member_id: recharge.member_id,
    via: 'recharge_pack',
    ref: { type: 'recharge', id: recharge.id },
  });
  return trx
    .updateTable('recharge')
    .set({ coupon_pack_issued_at: ctx.now })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', recharge.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
