import { describe, expect, it } from 'vitest';
import { auth, createTestMerchant, testApp } from '../../../test/factories.ts';
import { freeClass } from '../../core/automation/automation-fixture.ts';
import { runAutomationSweep } from '../../core/automation/automation-sweep.service.ts';
import { localInstant } from '../../lib/time.ts';

const { app, db } = await testApp();

const birthdayBody = (couponId: string) => ({
  name: '生日礼',
  trigger: { kind: 'birthday', days_before: 0 },
  actions: { coupon_template_id: couponId, message: { channel: 'inbox', template: 'birthday' } },
  member_limit: 'yearly',
});

describe('automation routes', () => {
  it('creates, lists with counts, pauses and resumes; the run log pages newest first', async () => {
    const m = await createTestMerchant(db);
    const coupon = await freeClass(db, m);
    const token = m.tokens.marketer;
    const created = await app.inject({
      method: 'POST',
      url: '/api/automations',
      headers: auth(token),
      payload: birthdayBody(coupon.id),
    });
    expect(created.statusCode).toBe(201);
    const a = created.json();
    expect(a).toMatchObject({ status: 'active', trigger: { kind: 'birthday', days_before: 0 } });
    const row = await db
      .selectFrom('automation')
      .selectAll()
      .where('merchant_id', '=', m.merchantId)
      .where('id', '=', a.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ trigger_kind: 'birthday', coupon_template_id: coupon.id });

    // today's birthdays in the merchant's zone, swept before the local day ends
    const localToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(
      new Date(),
    );
    for (let i = 0; i < 3; i++)
      await app.inject({
        method: 'POST',
        url: '/api/members',
        headers: { ...auth(m.tokens.owner), 'idempotency-key': crypto.randomUUID() },
        payload: {
          phone: `1380013${String(i).padStart(4, '0')}`,
          birthday: `1990-${localToday.slice(5)}`,
          marketing_consent: true,
        },
      });
    await runAutomationSweep(db, localInstant(`${localToday}T23:59`, 'Asia/Shanghai'), {
      merchantId: m.merchantId,
    });
    const list = await app.inject({ method: 'GET', url: '/api/automations', headers: auth(token) });
    expect(list.json().items[0].counts).toEqual({ pending: 0, reached: 3, skipped: 0 });

    const page1 = await app.inject({
      method: 'GET',
      url: `/api/automations/${a.id}/runs?limit=2&outcome=reached`,
      headers: auth(token),
    });
    expect(page1.statusCode).toBe(200);
    const { items, next_cursor } = page1.json();
    expect(items).toHaveLength(2);
    expect(items[0]).toMatchObject({ outcome: 'reached', occurrence: localToday.slice(0, 4) });
    const page2 = await app.inject({
      method: 'GET',
      url: `/api/automations/${a.id}/runs?limit=2&outcome=reached&cursor=${next_cursor}`,
      headers: auth(token),
    });
    expect(page2.json().items).toHaveLength(1);
    expect(page2.json().next_cursor).toBeNull();

    const paused = await app.inject({
      method: 'POST',
      url: `/api/automations/${a.id}/pause`,
      headers: auth(token),
    });
    expect(paused.json().status).toBe('paused');
    const resumed = await app.inject({
      method: 'POST',
      url: `/api/automations/${a.id}/resume`,
      headers: auth(token),
    });
    expect(resumed.json().status).toBe('active');
    expect(new Date(resumed.json().activated_at) > new Date(a.activated_at)).toBe(true);
  });

  it('refuses bad input with a stable code and changes nothing', async () => {
    const m = await createTestMerchant(db);
    const other = await createTestMerchant(db);
    const theirs = await freeClass(db, other);
    const post = (payload: object) =>
      app.inject({
        method: 'POST',
        url: '/api/automations',
        headers: auth(m.tokens.owner),
        payload,
      });
    const cases: [object, number, string, string | undefined][] = [
      [{ ...birthdayBody(theirs.id), actions: {} }, 400, 'automation.no_action', 'actions'],
      [
        birthdayBody(theirs.id),
        404,
        'automation.coupon_template_not_found',
        'actions.coupon_template_id',
      ],
      [
        { ...birthdayBody(theirs.id), merchant_id: m.merchantId },
        400,
        'request.invalid',
        undefined,
      ],
      [
        {
          ...birthdayBody(theirs.id),
          actions: { points: { amount: 10 } },
          condition: { field: 'gender', in: [] },
        },
        400,
        'request.invalid',
        undefined,
      ],
      [
        { ...birthdayBody(theirs.id), trigger: { kind: 'birthday' } },
        400,
        'request.invalid',
        undefined,
      ],
    ];
    for (const [payload, status, code, field] of cases) {
      const res = await post(payload);
      expect([res.statusCode, res.json().error.code]).toEqual([status, code]);
      if (field) expect(res.json().error.field).toBe(field);
    }
    const count = await db
      .selectFrom('automation')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('merchant_id', '=', m.merchantId)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    const cashier = await app.inject({
      method: 'GET',
      url: '/api/automations',
      headers: auth(m.tokens.cashier),
    });
    expect(cashier.statusCode).toBe(403);
    const foreign = await app.inject({
      method: 'GET',
      url: `/api/automations/${crypto.randomUUID()}/runs`,
      headers: auth(m.tokens.owner),
    });
    expect([foreign.statusCode, foreign.json().error.code]).toEqual([404, 'automation.not_found']);
  });

  it('holiday calendar: seed a year, add, move, refuse a taken date, remove', async () => {
    const m = await createTestMerchant(db);
    const h = auth(m.tokens.marketer);
    const seeded = await app.inject({
      method: 'POST',
      url: '/api/holidays/seed',
      headers: h,
      payload: { year: 2026 },
    });
    expect(seeded.json()).toEqual({ added: 7 });
    const again = await app.inject({
      method: 'POST',
      url: '/api/holidays/seed',
      headers: h,
      payload: { year: 2026 },
    });
    expect(again.json()).toEqual({ added: 0 });
    const added = await app.inject({
      method: 'POST',
      url: '/api/holidays',
      headers: h,
      payload: { date: '2026-12-25', name: '店庆' },
    });
    expect(added.statusCode).toBe(201);
    const taken = await app.inject({
      method: 'POST',
      url: '/api/holidays',
      headers: h,
      payload: { date: '2026-10-01', name: '重复' },
    });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'holiday.date_taken']);
    const moved = await app.inject({
      method: 'PATCH',
      url: `/api/holidays/${added.json().id}`,
      headers: h,
      payload: { date: '2026-12-26' },
    });
    expect(moved.json()).toMatchObject({ date: '2026-12-26', name: '店庆' });
    const removed = await app.inject({
      method: 'DELETE',
      url: `/api/holidays/${added.json().id}`,
      headers: h,
    });
    expect(removed.statusCode).toBe(204);
    const list = await app.inject({ method: 'GET', url: '/api/holidays?year=2026', headers: h });
    expect(list.json().items.map((d: { date: string }) => d.date)).toEqual([
      '2026-01-01',
      '2026-02-17',
      '2026-04-05',
      '2026-05-01',
      '2026-06-19',
      '2026-09-25',
      '2026-10-01',
    ]);
  });
});
