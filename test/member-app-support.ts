import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../src/db/database.ts';
import { auth, couponTemplateBody, type testApp, uniquePhone } from './factories.ts';

/** What the member page tests share: a claimable template, and signing a phone in by code. */
export type App = Awaited<ReturnType<typeof testApp>>['app'];

export const templateBody = couponTemplateBody({ name: 'Welcome 5', member_claimable: true });

/** Referral on: a friend is bound on their first claim of a shared coupon, ¥8 to the sharer. */
export const referralOnClaim = {
  active: true,
  bind_on: 'claim',
  binding_window_days: 7,
  rule: 'fixed_new_member',
  fixed_fen: 800,
  payout: 'ledger',
} as const;

/** The code the outbox holds for the phone's latest challenge (what the SMS would carry). */
export async function codeFromOutbox(db: Db, merchantId: string, phone: string): Promise<string> {
  const { rows } = await sql<{ payload: any }>`
    select o.payload from outbox_message o
    join member_otp c on c.merchant_id = o.merchant_id and o.dedupe_key = 'otp:' || c.id
    where c.merchant_id = ${merchantId} and c.phone = ${phone}
    order by c.created_at desc limit 1`.execute(db);
  const payload = rows[0]?.payload;
  return String(payload?.vars?.code ?? payload?.code);
}

export const e164 = (phone: string) => `+86${phone}`;

export async function askCode(app: App, merchantId: string, phone: string) {
  return app.inject({
    method: 'POST',
    url: `/api/member/m/${merchantId}/codes`,
    payload: { phone },
  });
}

export async function signIn(
  app: App,
  db: Db,
  merchantId: string,
  phone = uniquePhone(),
  share_code?: string,
) {
  const asked = await askCode(app, merchantId, phone);
  expect(asked.statusCode, asked.body).toBe(201);
  const code = await codeFromOutbox(db, merchantId, e164(phone));
  const res = await app.inject({
    method: 'POST',
    url: `/api/member/m/${merchantId}/sessions`,
    payload: { phone, code, ...(share_code ? { share_code } : {}) },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { phone, token: res.json().token as string, member_id: res.json().member_id };
}

export const get = (app: App, token: string, url: string) =>
  app.inject({ method: 'GET', url, headers: auth(token) });
