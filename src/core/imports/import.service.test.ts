import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember, createTestMerchant } from '../../../test/factories.ts';
import {
  commit,
  csv,
  dryRun,
  gbk,
  merchantState,
  testDataDir,
  upload,
  utf8Bom,
  xlsx,
} from '../../../test/fixtures/imports/import-helpers.ts';
import { DomainError } from '../../lib/errors.ts';
import { createStore } from '../tenancy/store.service.ts';
import { exportImportErrors, presentImportJob } from './import.service.ts';

const dataDir = testDataDir();
const HEADER = [
  '手机号',
  '姓名',
  '性别',
  '生日',
  '卡号',
  '余额',
  '赠送余额',
  '积分',
  '等级',
  '门店',
  '注册时间',
];
const ROWS = [
  [
    '13800000001',
    '张三',
    '男',
    '1990-01-02',
    '100001',
    '123.45',
    '10',
    '500',
    '金卡',
    '旗舰店',
    '2020-01-01 10:00:00',
  ],
  ['138 0000 0002', '李四', '女', '1985/3/4', '100002', '0.1', '', '0', '银卡', 's01', '2021/5/6'],
  ['+8613800000003', '王五', 'M', '19900102', '', '1,000', '5.5', '20', '', '', '2022-07-01'],
  ['13800000001', '张三丰', '', '', '100009', '0.55', '0.5', '5', '', '', ''],
  ['12345', '坏人', '男', '1990-01-01', '100004', '1', '', '', '', '', ''],
  ['13800000005', '赵六', 'X', '1990-13-01', '100005', '12.345', '', '-5', '', '不存在店', ''],
];

async function setup() {
  const { db } = await testDb();
  const m = await createTestMerchant(db);
  const ctx = m.ctx('owner');
  const stores = await db
    .transaction()
    .execute(async (trx) => [
      await createStore(trx, ctx, { code: 'S00', name: '旗舰店' }),
      await createStore(trx, ctx, { code: 'S01', name: '二店' }),
    ]);
  return { db, m, ctx, stores };
}

async function counts(db: Awaited<ReturnType<typeof testDb>>['db'], merchantId: string) {
  const { rows } = await sql<Record<string, number>>`select
    (select count(*) from member where merchant_id = ${merchantId})::int as members,
    (select count(*) from member_identity where merchant_id = ${merchantId})::int as identities,
    (select count(*) from ledger_entry where merchant_id = ${merchantId})::int as entries,
    (select count(*) from ledger_balance where merchant_id = ${merchantId})::int as balances,
    (select count(*) from custom_field where merchant_id = ${merchantId})::int as fields`.execute(
    db,
  );
  return rows[0]!;
}

