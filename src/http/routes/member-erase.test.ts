import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { auth, createMember, createTestMerchant, testConfig } from '../../../test/factories.ts';
import {
  commit,
  csv,
  dryRun,
  reload,
  testDataDir,
  upload,
} from '../../../test/fixtures/imports/import-helpers.ts';
import { recordAudit } from '../../core/audit/audit.service.ts';
import { postEntry } from '../../core/ledger/ledger.service.ts';
import type { Db } from '../../db/database.ts';
import { newId } from '../../lib/ids.ts';
import { type App, buildApp } from '../app.ts';

const dataDir = testDataDir();
let app: App;
let db: Db;

beforeAll(async () => {
  db = (await testDb()).db;
  app = await buildApp({ db, config: { ...testConfig(), dataDir } });
  await app.ready();
});
afterAll(() => app?.close());

/**
 * Columns that may hold a member's personal data, and what erasure does with each. A new table
 * or column whose name looks personal fails the first test until it is listed here, and handled
 * by `eraseMember` (or said to hold no member data).
 */
const PERSONAL_COLUMNS: Record<string, string> = {
  'member.phone': 'nulled',
  'member.name': 'nulled',
  'member.birthday': 'nulled',
  'member.custom': 'emptied',
  'member_identity.value': 'deleted',
  'payment_password.password_hash': 'deleted',
  'member_session.phone': 'deleted',
  'member_otp.phone': 'deleted',
  'audit_log.before': 'nulled (member entries) or scrubbed',
  'audit_log.after': 'nulled (member entries) or scrubbed',
  'member_merge.moved': 'scrubbed',
  'idempotency_key.response': 'scrubbed',
  'membership_invitation.phone': 'open ones deleted, accepted ones blanked',
  'import_job.sample_rows': 'rows with the phone removed',
  'import_job.report': 'duplicates with the phone removed',
  'import_row_error.raw': 'cells removed',
  'import_row.phone': 'deleted',
  'import_row.name': 'deleted',
  'import_row.birthday': 'deleted',
  'import_group.phone': 'deleted',
  'import_group.name': 'deleted',
  'import_group.birthday': 'deleted',
  'ledger_entry.memo': 'nulled where it names the person',
  'growth_entry.memo': 'nulled where it names the person',
  'mall_redemption.cancel_reason': 'nulled where it names the person',
  'referral_withdrawal.note': 'nulled where it names the person',
  'guide_task.note': 'nulled where it names the person',
  'referral_withdrawal.decision_reason': 'nulled where it names the person',
  'coupon.reason': 'nulled where it names the person',
  'order_refund.reason': 'nulled where it names the person',
  'tier_history.reason': 'no member data: upgrade, downgrade or review',
  'outbox_message.address': 'nulled, with the rendered text (payload) of the member’s messages',
  'outbox_message.skip_reason': 'no member data: opted_out, no_address or capped',
  'import_job.file_name': 'no member data: the name of the uploaded file',
  'import_row_error.column_name': 'no member data: a column header of the file',
  'webhook_subscription.name': 'no member data: the integrator’s name for its endpoint',
  'automation.name': 'no member data: the marketer’s name for the automation',
  'holiday.name': 'no member data: a day of the merchant’s holiday calendar',
};
const PERSONAL_NAME =
  /phone|name|birth|email|address|custom|raw|response|moved|sample|before|after|value|password|contact|memo|note|reason|comment|remark/;

