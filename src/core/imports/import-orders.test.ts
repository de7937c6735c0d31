import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import {
  commit,
  csv,
  dryRun,
  reload,
  testDataDir,
  upload,
  xlsx,
} from '../../../test/fixtures/imports/import-helpers.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import type { Ctx } from '../context.ts';
import { mergeMembers } from '../members/member-merge.service.ts';
import { createStore } from '../tenancy/store.service.ts';
import { requestCommit, requestDryRun } from './import.service.ts';
import type { ImportJobRow } from './import.table.ts';
import { runImportJob } from './import-runner.ts';

const dataDir = testDataDir();
const HEADER = [
  '订单号',
  '支付时间',
  '门店',
  '手机号',
  '会员卡号',
  '实付金额',
  '品类',
  '数量',
  '商品金额',
];

async function setup() {
  const { db } = await testDb();
  const m = await createTestMerchant(db);
  const ctx = m.ctx('owner');
  const store = await db
    .transaction()
    .execute((trx) => createStore(trx, ctx, { code: 'S01', name: '南山店' }));
  const [a, b, c] = [
    await createMember(db, ctx),
    await createMember(db, ctx),
    await createMember(db, ctx),
  ];
  await db
    .insertInto('member_identity')
    .values({
      merchant_id: m.merchantId,
      id: newId(),
      member_id: c!.id,
      kind: 'legacy_card',
      value: 'OLD-777',
      created_at: new Date(),
    })
    .execute();
  return { db, m, ctx, store, a: a!, b: b!, c: c! };
}

type Setup = Awaited<ReturnType<typeof setup>>;

/** Good orders of three members and a guest, then one bad row per reason. */
function orderFile(s: Setup): Buffer {
  return Buffer.from(
    csv([
      HEADER,
      ['A1', '2024-05-01 12:30', 'S01', s.a.phone!, '', '88.50', '饮品', '1', ''],
      ['A2', '2024-05-02', '南山店', '', s.b.card_no, '10', '', '', ''],
      ['B1', '2024-05-03 10:00', 's01', s.a.phone!, '', '30.00', '水果', '2', '20.00'],
      ['B1', '2024-05-03 10:00', 'S01', s.a.phone!, '', '30.00', '芒果系列', '1', '10.00'],
      ['L1', '2024-05-04T02:00:00Z', 'S01', '', 'OLD-777', '0.01', '', '', ''],
      ['G1', '2024-05-05 09:00', 'S01', '', '', '12.34', '', '', ''],
      ['X1', '2024-05-06', 'S01', '13900009999', '', '5', '', '', ''],
      ['X2', '2024-05-06', '不存在', s.a.phone!, '', '5', '', '', ''],
      ['X3', '2024-05-06', 'S01', s.a.phone!, '', '5.123', '', '', ''],
      ['X4', '2099-01-01', 'S01', s.a.phone!, '', '5', '', '', ''],
      ['C1', '2024-05-07 10:00', 'S01', s.a.phone!, '', '9', '', '', ''],
      ['C1', '2024-05-07 11:00', 'S01', s.a.phone!, '', '9', '', '', ''],
      ['D1', '2024-05-08', 'S01', s.c.phone!, '', '9', 'x', '1', '4'],
      ['D1', '2024-05-08', 'S01', s.c.phone!, '', '9', 'y', '1', '4'],
      ['E1', '2024-05-09', 'S01', s.c.phone!, '', '9', 'x', 'two', '4'],
      ['E1', '2024-05-09', 'S01', s.c.phone!, '', '9', 'y', '1', '5'],
    ]),
  );
}

const uploadOrders = (db: Db, ctx: Ctx, content: Buffer, name = 'orders.csv') =>
  upload(db, ctx, dataDir, content, { name, kind: 'orders' });