async function balancesMatchEntries(
  db: Awaited<ReturnType<typeof testDb>>['db'],
  merchantId: string,
) {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ledger_balance b
    where b.merchant_id = ${merchantId} and b.balance <> (select coalesce(sum(amount), 0) from ledger_entry e
      where e.merchant_id = b.merchant_id and e.member_id = b.member_id and e.ledger = b.ledger)`.execute(
    db,
  );
  return rows[0]!.n === 0;
}

describe('legacy member import', () => {
  it('dry run reports bad rows by line and column, duplicates and counts, and writes no member', async () => {
    const { db, m, ctx } = await setup();
    const before = await counts(db, m.merchantId);
    const job = await upload(db, ctx, dataDir, utf8Bom(csv([HEADER, ...ROWS])));
    expect(job.status).toBe('uploaded');
    expect(job.encoding).toBe('utf8');
    expect(job.headers[0]).toBe('手机号');
    expect(job.mapping).toMatchObject({
      手机号: 'phone',
      余额: 'principal',
      赠送余额: 'bonus',
      门店: 'store',
    });
    expect(job.sample_rows).toHaveLength(5);

    const done = await dryRun(db, ctx, job, { dataDir });
    expect(done.status).toBe('dry_run_done');
    expect(done).toMatchObject({
      total_rows: 6,
      ok_rows: 4,
      bad_rows: 2,
      new_members: 3,
      existing_members: 0,
      duplicate_rows: 1,
    });
    const shown = presentImportJob(done, ctx);
    expect(shown.errors.map((e) => `${e.line} ${e.column} ${e.code}`).sort()).toEqual([
      '6 手机号 import.phone_invalid',
      '7 余额 import.amount_invalid',
      '7 性别 import.gender_invalid',
      '7 生日 import.birthday_invalid',
      '7 积分 import.points_invalid',
      '7 门店 import.store_unknown',
    ]);
    expect(shown.errors.find((e) => e.line === 6)!.message).toBe('The phone number is not valid');
    expect(shown.duplicates).toEqual([
      { line: 5, phone: '13800000001', kind: 'in_file', rule: expect.stringContaining('line 2') },
    ]);
    expect(await counts(db, m.merchantId)).toEqual(before);

    const errorsCsv = await buffer(await exportImportErrors(db, ctx, job.id));
    expect([...errorsCsv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = errorsCsv.subarray(3).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe(['行号', ...HEADER, '错误原因'].join(','));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('12345,坏人');
    expect(lines[2]).toMatch(/^7,13800000005,赵六,X,1990-13-01,.*积分: .*/);
  });

  it('commit creates members, legacy cards, opening entries and balances exactly', async () => {
    const { db, m, ctx, stores } = await setup();
    const job = await upload(db, ctx, dataDir, utf8Bom(csv([HEADER, ...ROWS])));
    await dryRun(db, ctx, job, { dataDir });
    const done = await commit(db, ctx, job, { dataDir });
    expect(done.status).toBe('done');
    expect(done.processed_rows).toBe(6);
    expect(done.report.commit).toEqual({
      members_created: 3,
      members_filled: 0,
      identities_linked: 3,
      entries_posted: 7,
    });
    const state = await merchantState(db, m.merchantId);
    const byPhone = Object.fromEntries(state.members.map((r) => [r.phone, r]));
    expect(byPhone['+8613800000001']).toMatchObject({
      name: '张三',
      gender: 'male',
      birthday: '1990-01-02',
      card_no: '100001',
      home_store_id: stores[0]!.id,
      custom: { legacy_tier: '金卡' },
      registered_at: new Date('2020-01-01T02:00:00Z'),
    });
    expect(byPhone['+8613800000002']).toMatchObject({
      name: '李四',
      gender: 'female',
      birthday: '1985-03-04',
      card_no: '100002',
      home_store_id: stores[1]!.id,
      registered_at: new Date('2021-05-05T16:00:00Z'),
    });
    expect(byPhone['+8613800000003']!.card_no).toMatch(/^8801\d{12}$/);
    expect(state.ledgers).toEqual([
      { phone: '+8613800000001', ledger: 'bonus', balance: 1050, entries: 1, total: 1050 },
      { phone: '+8613800000001', ledger: 'points', balance: 505, entries: 1, total: 505 },
      { phone: '+8613800000001', ledger: 'principal', balance: 12400, entries: 1, total: 12400 },
      { phone: '+8613800000002', ledger: 'principal', balance: 10, entries: 1, total: 10 },
      { phone: '+8613800000003', ledger: 'bonus', balance: 550, entries: 1, total: 550 },
      { phone: '+8613800000003', ledger: 'points', balance: 20, entries: 1, total: 20 },
      { phone: '+8613800000003', ledger: 'principal', balance: 100000, entries: 1, total: 100000 },
    ]);
    expect(state.identities).toEqual([
      { phone: '+8613800000001', value: '100001' },
      { phone: '+8613800000002', value: '100002' },
      { phone: '+8613800000001', value: '100009' },
    ]);
    const entries = await db
      .selectFrom('ledger_entry')
      .select(['kind', 'ref_type', 'ref_id', 'actor_id'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(
      new Set(entries.map((e) => `${e.kind}/${e.ref_type}/${e.ref_id}/${e.actor_id}`)),
    ).toEqual(new Set([`import/import_job/${job.id}/${m.staffIds.owner}`]));
    const field = await db
      .selectFrom('custom_field')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('key', '=', 'legacy_tier')
      .executeTakeFirst();
    expect(field?.type).toBe('text');
    const audit = await db
      .selectFrom('audit_log')
      .select('action')
      .where('merchant_id', '=', m.merchantId)
      .where('entity_id', '=', job.id)
      .execute();
    expect(audit.map((a) => a.action).sort()).toEqual([
      'import.commit',
      'import.commit_requested',
      'import.dry_run',
      'import.upload',
    ]);
    expect(await balancesMatchEntries(db, m.merchantId)).toBe(true);
    // staging is emptied and the uploaded copy removed once the rows are in
    const staged = await db
      .selectFrom('import_row')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('merchant_id', '=', m.merchantId)
      .where('job_id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(staged.n).toBe(0);
    expect(readdirSync(join(dataDir, 'uploads'))).not.toContain(job.id);
  });

  it('importing the same file again changes nothing', async () => {
    const { db, m, ctx } = await setup();
    const file = utf8Bom(csv([HEADER, ...ROWS]));
    const first = await upload(db, ctx, dataDir, file);
    await dryRun(db, ctx, first, { dataDir });
    await commit(db, ctx, first, { dataDir });
    const before = await merchantState(db, m.merchantId);
    const beforeCounts = await counts(db, m.merchantId);

    const second = await upload(db, ctx, dataDir, file);
    const report = await dryRun(db, ctx, second, { dataDir });
    expect(report).toMatchObject({ new_members: 0, existing_members: 3, ok_rows: 4, bad_rows: 2 });
    const rules = presentImportJob(report, { ...ctx, locale: 'zh-CN' }).duplicates;
    expect(rules.filter((d) => d.kind === 'existing')).toHaveLength(3);
    expect(rules[0]!.rule).toContain('不再入账');
    const done = await commit(db, ctx, second, { dataDir });
    expect(done.report.commit).toEqual({
      members_created: 0,
      members_filled: 0,
      identities_linked: 0,
      entries_posted: 0,
    });
    expect(await merchantState(db, m.merchantId)).toEqual(before);
    expect(await counts(db, m.merchantId)).toEqual(beforeCounts);
  });

  it('an existing member is filled, never overwritten', async () => {
    const { db, m, ctx } = await setup();
    const member = await createMember(db, ctx, { phone: '13900000001', name: '老王' });
    const file = csv([
      ['手机号', '姓名', '性别', '生日', '卡号', '余额', '等级'],
      ['13900000001', '新名字', '男', '1970-01-01', 'C-1', '10', 'VIP'],
    ]);
    const job = await upload(db, ctx, dataDir, Buffer.from(file));
    const report = await dryRun(db, ctx, job, { dataDir });
    expect(report).toMatchObject({ new_members: 0, existing_members: 1 });
    expect(presentImportJob(report, ctx).duplicates).toEqual([
      {
        line: 2,
        phone: '13900000001',
        kind: 'existing',
        rule: expect.stringContaining(member.card_no),
      },
    ]);
    // a role without members.pii sees the phone masked
    expect(presentImportJob(report, m.ctx('marketer')).duplicates[0]!.phone).toBe('139****0001');
    await commit(db, ctx, job, { dataDir });
    const after = await db
      .selectFrom('member')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', member.id)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      name: '老王',
      gender: 'male',
      birthday: '1970-01-01',
      card_no: member.card_no,
      custom: { legacy_tier: 'VIP' },
    });
    const state = await merchantState(db, m.merchantId);
    expect(state.identities).toEqual([{ phone: '+8613900000001', value: 'C-1' }]);
    // a file credits no value to a member who already exists (only to members it creates)
    expect(state.ledgers).toEqual([]);
  });

  it('reads a GBK export with Chinese headers, detected or named', async () => {
    const { db, m, ctx } = await setup();
    const file = gbk(
      csv([
        ['手机号码', '会员姓名', '储值余额', '可用积分'],
        ['13700000001', '欧阳娜娜', '88.80', '30'],
      ]),
    );
    const detected = await upload(db, ctx, dataDir, file);
    expect(detected.encoding).toBe('gb18030');
    expect(detected.mapping).toEqual({
      手机号码: 'phone',
      会员姓名: 'name',
      储值余额: 'principal',
      可用积分: 'points',
    });
    expect(detected.sample_rows).toEqual([['13700000001', '欧阳娜娜', '88.80', '30']]);
    const named = await upload(db, ctx, dataDir, file, { encoding: 'gbk' });
    expect(named.encoding).toBe('gbk');
    // read as UTF-8 the headers are noise: no phone column
    await expect(upload(db, ctx, dataDir, file, { encoding: 'utf8' })).rejects.toMatchObject({
      code: 'import.no_phone_column',
    });
    await dryRun(db, ctx, detected, { dataDir });
    await commit(db, ctx, detected, { dataDir });
    const state = await merchantState(db, m.merchantId);
    expect(state.members[0]).toMatchObject({ phone: '+8613700000001', name: '欧阳娜娜' });
    expect(state.ledgers.map((l) => [l.ledger, l.balance])).toEqual([
      ['points', 30],
      ['principal', 8880],
    ]);
  });

  it('reads an XLSX workbook: numbers, dates and Excel serials', async () => {
    const { db, m, ctx } = await setup();
    const file = await xlsx([
      ['手机', '名字', '出生日期', '余额', '积分', '开卡时间'],
      [13600000001, '钱七', new Date(Date.UTC(1991, 1, 3)), 88.8, 100, '2022-02-02 08:00'],
      [13600000002, '孙八', 32875, 0.07, 0, new Date(Date.UTC(2023, 5, 1, 9, 30))],
      [13600000003, '周九', 'not a date', 1, 1, ''],
    ]);
    const job = await upload(db, ctx, dataDir, file, { name: 'members.xlsx' });
    expect(job.format).toBe('xlsx');
    const report = await dryRun(db, ctx, job, { dataDir });
    expect(report).toMatchObject({ ok_rows: 2, bad_rows: 1 });
    expect(report.report.errors).toEqual([
      { line: 4, column: '出生日期', code: 'import.birthday_invalid' },
    ]);
    await commit(db, ctx, job, { dataDir });
    const state = await merchantState(db, m.merchantId);
    expect(
      state.members.map((r) => [r.phone, r.name, r.birthday, r.registered_at.toISOString()]),
    ).toEqual([
      ['+8613600000001', '钱七', '1991-02-03', '2022-02-02T00:00:00.000Z'],
      ['+8613600000002', '孙八', '1990-01-02', '2023-06-01T01:30:00.000Z'],
    ]);
    expect(state.ledgers.map((l) => [l.phone, l.ledger, l.balance])).toEqual([
      ['+8613600000001', 'points', 100],
      ['+8613600000001', 'principal', 8880],
      ['+8613600000002', 'principal', 7],
    ]);
  });

  it('skips title lines above the header row; reads tab-separated exports', async () => {
    const { db, m, ctx } = await setup();
    const tsv =
      '会员资料导出\t\t\n导出时间：2024-01-01\n\n手机号\t姓名\t积分\n13300000001\t甲\t7\n';
    const job = await upload(db, ctx, dataDir, Buffer.from(tsv));
    expect(job).toMatchObject({ delimiter: '\t', headers: ['手机号', '姓名', '积分'] });
    expect(job.sample_rows).toEqual([['13300000001', '甲', '7']]);
    const report = await dryRun(db, ctx, job, { dataDir });
    expect(report).toMatchObject({ total_rows: 1, ok_rows: 1, bad_rows: 0 });
    await commit(db, ctx, job, { dataDir });
    const state = await merchantState(db, m.merchantId);
    expect(state.ledgers.map((l) => [l.phone, l.ledger, l.balance])).toEqual([
      ['+8613300000001', 'points', 7],
    ]);
  });

  it('refuses what is not a member table and leaves nothing behind', async () => {
    const { db, m, ctx } = await setup();
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]);
    const cases: [Buffer, string | undefined, string][] = [
      [png, undefined, 'import.file_type'],
      [xls, undefined, 'import.file_type'],
      [Buffer.from('PK\u0003\u0004 not really a zip'), undefined, 'import.file_type'],
      [Buffer.from('姓名,积分\n张三,1\n'), undefined, 'import.no_phone_column'],
      [Buffer.alloc(0), undefined, 'import.empty_file'],
      [Buffer.from('\n\n  \n'), undefined, 'import.empty_file'],
      [Buffer.from('手机号,姓名\n'), undefined, 'import.empty_file'],
      [Buffer.from('手机号\n13800000001\n'), 'latin1', 'import.encoding_invalid'],
    ];
    const filesBefore = readdirSync(join(dataDir, 'uploads')).length;
    for (const [content, encoding, code] of cases) {
      const error = await upload(db, ctx, dataDir, content, { encoding }).catch((e: unknown) => e);
      expect(error, code).toBeInstanceOf(DomainError);
      expect((error as DomainError).code).toBe(code);
    }
    expect(readdirSync(join(dataDir, 'uploads'))).toHaveLength(filesBefore);
    const jobs = await db
      .selectFrom('import_job')
      .select('id')
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(jobs).toEqual([]);
  });

  it('a malformed CSV fails the dry run with the line, and can be run again', async () => {
    const { db, ctx } = await setup();
    // within the first rows the upload itself is refused
    await expect(
      upload(db, ctx, dataDir, Buffer.from('手机号,姓名\n13800000001,"张三\n')),
    ).rejects.toMatchObject({ code: 'import.file_malformed' });
    const good = Array.from({ length: 30 }, (_, i) => `1380000${String(i).padStart(4, '0')},x`);
    const file = `手机号,姓名\n${good.join('\n')}\n13800009999,"broken\n`;
    const job = await upload(db, ctx, dataDir, Buffer.from(file));
    const failed = await dryRun(db, ctx, job, { dataDir });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/line 32/);
    // nothing else happened, and the job can be run again (with the same result here)
    expect((await dryRun(db, ctx, failed, { dataDir })).status).toBe('failed');
  });
});
