import { describe, expect, it } from 'vitest';
import { auth, createMember, createTestMerchant, testApp } from '../../../test/factories.ts';
import { PHONE_LOOKUPS_PER_HOUR } from '../../core/members/phone-lookup.service.ts';
import { newId } from '../../lib/ids.ts';

async function setup() {
  const { app, db } = await testApp();
  const m = await createTestMerchant(db);
  return { app, db, m };
}

/** Every string in a JSON body, at any depth. */
const textOf = (body: string) => body.replace(/\\u002b/g, '+');

describe('phones for roles without members.pii (issue 7 §1.8)', () => {
  it('masks phones at any depth: member, merge records, audit payloads', async () => {
    const { app, db, m } = await setup();
    const survivor = await createMember(db, m.ctx(), { phone: '13811112222', name: '甲' });
    const merged = await createMember(db, m.ctx(), { phone: '13833334444', name: '乙' });
    const merge = await app.inject({
      method: 'POST',
      url: '/api/members/merge',
      headers: { ...auth(m.tokens.owner), 'idempotency-key': newId() },
      payload: { survivor_id: survivor.id, merged_id: merged.id },
    });
    expect(merge.statusCode).toBe(200);
    expect(merge.json().moved.merged_phone).toBe('+8613833334444');
    for (const role of ['cashier', 'marketer'] as const) {
      for (const url of [
        `/api/members/${survivor.id}`,
        `/api/members/${survivor.id}/audit`,
        `/api/members/${merged.id}/audit`,
        `/api/members?status=merged`,
      ]) {
        const res = await app.inject({ url, headers: auth(m.tokens[role]) });
        expect(res.statusCode, url).toBe(200);
        const body = textOf(res.body);
        for (const digits of ['13811112222', '13833334444'])
          expect(body, url).not.toContain(digits);
      }
      const detail = await app.inject({
        url: `/api/members/${survivor.id}`,
        headers: auth(m.tokens[role]),
      });
      expect(detail.json().member.phone).toBe('138****2222');
      expect(detail.json().merges[0].moved.merged_phone).toBe('138****4444');
      const audit = await app.inject({
        url: `/api/members/${survivor.id}/audit`,
        headers: auth(m.tokens[role]),
      });
      const register = audit.json().find((e: { action: string }) => e.action === 'member.register');
      expect(register.after.phone).toBe('138****2222');
    }
    const owner = await app.inject({
      url: `/api/members/${survivor.id}`,
      headers: auth(m.tokens.owner),
    });
    expect(owner.json().merges[0].moved.merged_phone).toBe('+8613833334444');
  });

  it('searches digits as a card number only: no whole or partial phone confirms a number', async () => {
    const { app, db, m } = await setup();
    const member = await createMember(db, m.ctx(), { phone: '13855556666' });
    const search = (token: string, q: string) =>
      app.inject({ url: `/api/members?q=${encodeURIComponent(q)}`, headers: auth(token) });
    for (const q of ['13855556666', '+8613855556666', '6666', '556666', '55556666']) {
      for (const role of ['cashier', 'marketer'] as const) {
        const res = await search(m.tokens[role], q);
        expect(res.statusCode).toBe(200);
        expect(res.json().items, `${role} ${q}`).toEqual([]);
      }
      const owner = await search(m.tokens.owner, q);
      expect(
        owner.json().items.map((x: { id: string }) => x.id),
        q,
      ).toEqual([member.id]);
    }
    const byCard = await search(m.tokens.cashier, member.card_no);
    expect(byCard.json().items.map((x: { id: string }) => x.id)).toEqual([member.id]);
    const exported = await app.inject({
      url: '/api/members/export?format=csv&q=5556666',
      headers: auth(m.tokens.marketer),
    });
    expect(
      exported.body
        .replace(/^\uFEFF/, '')
        .trim()
        .split('\n'),
    ).toHaveLength(1);
  });

  it('audits the till’s phone lookups and limits them per actor', async () => {
    const { app, db, m } = await setup();
    const member = await createMember(db, m.ctx(), { phone: '13877778888' });
    const lookup = (token: string, phone: string) =>
      app.inject({ url: `/api/members/lookup?phone=${phone}`, headers: auth(token) });
    const found = await lookup(m.tokens.cashier, '13877778888');
    expect(found.statusCode).toBe(200);
    expect(found.json()).toMatchObject({ id: member.id, phone: '138****8888' });
    expect((await lookup(m.tokens.cashier, '13800000000')).statusCode).toBe(404);
    const audited = await db
      .selectFrom('audit_log')
      .select(['actor_id', 'after'])
      .where('merchant_id', '=', m.merchantId)
      .where('action', '=', 'member.phone_lookup')
      .execute();
    expect(audited).toHaveLength(2);
    expect(audited[0]!.actor_id).toBe(m.staffIds.cashier);
    expect(JSON.stringify(audited)).not.toContain('77778888');

    // the rest of the hour's allowance used up
    const now = new Date();
    await db
      .insertInto('audit_log')
      .values(
        Array.from({ length: PHONE_LOOKUPS_PER_HOUR - 2 }, () => ({
          merchant_id: m.merchantId,
          id: newId(),
          actor_kind: 'staff',
          actor_id: m.staffIds.cashier,
          action: 'member.phone_lookup',
          entity_type: 'member',
          entity_id: null,
          before: null,
          after: null,
          created_at: now,
        })),
      )
      .execute();
    const limited = await lookup(m.tokens.cashier, '13877778888');
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error).toMatchObject({
      code: 'member.lookup_rate_limited',
      field: 'phone',
    });
    // per actor: another till and the owner (who may see phones) are not limited
    expect((await lookup(m.tokens.marketer, '13877778888')).statusCode).toBe(200);
    expect((await lookup(m.tokens.owner, '13877778888')).statusCode).toBe(200);
    // card numbers and member codes stay unlimited at the till
    const card = await app.inject({
      url: `/api/members/lookup?card_no=${member.card_no}`,
      headers: auth(m.tokens.cashier),
    });
    expect(card.statusCode).toBe(200);
  });
});

describe('member export (issue 7 §1.11)', () => {
  it('escapes formulas in CSV and writes XLSX cells as strings', async () => {
    const { app, db, m } = await setup();
    const evil = ['=HYPERLINK("http://evil/x","点我")', '+cmd|/C calc!A0', '@SUM(A1:A9)', '-2+3'];
    for (const name of evil) await createMember(db, m.ctx(), { name });
    const csv = await app.inject({
      url: '/api/members/export?format=csv',
      headers: auth(m.tokens.owner),
    });
    expect(csv.statusCode).toBe(200);
    const body = csv.body.replace(/^\uFEFF/, '');
    expect(body).toContain(`"'=HYPERLINK(""http://evil/x"",""点我"")"`);
    expect(body).toContain(`'+cmd|/C calc!A0`);
    expect(body).toContain(`'@SUM(A1:A9)`);
    expect(body).toContain(`'-2+3`);
    for (const line of body.trim().split(/\r?\n/)) expect(line).not.toMatch(/(^|,)"?[=+@-]/);

    const xlsx = await app.inject({
      url: '/api/members/export?format=xlsx',
      headers: auth(m.tokens.owner),
    });
    const ExcelJS = (await import('exceljs')).default;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.rawPayload as never);
    const names: unknown[] = [];
    workbook.worksheets[0]!.eachRow((row) => names.push(row.getCell(3).value));
    expect(names.slice(1).sort()).toEqual([...evil].sort());
  });
});
