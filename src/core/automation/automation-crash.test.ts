import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { automationWorld, freeClass } from './automation-fixture.ts';

const { db, url } = await testDb();
const MEMBERS = 1200;

const child = (merchantId: string, now: Date, batch: number) => {
  const p = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      resolve('test/automation-crash-child.ts'),
      url,
      merchantId,
      now.toISOString(),
      String(batch),
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  return { p, exited: new Promise<number | null>((done) => p.on('exit', (code) => done(code))) };
};

const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
  Number((await query.execute(db)).rows[0]!.n);

describe('two app instances and a kill -9 during a birthday run', () => {
  it('each member gets exactly one birthday coupon and one message', async () => {
    const w = await automationWorld(db);
    const m = w.m.merchantId;
    const coupon = await freeClass(db, w.m);
    await sql`insert into member (merchant_id, id, card_no, birthday, marketing_consent, status,
        registered_at, updated_at)
      select ${m}, gen_random_uuid(), 'CRASH' || i, '1990-08-08', true, 'active', now(), now()
      from generate_series(1, ${MEMBERS}) i`.execute(db);
    const a = await w.automation('2026-08-01T10:00', {
      name: '生日礼',
      trigger: { kind: 'birthday', days_before: 0 },
      actions: {
        coupon_template_id: coupon.id,
        message: { channel: 'inbox', template: 'birthday' },
      },
      member_limit: 'yearly',
    });
    const now = w.at('2026-08-08T00:05');
    const doneRuns = sql<{ n: number }>`select count(*)::int as n from automation_run
      where merchant_id = ${m} and automation_id = ${a.id} and status <> 'pending'`;
    const victim = child(m, now, 10);
    const survivor = child(m, now, 10);
    for (let i = 0; ; i++) {
      if ((await count(doneRuns)) >= 150) break;
      if (i > 1200) throw new Error('the sweep never reached the middle of the run');
      await new Promise((r) => setTimeout(r, 25));
    }
    victim.p.kill('SIGKILL');
    expect(await victim.exited).toBeNull(); // killed, not finished
    expect(await survivor.exited).toBe(0);
    // rows the killed instance held came back when its connection died; a restart takes them
    const restart = child(m, now, 50);
    expect(await restart.exited).toBe(0);

    const perMember = await sql<{ coupons: number; messages: number; n: number }>`
      select c.coupons, o.messages, count(*)::int as n
      from member mb
      cross join lateral (select count(*)::int as coupons from coupon c where c.merchant_id = ${m}
        and c.member_id = mb.id and c.template_id = ${coupon.id}) c
      cross join lateral (select count(*)::int as messages from outbox_message o
        where o.merchant_id = ${m} and o.member_id = mb.id) o
      where mb.merchant_id = ${m}
      group by 1, 2`.execute(db);
    expect(perMember.rows).toEqual([{ coupons: 1, messages: 1, n: MEMBERS }]);
    expect(
      await count(sql<{ n: number }>`select count(*)::int as n from automation_run
        where merchant_id = ${m} and automation_id = ${a.id} and outcome = 'reached'`),
    ).toBe(MEMBERS);
    const template = await db
      .selectFrom('coupon_template')
      .select('issued')
      .where('merchant_id', '=', m)
      .where('id', '=', coupon.id)
      .executeTakeFirstOrThrow();
    expect(template.issued).toBe(MEMBERS);
  }, 120_000);
});
