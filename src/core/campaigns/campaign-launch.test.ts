import { describe, expect, it } from 'vitest';
import { testDb } from '../../../test/db.ts';
import { createMember } from '../../../test/factories.ts';
import { updateMember } from '../members/member.service.ts';
import { getCampaign } from './campaign.service.ts';
import {
  campaignWorld,
  DAY,
  draft,
  launch,
  members,
  outcomes,
  spend100save50,
} from './campaign-fixture.ts';
import { campaignFunnel } from './campaign-report.service.ts';
import { runCampaignLaunch } from './campaign-run.service.ts';

const couponsOf = (db: Awaited<ReturnType<typeof testDb>>['db'], merchantId: string) =>
  db
    .selectFrom('coupon')
    .select(['id', 'member_id'])
    .where('merchant_id', '=', merchantId)
    .where('issued_via', '=', 'campaign')
    .execute();

describe('campaign launch', () => {
  it('runs exactly once across a kill mid-launch: every member one outcome, coupons issued once', async () => {
    const { db } = await testDb();
    const { m } = await campaignWorld(db);
    const ctx = m.ctx('marketer');
    const consenting = await members(db, ctx, 23);
    const refusing = await members(db, ctx, 3, false);
    const template = await spend100save50(db, ctx);
    const campaign = await draft(db, ctx, {
      name: '回流券',
      target: { member_ids: [...consenting, ...refusing] },
      actions: {
        coupon_template_id: template.id,
        message: { title: '送你一张满100减50', body: '两周内到店使用' },
      },
      // half held out: of 23 members a 20 % draw is empty 0.6 % of the time, a 50 % one 1 in 8M
      control_bp: 5000,
    });
    let batches = 0;
    await expect(
      launch(db, ctx, campaign.id, {
        batchSize: 5,
        afterBatch: () => {
          batches++;
          throw new Error('killed');
        },
      }),
    ).rejects.toThrow('killed');
    expect(batches).toBe(1);
    const midway = await outcomes(db, m.merchantId, campaign.id);
    expect(midway).toHaveLength(26);
    expect(midway.filter((r) => r.outcome === 'pending').length).toBeGreaterThan(0);
    expect((await getCampaign(db, ctx, campaign.id)).status).toBe('launching');

    const payload = { merchantId: m.merchantId, campaignId: campaign.id };
    expect(await runCampaignLaunch(db, payload, { batchSize: 5, now: () => ctx.now })).toBe('ran');
    expect(await runCampaignLaunch(db, payload, { batchSize: 5 })).toBe('idle');
    const rows = await outcomes(db, m.merchantId, campaign.id);
    expect(rows).toHaveLength(26);
    expect(rows.filter((r) => r.outcome === 'pending')).toEqual([]);
    for (const r of rows.filter((x) => refusing.includes(x.member_id)))
      expect(r.outcome).toBe('skipped_consent');
    const issued = rows.filter((r) => r.outcome === 'issued');
    const control = rows.filter((r) => r.outcome === 'control');
    expect(issued.length + control.length).toBe(23);
    expect(control.length).toBeGreaterThan(0);
    for (const r of control) expect(r.coupon_id).toBeNull();
    const coupons = await couponsOf(db, m.merchantId);
    expect(coupons).toHaveLength(issued.length);
    expect(new Set(coupons.map((c) => c.member_id))).toEqual(
      new Set(issued.map((r) => r.member_id)),
    );
    expect(new Set(issued.map((r) => r.coupon_id))).toEqual(new Set(coupons.map((c) => c.id)));
    const messages = await db
      .selectFrom('member_message')
      .select(['id', 'member_id'])
      .where('merchant_id', '=', m.merchantId)
      .where('ref_id', '=', campaign.id)
      .execute();
    expect(messages.map((x) => x.id).sort()).toEqual(issued.map((r) => r.message_id).sort());
    const done = await getCampaign(db, ctx, campaign.id);
    expect(done.status).toBe('launched');
    expect(done.spent_coupons).toBe(issued.length);
    expect(done.spent_cost_fen).toBe(issued.length * 5_000);
    // the control group is the stable hash of campaign and member: the same members again
    const { rows: hashed } = await db.executeQuery<{ member_id: string }>({
      sql: `select id as member_id from member where merchant_id = $1 and id = any($2::uuid[])
        and ((hashtextextended($3::text || id::text, 0) % 10000) + 10000) % 10000 < 5000`,
      parameters: [m.merchantId, consenting, campaign.id],
      query: { kind: 'RawNode' } as never,
      queryId: { queryId: 'control' } as never,
    });
    expect(hashed.map((h) => h.member_id).sort()).toEqual(control.map((r) => r.member_id).sort());
  });

  it('stops cleanly when the budget runs out mid-launch and reports who got nothing', async () => {
    const { db } = await testDb();
    const { m } = await campaignWorld(db);
    const ctx = m.ctx('marketer');
    const target = await members(db, ctx, 12);
    const template = await spend100save50(db, ctx);
    const campaign = await draft(db, ctx, {
      name: '限量券',
      target: { member_ids: target },
      actions: { coupon_template_id: template.id, points: { amount: 100 } },
      control_bp: 0,
      budget: { cost_fen: 7 * 5_000 },
    });
    await launch(db, ctx, campaign.id, { batchSize: 4 });
    const rows = await outcomes(db, m.merchantId, campaign.id);
    expect(rows.filter((r) => r.outcome === 'issued')).toHaveLength(7);
    expect(rows.filter((r) => r.outcome === 'skipped_budget')).toHaveLength(5);
    const done = await getCampaign(db, ctx, campaign.id);
    expect(done.status).toBe('stopped_budget');
    expect([done.spent_coupons, done.spent_points]).toEqual([7, 700]);
    expect((await couponsOf(db, m.merchantId)).length).toBe(7);
    const report = await campaignFunnel(db, ctx, campaign.id);
    expect(report.funnel.skipped_budget).toBe(5);
    expect(report.funnel.issued).toBe(7);
  });

  it('a coupon stock that runs out is a budget too', async () => {
    const { db } = await testDb();
    const { m } = await campaignWorld(db);
    const ctx = m.ctx('marketer');
    const target = await members(db, ctx, 6);
    const template = await spend100save50(db, ctx, { total_stock: 4 });
    const campaign = await draft(db, ctx, {
      name: '库存券',
      target: { member_ids: target },
      actions: { coupon_template_id: template.id },
      control_bp: 0,
    });
    await launch(db, ctx, campaign.id, { batchSize: 10 });
    const rows = await outcomes(db, m.merchantId, campaign.id);
    expect(rows.filter((r) => r.outcome === 'issued')).toHaveLength(4);
    expect(rows.filter((r) => r.outcome === 'skipped_budget')).toHaveLength(2);
    expect((await getCampaign(db, ctx, campaign.id)).status).toBe('stopped_budget');
  });

  it('opting out before a scheduled launch keeps the member out', async () => {
    const { db } = await testDb();
    const { m } = await campaignWorld(db);
    const t0 = new Date();
    const ctx = m.ctx('marketer', t0);
    const target = await members(db, ctx, 4);
    const template = await spend100save50(db, ctx);
    const local = new Date(t0.getTime() + 8 * 3600_000 + 2 * 3600_000).toISOString().slice(0, 16);
    const campaign = await draft(db, ctx, {
      name: '定时券',
      target: { member_ids: target },
      actions: { coupon_template_id: template.id },
      control_bp: 0,
      schedule_local: local,
    });
    expect(campaign.schedule_at!.getTime()).toBe(new Date(`${local}:00+08:00`).getTime());
    const scheduled = await launch(db, ctx, campaign.id);
    expect(scheduled.status).toBe('scheduled');
    await db
      .transaction()
      .execute((trx) => updateMember(trx, ctx, target[0]!, { marketing_consent: false }));
    const payload = { merchantId: m.merchantId, campaignId: campaign.id };
    expect(await runCampaignLaunch(db, payload, { now: () => t0 })).toBe('early');
    const later = new Date(t0.getTime() + 3 * 3600_000);
    expect(await runCampaignLaunch(db, payload, { now: () => later })).toBe('ran');
    const rows = await outcomes(db, m.merchantId, campaign.id);
    expect(rows.find((r) => r.member_id === target[0])?.outcome).toBe('skipped_consent');
    expect(rows.filter((r) => r.outcome === 'issued')).toHaveLength(3);
    expect((await couponsOf(db, m.merchantId)).map((c) => c.member_id)).not.toContain(target[0]);
  });

  it('frequency cap, points with their own expiry, and guide tasks', async () => {
    const { db } = await testDb();
    const { m } = await campaignWorld(db);
    const t0 = new Date('2026-11-03T02:00:00Z'); // 10:00 in Shanghai
    const ctx = m.ctx('marketer', t0);
    const guided = await createMember(db, ctx, { marketing_consent: true });
    await db
      .updateTable('member')
      .set({ guide_staff_id: m.staffIds.manager })
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', guided.id)
      .execute();
    const [plain] = await members(db, ctx, 1);
    const first = await draft(db, ctx, {
      name: '积分回馈',
      target: { member_ids: [guided.id, plain!] },
      actions: {
        points: { amount: 300, expiry_days: 30 },
        task: { kind: 'call', title: '回访', due_days: 3 },
      },
      control_bp: 0,
      cap: { max: 1, days: 30 },
    });
    await launch(db, ctx, first.id);
    const rows = await outcomes(db, m.merchantId, first.id);
    expect(rows.map((r) => r.outcome)).toEqual(['issued', 'issued']);
    const withTask = rows.find((r) => r.member_id === guided.id)!;
    expect(withTask.task_id).not.toBeNull();
    expect(rows.find((r) => r.member_id === plain)!.task_id).toBeNull();
    const lots = await db
      .selectFrom('points_lot')
      .select(['member_id', 'amount', 'expires_at'])
      .where('merchant_id', '=', m.merchantId)
      .execute();
    expect(lots).toHaveLength(2);
    for (const lot of lots) {
      expect(lot.amount).toBe(300);
      expect(lot.expires_at?.toISOString()).toBe('2026-12-02T16:00:00.000Z');
    }
    const task = await db
      .selectFrom('guide_task')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect([task.staff_id, task.campaign_id, task.due_at.toISOString()]).toEqual([
      m.staffIds.manager,
      first.id,
      '2026-11-06T16:00:00.000Z',
    ]);

    const second = await draft(db, m.ctx('marketer', new Date(t0.getTime() + DAY)), {
      name: '第二波',
      target: { member_ids: [guided.id, plain!] },
      actions: { task: { kind: 'follow_up', title: '跟进', due_days: 1 } },
      control_bp: 0,
      cap: { max: 1, days: 30 },
    });
    await launch(db, m.ctx('marketer', new Date(t0.getTime() + DAY)), second.id);
    expect((await outcomes(db, m.merchantId, second.id)).map((r) => r.outcome)).toEqual([
      'skipped_cap',
      'skipped_cap',
    ]);
    const third = await draft(db, m.ctx('marketer', new Date(t0.getTime() + 40 * DAY)), {
      name: '第三波',
      target: { member_ids: [guided.id, plain!] },
      actions: { task: { kind: 'follow_up', title: '跟进', due_days: 1 } },
      control_bp: 0,
      cap: { max: 1, days: 30 },
    });
    await launch(db, m.ctx('marketer', new Date(t0.getTime() + 40 * DAY)), third.id);
    const thirdRows = await outcomes(db, m.merchantId, third.id);
    expect(thirdRows.find((r) => r.member_id === guided.id)!.outcome).toBe('issued');
    expect(thirdRows.find((r) => r.member_id === plain)!.outcome).toBe('skipped_no_guide');
  });
});