const tag = () => randomBytes(3).toString('hex');
const mobile = () => `137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** Every (table, column) of a text-like type, in every schema the app writes. */
async function textColumns(): Promise<{ schema: string; table: string; column: string }[]> {
  const { rows } = await sql<{ schema: string; table: string; column: string }>`
    select c.table_schema as schema, c.table_name as table, c.column_name as column
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema not in ('pg_catalog', 'information_schema') and t.table_type = 'BASE TABLE'
      and (c.data_type in ('text', 'character varying', 'json', 'jsonb', 'ARRAY', 'USER-DEFINED'))
    order by 1, 2, 3`.execute(db);
  return rows;
}

/** Where any of the needles still appears: `schema.table.column`. */
async function holders(needles: string[]): Promise<string[]> {
  const patterns = needles.map((n) => `%${n}%`);
  const found: string[] = [];
  for (const c of await textColumns()) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from ${sql.id(c.schema, c.table)}
      where ${sql.id(c.column)}::text like any(${patterns})`.execute(db);
    if (rows[0]!.n > 0) found.push(`${c.schema}.${c.table}.${c.column}`);
  }
  return found;
}

function filesHolding(dir: string, needles: string[]): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesHolding(path, needles));
    else if (needles.some((n) => readFileSync(path).includes(n))) out.push(path);
  }
  return out;
}