/** What an order import writes for a merchant, comparable across runs. */
async function orderState(db: Db, merchantId: string) {
  const { rows } = await sql<Record<string, number>>`select
    (select count(*) from sale_order where merchant_id = ${merchantId})::int as orders,
    (select coalesce(sum(due_fen), 0) from sale_order where merchant_id = ${merchantId})::int as due,
    (select count(*) from sale_order_line where merchant_id = ${merchantId})::int as lines,
    (select coalesce(sum(due_fen), 0) from sale_order_line where merchant_id = ${merchantId})::int
      as line_due,
    (select count(*) from ledger_entry where merchant_id = ${merchantId})::int as entries,
    (select coalesce(sum(order_count), 0) from member_fact where merchant_id = ${merchantId})::int
      as fact_orders,
    (select coalesce(sum(spend_fen), 0) from member_fact where merchant_id = ${merchantId})::int
      as fact_spend`.execute(db);
  return rows[0]!;
}

describe('order history import', () => {
  it('dry run: every bad row by line and reason, the rest counted; nothing written', async () => {
    const s = await setup();
    const job = await uploadOrders(s.db, s.ctx, orderFile(s));
    expect(job).toMatchObject({
      kind: 'orders',
      mapping: {
        订单号: 'order_no',
        支付时间: 'paid_at',
        门店: 'store',
        手机号: 'phone',
        会员卡号: 'card_no',
        实付金额: 'amount',
        品类: 'category',
        数量: 'quantity',
        商品金额: 'line_amount',
      },
    });
    const done = await dryRun(s.db, s.ctx, job, { dataDir, batchSize: 3 });
    const errors = await s.db
      .selectFrom('import_row_error')
      .select(['line', 'column_name', 'code'])
      .where('merchant_id', '=', s.m.merchantId)
      .where('job_id', '=', job.id)
      .orderBy('line')
      .execute();
    expect(errors).toEqual([
      { line: 8, column_name: '手机号', code: 'import.member_unknown' },
      { line: 9, column_name: '门店', code: 'import.store_unknown' },
      { line: 10, column_name: '实付金额', code: 'import.amount_invalid' },
      { line: 11, column_name: '支付时间', code: 'import.paid_at_invalid' },
      { line: 12, column_name: '订单号', code: 'import.order_inconsistent' },
      { line: 13, column_name: '订单号', code: 'import.order_inconsistent' },
      { line: 14, column_name: '实付金额', code: 'import.order_amount_mismatch' },
      { line: 15, column_name: '实付金额', code: 'import.order_amount_mismatch' },
      { line: 16, column_name: '数量', code: 'import.quantity_invalid' },
      { line: 17, column_name: '订单号', code: 'import.order_incomplete' },
    ]);
    expect(done).toMatchObject({
      status: 'dry_run_done',
      ok_rows: 6,
      bad_rows: 10,
      total_rows: 16,
    });
    expect(done.report.orders).toEqual({
      orders: 5,
      lines: 6,
      existing_orders: 0,
      members: 3,
      guest_orders: 1,
      amount_fen: 8850 + 1000 + 3000 + 1 + 1234,
    });
    expect((await orderState(s.db, s.m.merchantId)).orders).toBe(0);
  });

  it('commit writes paid orders and lines with consistent amounts, awards nothing, updates facts; a re-run changes nothing', async () => {
    const s = await setup();
    const job = await uploadOrders(s.db, s.ctx, orderFile(s));
    await dryRun(s.db, s.ctx, job, { dataDir, batchSize: 2 });
    const done = await commit(s.db, s.ctx, job, { dataDir, batchSize: 2 });
    expect(done.status).toBe('done');
    expect(done.report.commit).toMatchObject({
      orders_created: 5,
      lines_created: 6,
      orders_awarded: 0,
    });
    const orders = await s.db
      .selectFrom('sale_order')
      .selectAll()
      .where('merchant_id', '=', s.m.merchantId)
      .orderBy('external_id')
      .execute();
    expect(
      orders.map((o) => [o.external_id, o.channel, o.status, o.member_id, o.due_fen, o.paid_at]),
    ).toEqual([
      ['A1', 'history', 'paid', s.a.id, 8850, new Date('2024-05-01T04:30:00Z')],
      ['A2', 'history', 'paid', s.b.id, 1000, new Date('2024-05-01T16:00:00Z')],
      ['B1', 'history', 'paid', s.a.id, 3000, new Date('2024-05-03T02:00:00Z')],
      ['G1', 'history', 'paid', null, 1234, new Date('2024-05-05T01:00:00Z')],
      ['L1', 'history', 'paid', s.c.id, 1, new Date('2024-05-04T02:00:00Z')],
    ]);
    for (const o of orders) {
      expect(o).toMatchObject({
        amount_fen: o.due_fen,
        tender_fen: o.due_fen,
        tier_discount_fen: 0,
        coupon_discount_fen: 0,
        principal_fen: 0,
        points_earned: 0,
        growth: 0,
        store_id: s.store.id,
      });
    }
    const lines = await s.db
      .selectFrom('sale_order_line')
      .select(['order_id', 'line_id', 'name', 'category', 'quantity', 'amount_fen', 'due_fen'])
      .select(['tender_fen', 'earn_base_fen', 'unit_price_fen'])
      .where('merchant_id', '=', s.m.merchantId)
      .where('order_id', '=', orders[2]!.id)
      .orderBy('line_id')
      .execute();
    expect(lines).toEqual([
      {
        order_id: orders[2]!.id,
        line_id: '1',
        name: '水果',
        category: '水果',
        quantity: 2,
        amount_fen: 2000,
        due_fen: 2000,
        tender_fen: 2000,
        earn_base_fen: 2000,
        unit_price_fen: 1000,
      },
      expect.objectContaining({ line_id: '2', category: '芒果系列', due_fen: 1000 }),
    ]);
    const facts = await s.db
      .selectFrom('member_fact')
      .select(['member_id', 'order_count', 'spend_fen'])
      .where('merchant_id', '=', s.m.merchantId)
      .orderBy('spend_fen')
      .execute();
    expect(facts).toEqual([
      { member_id: s.c.id, order_count: 1, spend_fen: 1 },
      { member_id: s.b.id, order_count: 1, spend_fen: 1000 },
      { member_id: s.a.id, order_count: 2, spend_fen: 11850 },
    ]);
    const before = await orderState(s.db, s.m.merchantId);
    expect(before).toMatchObject({ orders: 5, lines: 6, entries: 0, fact_orders: 4 });
    expect(
      await s.db
        .selectFrom('import_order_row')
        .select('line')
        .where('merchant_id', '=', s.m.merchantId)
        .execute(),
    ).toEqual([]);

    // the same file again: every order is known, the commit writes nothing
    const again = await uploadOrders(s.db, s.ctx, orderFile(s));
    const dry = await dryRun(s.db, s.ctx, again, { dataDir });
    expect(dry.report.orders).toMatchObject({ orders: 0, existing_orders: 5 });
    const redone = await commit(s.db, s.ctx, again, { dataDir });
    expect(redone.report.commit).toMatchObject({ orders_created: 0, lines_created: 0 });
    expect(await orderState(s.db, s.m.merchantId)).toEqual(before);
  });

  it('awards points and growth only when the job says award, and only in the earn window', async () => {
    const s = await setup();
    const recent = new Date(Date.now() - 86_400_000).toISOString();
    const file = Buffer.from(
      csv([
        HEADER,
        ['R1', recent, 'S01', s.a.phone!, '', '250.00', '', '', ''],
        ['O1', '2020-01-01', 'S01', s.a.phone!, '', '100.00', '', '', ''],
      ]),
    );
    const plain = await uploadOrders(s.db, s.ctx, file);
    await dryRun(s.db, s.ctx, plain, { dataDir });
    await commit(s.db, s.ctx, plain, { dataDir });
    expect((await orderState(s.db, s.m.merchantId)).entries).toBe(0);

    const other = await setup();
    const awarded = Buffer.from(
      csv([
        HEADER,
        ['R1', recent, 'S01', other.a.phone!, '', '250.00', '', '', ''],
        ['O1', '2020-01-01', 'S01', other.a.phone!, '', '100.00', '', '', ''],
      ]),
    );
    const job = await uploadOrders(other.db, other.ctx, awarded);
    await other.db
      .transaction()
      .execute((trx) => requestDryRun(trx, other.ctx, job.id, undefined, async () => {}, true));
    await runImportJob(other.db, { merchantId: other.m.merchantId, jobId: job.id }, { dataDir });
    const done = await commit(other.db, other.ctx, job, { dataDir });
    expect(done).toMatchObject({ award: true, status: 'done' });
    expect(done.report.commit).toMatchObject({ orders_created: 2, orders_awarded: 1 });
    const orders = await other.db
      .selectFrom('sale_order')
      .select(['external_id', 'points_earned', 'points_credit_id'])
      .where('merchant_id', '=', other.m.merchantId)
      .orderBy('external_id')
      .execute();
    expect(orders[0]).toMatchObject({
      external_id: 'O1',
      points_earned: 0,
      points_credit_id: null,
    });
    expect(orders[1]).toMatchObject({ external_id: 'R1', points_earned: 250 });
    const entries = await other.db
      .selectFrom('ledger_entry')
      .select(['ledger', 'amount', 'ref_type'])
      .where('merchant_id', '=', other.m.merchantId)
      .execute();
    expect(entries).toEqual([{ ledger: 'points', amount: 250, ref_type: 'order' }]);
  });

  it('a commit interrupted between and inside batches resumes to the clean result, no order twice', async () => {
    const s = await setup();
    const rows = Array.from({ length: 30 }, (_, i) => [
      `N${i}`,
      `2024-06-${String((i % 28) + 1).padStart(2, '0')} 10:00`,
      'S01',
      [s.a, s.b, s.c][i % 3]!.phone!,
      '',
      `${i + 1}.0${i % 10}`,
      '',
      '',
      '',
    ]);
    const job = await uploadOrders(s.db, s.ctx, Buffer.from(csv([HEADER, ...rows])));
    await dryRun(s.db, s.ctx, job, { dataDir, batchSize: 4 });
    const run = (options: object) =>
      runImportJob(
        s.db,
        { merchantId: s.m.merchantId, jobId: job.id },
        { dataDir, batchSize: 4, ...options },
      );
    await s.db.transaction().execute((trx) => requestCommit(trx, s.ctx, job.id, async () => {}));
    await expect(
      run({
        afterBatch: async (n: number) => {
          if (n === 2) throw new Error('crash between batches');
        },
      }),
    ).rejects.toThrow('crash');
    expect(await reload(s.db, job)).toMatchObject({
      status: 'committing',
      committed_through_seq: 8,
    });
    expect((await orderState(s.db, s.m.merchantId)).orders).toBe(8);
    await expect(
      run({
        beforeBatchCommit: async (_trx: unknown, n: number) => {
          if (n === 2) throw new Error('crash inside a batch');
        },
      }),
    ).rejects.toThrow('crash');
    expect(await reload(s.db, job)).toMatchObject({ committed_through_seq: 12 });
    expect((await orderState(s.db, s.m.merchantId)).orders).toBe(12);
    expect(await run({})).toBe('ran');
    const total = rows.reduce((n, r) => n + Math.round(Number(r[5]) * 100), 0);
    expect(await reload(s.db, job)).toMatchObject({ status: 'done', processed_rows: 30 });
    expect(await orderState(s.db, s.m.merchantId)).toEqual({
      orders: 30,
      due: total,
      lines: 30,
      line_due: total,
      entries: 0,
      fact_orders: 30,
      fact_spend: total,
    });
  });

  it('facts count exactly the orders of each committed batch; a member merged away after the dry run gives its orders to the survivor', async () => {
    const s = await setup();
    const rows = Array.from({ length: 9 }, (_, i) => [
      `M${i}`,
      `2024-07-0${i + 1} 10:00`,
      'S01',
      [s.a, s.b, s.c][i % 3]!.phone!,
      '',
      `${i + 1}.00`,
      '饮品',
      '',
      '',
    ]);
    const job = await uploadOrders(s.db, s.ctx, Buffer.from(csv([HEADER, ...rows])));
    await dryRun(s.db, s.ctx, job, { dataDir, batchSize: 4 });
    // b's orders were matched to b by the dry run; b becomes part of a before the commit
    await s.db.transaction().execute((trx) => mergeMembers(trx, s.ctx, s.a.id, s.b.id));
    await s.db.transaction().execute((trx) => requestCommit(trx, s.ctx, job.id, async () => {}));
    const seen: Record<string, number>[] = [];
    await runImportJob(
      s.db,
      { merchantId: s.m.merchantId, jobId: job.id },
      {
        dataDir,
        batchSize: 4,
        beforeBatchCommit: async (trx) => {
          const { rows: r } = await sql<Record<string, number>>`select
            (select count(*) from sale_order
              where merchant_id = ${s.m.merchantId} and member_id is not null)::int as orders,
            (select coalesce(sum(order_count), 0) from member_fact
              where merchant_id = ${s.m.merchantId})::int as fact_orders,
            (select coalesce(sum(order_count), 0) from member_store_fact
              where merchant_id = ${s.m.merchantId})::int as store_orders,
            (select coalesce(sum(order_count), 0) from member_category_fact
              where merchant_id = ${s.m.merchantId})::int as category_orders`.execute(trx);
          seen.push(r[0]!);
        },
      },
    );
    expect(seen.map((r) => r.orders)).toEqual([4, 8, 9]);
    for (const r of seen)
      expect(r).toEqual({
        orders: r.orders,
        fact_orders: r.orders,
        store_orders: r.orders,
        category_orders: r.orders,
      });
    const owners = await s.db
      .selectFrom('sale_order')
      .select(({ fn }) => ['member_id', fn.countAll<number>().as('n')])
      .where('merchant_id', '=', s.m.merchantId)
      .groupBy('member_id')
      .orderBy('n')
      .execute();
    expect(owners.map((o) => [o.member_id, Number(o.n)])).toEqual([
      [s.c.id, 3],
      [s.a.id, 6],
    ]);
    const facts = await s.db
      .selectFrom('member_fact')
      .select(['member_id', 'order_count', 'spend_fen'])
      .where('merchant_id', '=', s.m.merchantId)
      .orderBy('order_count')
      .execute();
    expect(facts).toEqual([
      { member_id: s.c.id, order_count: 3, spend_fen: 300 + 600 + 900 },
      { member_id: s.a.id, order_count: 6, spend_fen: 100 + 200 + 400 + 500 + 700 + 800 },
    ]);
  });

  it('reads an XLSX order file and refuses a file without an order number column', async () => {
    const s = await setup();
    const book = await xlsx([
      ['订单号', '下单时间', '门店', '手机号', '金额'],
      ['W1', new Date(Date.UTC(2024, 0, 2, 8, 0, 0)), 'S01', s.b.phone, 66.6],
    ]);
    const job: ImportJobRow = await uploadOrders(s.db, s.ctx, book, 'orders.xlsx');
    const dry = await dryRun(s.db, s.ctx, job, { dataDir });
    expect(dry).toMatchObject({ ok_rows: 1, bad_rows: 0 });
    await commit(s.db, s.ctx, job, { dataDir });
    const order = await s.db
      .selectFrom('sale_order')
      .select(['due_fen', 'paid_at', 'member_id'])
      .where('merchant_id', '=', s.m.merchantId)
      .executeTakeFirstOrThrow();
    expect(order).toEqual({
      due_fen: 6660,
      paid_at: new Date('2024-01-02T00:00:00Z'),
      member_id: s.b.id,
    });
    await expect(
      uploadOrders(
        s.db,
        s.ctx,
        Buffer.from(
          csv([
            ['手机号', '金额'],
            ['13800000000', '1'],
          ]),
        ),
      ),
    ).rejects.toMatchObject({ code: 'import.no_order_column' });
  });
});
