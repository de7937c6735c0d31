import type { Ctx } from '../../src/core/context.ts';
import { postEntry } from '../../src/core/ledger/ledger.service.ts';
import type { LedgerName } from '../../src/core/ledger/ledger.table.ts';
import { createStore } from '../../src/core/tenancy/store.service.ts';
import type { Db } from '../../src/db/database.ts';
import { createMember, uniquePhone } from '../factories.ts';

const PEOPLE: [string, 'male' | 'female', string, string][] = [
  ['王芳', 'female', '1990-03-14', 'store'],
  ['李强', 'male', '1985-07-02', 'wechat'],
  ['张静', 'female', '1996-11-23', 'mini_program'],
  ['刘洋', 'male', '1992-01-30', 'store'],
  ['陈思远', 'male', '1988-05-09', 'online_shop'],
  ['杨欣怡', 'female', '2000-09-17', 'wechat'],
  ['黄佳琪', 'female', '1994-12-01', 'meituan'],
  ['赵子轩', 'male', '1999-04-21', 'store'],
];

/** A bakery with two stores and a few members, so pages and screenshots look like real use. */
export async function seedBakery(db: Db, ctx: Ctx, merchantId: string) {
  await db
    .updateTable('merchant')
    .set({ name: '稻香烘焙（测试）' })
    .where('id', '=', merchantId)
    .execute();
  const stores = await db
    .transaction()
    .execute(async (trx) => [
      await createStore(trx, ctx, { code: 'S01', name: '人民广场店', address: '上海市黄浦区' }),
      await createStore(trx, ctx, { code: 'S02', name: '徐家汇店', address: '上海市徐汇区' }),
    ]);
  const members = [];
  for (const [i, [name, gender, birthday, channel]] of PEOPLE.entries()) {
    members.push(
      await createMember(db, ctx, {
        name,
        gender,
        birthday,
        source_channel: channel,
        home_store_id: stores[i % 2]?.id ?? null,
        marketing_consent: i % 3 !== 0,
      }),
    );
  }
  return { stores, members };
}

export async function credit(
  db: Db,
  ctx: Ctx,
  memberId: string,
  amounts: Partial<Record<LedgerName, number>>,
) {
  await db.transaction().execute(async (trx) => {
    for (const [ledger, amount] of Object.entries(amounts)) {
      await postEntry(trx, ctx, {
        ledger: ledger as LedgerName,
        memberId,
        amount,
        kind: 'import',
        memo: 'e2e opening balance',
      });
    }
  });
}

export { uniquePhone };
