import type { Db, Trx } from '../../db/database.ts';
import { generateCardNumber } from '../../lib/card-number.ts';
import { newId } from '../../lib/ids.ts';
import { rebuildMerchantFacts } from '../facts/member-fact.service.ts';
import { putChannelSetting } from '../messaging/message-channel.service.ts';
import { createMerchant } from '../tenancy/merchant.service.ts';
import { addStaff } from '../tenancy/staff.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { systemCtx } from '../tenancy/system-ctx.ts';
import type { Role } from '../tenancy/tenancy.table.ts';
import { seedDemoCampaign } from './demo-campaign.ts';
import { demoMember, prng } from './demo-data.ts';
import { generateOrderHistory } from './demo-history.ts';
import { seedDemoLoyalty } from './demo-loyalty.ts';
import { seedDemoMarketing } from './demo-marketing.ts';
import { seedDemoOrders, seedDemoTill } from './demo-till.ts';

export const DEMO_PASSWORD = 'Regulars2026';
const STORES = [
  { code: 'SH01', name: '麦香坊 南京西路店', address: '上海市静安区南京西路 1266 号' },
  { code: 'SH02', name: '麦香坊 徐家汇店', address: '上海市徐汇区虹桥路 1 号' },
  { code: 'SH03', name: '麦香坊 陆家嘴店', address: '上海市浦东新区陆家嘴环路 1000 号' },
];
const ROLES: Role[] = ['owner', 'manager', 'cashier', 'marketer'];

export interface DemoResult {
  merchantId: string;
  logins: { role: Role; login: string }[];
}

/** Seeds the demo bakery chain on a database without merchants; does nothing otherwise. */
export async function seedDemoIfEmpty(
  db: Db,
  now: Date,
  members: number,
): Promise<DemoResult | undefined> {
  const any = await db.selectFrom('merchant').select('id').limit(1).executeTakeFirst();
  if (any) return undefined;
  return seedDemo(db, now, members);
}

/**
 * A bakery chain in Asia/Shanghai with 3 stores, one login per role, its loyalty economy (tiers,
 * points rules, recharge plans, mall rewards, a paid membership), a catalogue the till sells
 * from, points that pay at checkout, `members` members, a few till sales of the oldest of them
 * and two years of order history of about 150 others, with their member facts; then its tags,
 * saved segments and RFM (seedDemoMarketing).
 */
export async function seedDemo(
  db: Db,
  now: Date,
  members: number,
  suffix = '',
): Promise<DemoResult> {
  const demo = await db.transaction().execute(async (trx) => {
    const { merchant } = await createMerchant(
      trx,
      {
        name: `麦香坊烘焙${suffix}`,
        card_prefix: '8860',
        owner: {
          login: `owner${suffix}@bakery`,
          display_name: '店主 王麦香',
          password: DEMO_PASSWORD,
        },
      },
      now,
    );
    const ctx = systemCtx(merchant.id, now);
    const stores = [];
    for (const store of STORES) stores.push(await createStore(trx, ctx, store));
    const names: Record<Role, string> = {
      owner: '',
      manager: '店长 李芳',
      cashier: '收银员 张敏',
      marketer: '运营 陈静',
    };
    await seedDemoLoyalty(trx, ctx);
    // one-time codes of the member page are written to the server log (no SMS gateway needed)
    await putChannelSetting(trx, ctx, 'sms', { enabled: true, provider: 'log', config: {} });
    const skuIds = await seedDemoTill(trx, ctx);
    for (const role of ROLES.slice(1)) {
      await addStaff(trx, ctx, {
        login: `${role}${suffix}@bakery`,
        display_name: names[role],
        password: DEMO_PASSWORD,
        role,
        store_id: stores[0]!.id,
      });
    }
    await insertDemoMembers(
      trx,
      merchant.id,
      merchant.card_prefix,
      stores.map((s) => s.id),
      members,
      now,
    );
    await seedDemoOrders(
      trx,
      ctx,
      skuIds,
      stores.map((s) => s.id),
    );
    // about 150 members with two years of history behind them (some dormant, some churned)
    await generateOrderHistory(trx, ctx, {
      seed: 20261202,
      share: Math.min(1, 150 / Math.max(1, members)),
      perYear: 4,
      onlyWithoutOrders: true,
    });
    await rebuildMerchantFacts(trx, ctx);
    await seedDemoCampaign(
      trx,
      ctx,
      skuIds,
      stores.map((s) => s.id),
    );
    return {
      merchantId: merchant.id,
      logins: ROLES.map((role) => ({ role, login: `${role}${suffix}@bakery` })),
    };
  });
  await seedDemoMarketing(db, systemCtx(demo.merchantId, now));
  return demo;
}

/** Bulk insert in pages: members, and their opening points and balances as `import` entries. */
async function insertDemoMembers(
  trx: Trx,
  merchantId: string,
  prefix: string,
  storeIds: string[],
  count: number,
  now: Date,
) {
  const random = prng(20261125);
  for (let start = 0; start < count; start += 1000) {
    const page = Array.from({ length: Math.min(1000, count - start) }, (_, i) => ({
      id: newId(),
      ...demoMember(random, start + i, now),
    }));
    await trx
      .insertInto('member')
      .values(
        page.map((m) => ({
          merchant_id: merchantId,
          id: m.id,
          card_no: generateCardNumber(prefix),
          phone: m.phone,
          name: m.name,
          gender: m.gender,
          birthday: m.birthday,
          source_channel: m.source_channel,
          home_store_id: storeIds[m.store_index] ?? null,
          referrer_id: null,
          custom: '{}',
          marketing_consent: m.marketing_consent,
          status: 'active' as const,
          merged_into_id: null,
          registered_at: m.registered_at,
          updated_at: m.registered_at,
        })),
      )
      .execute();
    const openings = page.flatMap((m) => [
      ...(m.points > 0 ? [{ m, ledger: 'points' as const, amount: m.points }] : []),
      ...(m.principal_fen > 0
        ? [{ m, ledger: 'principal' as const, amount: m.principal_fen }]
        : []),
    ]);
    if (openings.length === 0) continue;
    await trx
      .insertInto('ledger_entry')
      .values(
        openings.map(({ m, ledger, amount }) => ({
          merchant_id: merchantId,
          id: newId(),
          member_id: m.id,
          ledger,
          kind: 'import',
          amount,
          balance_after: amount,
          ref_type: 'demo',
          ref_id: null,
          reverses_id: null,
          memo: '演示数据期初余额',
          actor_kind: 'system',
          actor_id: null,
          created_at: now,
        })),
      )
      .execute();
    await trx
      .insertInto('ledger_balance')
      .values(
        openings.map(({ m, ledger, amount }) => ({
          merchant_id: merchantId,
          member_id: m.id,
          ledger,
          balance: amount,
          updated_at: now,
        })),
      )
      .execute();
  }
}