describe('erasure (issue 7 §1.9)', () => {
  it('knows every column that may hold personal data', async () => {
    const personal = (await textColumns())
      .filter((c) => c.schema === 'public' && PERSONAL_NAME.test(c.column))
      .map((c) => `${c.table}.${c.column}`);
    const NOT_MEMBER_DATA =
      /^(merchant|store|staff|staff_session|api_key|tier|points_campaign|mall_reward|recharge_plan|membership_plan|coupon_template|product_category|product|sale_order_line|custom_field|segment|tag|tag_group|campaign|kysely_migration|kysely_migration_lock)\./;
    const unknown = personal.filter((c) => !(c in PERSONAL_COLUMNS) && !NOT_MEMBER_DATA.test(c));
    expect(unknown, 'list them in PERSONAL_COLUMNS and erase them in eraseMember').toEqual([]);
  });

  it('erases the whole merge chain and every copy; ledgers and amounts stay', async () => {
    const m = await createTestMerchant(db);
    const ctx = m.ctx();
    const [phoneA, phoneB, other] = [mobile(), mobile(), mobile()];
    const [nameA, nameB] = [`甲${tag()}`, `乙${tag()}`];
    const a = await createMember(db, ctx, {
      phone: phoneA,
      name: nameA,
      birthday: '1990-02-03',
      identities: [{ kind: 'wechat_openid', value: `o-${tag()}` }],
    });
    const b = await createMember(db, ctx, { phone: phoneB, name: nameB });
    await db.transaction().execute(async (trx) => {
      await postEntry(trx, ctx, { ledger: 'points', memberId: a.id, amount: 30, kind: 'test' });
      await postEntry(trx, ctx, {
        ledger: 'points',
        memberId: b.id,
        amount: 50,
        kind: 'test',
        memo: `${nameB} 的生日礼`,
      });
      // a copy under another entity (a phone typed into some other record's payload)
      await recordAudit(trx, ctx, {
        action: 'test.copy',
        entityType: 'membership_invitation',
        entityId: null,
        after: { phone: `+86${phoneA}`, paid_fen: 100 },
      });
      await trx
        .insertInto('membership_invitation')
        .values([
          {
            merchant_id: m.merchantId,
            id: newId(),
            phone: `+86${phoneA}`,
            paid_fen: 900,
            store_id: null,
            status: 'sent',
            member_id: null,
            created_at: new Date(),
            accepted_at: null,
          },
          {
            merchant_id: m.merchantId,
            id: newId(),
            phone: `+86${phoneB}`,
            paid_fen: 800,
            store_id: null,
            status: 'accepted',
            member_id: b.id,
            created_at: new Date(),
            accepted_at: new Date(),
          },
        ])
        .execute();
    });
    const key = newId();
    const merge = () =>
      app.inject({
        method: 'POST',
        url: '/api/members/merge',
        headers: { ...auth(m.tokens.owner), 'idempotency-key': key },
        payload: { survivor_id: a.id, merged_id: b.id },
      });
    expect((await merge()).json().moved.merged_phone).toBe(`+86${phoneB}`);

    // an upload not yet checked, and a dry run waiting for its commit
    const waiting = await upload(
      db,
      ctx,
      dataDir,
      Buffer.from(
        csv([
          ['手机号', '姓名'],
          [phoneA, nameA],
          [other, '丙'],
        ]),
      ),
    );
    const checked = await dryRun(
      db,
      ctx,
      await upload(
        db,
        ctx,
        dataDir,
        Buffer.from(
          csv([
            ['手机号', '姓名', '积分'],
            [other, '丙', '1'],
            [phoneA, nameA, '10'],
            [`${phoneB.slice(0, 3)}-${phoneB.slice(3, 7)}-${phoneB.slice(7)}`, nameB, 'x'],
          ]),
        ),
      ),
      { dataDir },
    );
    expect(checked.status).toBe('dry_run_done');
    const needles = [phoneA, phoneB, nameA, nameB];
    expect((await holders(needles)).length).toBeGreaterThan(5);
    expect(filesHolding(dataDir, [phoneA, nameA])).toHaveLength(2);

    // the merged record may be named: its survivor and the whole chain go (was 409 member.not_active)
    const erased = await app.inject({
      method: 'POST',
      url: `/api/members/${b.id}/erase`,
      headers: auth(m.tokens.owner),
    });
    expect(erased.statusCode).toBe(200);
    expect(erased.json()).toMatchObject({ id: a.id, status: 'erased', phone: null, name: null });

    expect(await holders(needles)).toEqual([]);
    expect(filesHolding(dataDir, needles)).toEqual([]);
    const rows = await db
      .selectFrom('member')
      .select(['id', 'phone', 'name', 'birthday', 'status', 'card_no'])
      .where('merchant_id', '=', m.merchantId)
      .where('id', 'in', [a.id, b.id])
      .execute();
    for (const r of rows)
      expect(r).toMatchObject({ phone: null, name: null, birthday: null, status: 'erased' });
    expect(rows.map((r) => r.card_no).sort()).toEqual([a.card_no, b.card_no].sort());
    // ledgers stay, with their amounts, now pseudonymous
    const entries = await db
      .selectFrom('ledger_entry')
      .select(['member_id', 'amount'])
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', 'in', [a.id, b.id])
      .execute();
    expect(entries.reduce((s, e) => s + e.amount, 0)).toBe(80);
    const balance = await db
      .selectFrom('ledger_balance')
      .select('balance')
      .where('merchant_id', '=', m.merchantId)
      .where('member_id', '=', a.id)
      .where('ledger', '=', 'points')
      .executeTakeFirstOrThrow();
    expect(balance.balance).toBe(80);
    const invitations = await db
      .selectFrom('membership_invitation')
      .select(['paid_fen', 'member_id'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(invitations).toEqual([{ paid_fen: 800, member_id: b.id }]);

    // a replay still answers, without the phone; a second erasure has nothing left
    const replay = await merge();
    expect(replay.statusCode).toBe(200);
    expect(replay.json().moved.merged_phone).toBeNull();
    const again = await app.inject({
      method: 'POST',
      url: `/api/members/${a.id}/erase`,
      headers: auth(m.tokens.owner),
    });
    expect(again.statusCode).toBe(409);

    // the unchecked upload is gone with its job; the checked one still commits the others
    expect(await reload(db, waiting)).toMatchObject({
      status: 'failed',
      sample_rows: [[other, '丙']],
    });
    const done = await commit(db, ctx, checked, { dataDir });
    expect(done.status).toBe('done');
    const created = await db
      .selectFrom('member')
      .select('phone')
      .where('merchant_id', '=', m.merchantId)
      .where('status', '=', 'active')
      .execute();
    expect(created).toEqual([{ phone: `+86${other}` }]);
    expect(await holders(needles)).toEqual([]);
  });
});
