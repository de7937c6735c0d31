import { type Kysely, sql } from 'kysely';

// The member's own page (会员H5). A member signs in with a one-time code sent to their phone
// (`member_otp`: hashed, 5 minutes, 5 wrong tries lock the phone a while; how often a phone may
// ask is counted from these rows). A signed-in phone holds a `member_session` (hashed token),
// which names the member once the phone is one (a phone that is no member yet may sign in and
// become one by claiming a coupon: card first). `member_privacy_request` records a member's
// request for their data or its erasure, for staff to act on. `member_payment` is a recharge
// the member started on the page and pays through a gateway that answers later: it becomes a
// recharge when the payment is confirmed (the development provider: a button).
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table member_otp (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      phone text not null,
      purpose text not null check (purpose in ('sign_in', 'payment_password')),
      code_hash text not null,
      expires_at timestamptz not null,
      attempts integer not null default 0,
      locked_until timestamptz,
      consumed_at timestamptz,
      created_at timestamptz not null,
      primary key (merchant_id, id)
    );
    create index member_otp_phone on member_otp (merchant_id, phone, created_at);

    create table member_session (
      token_hash text primary key,
      merchant_id uuid not null references merchant (id),
      phone text not null,
      member_id uuid,
      store_id uuid,
      expires_at timestamptz not null,
      created_at timestamptz not null,
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id)
    );
    create index member_session_phone on member_session (merchant_id, phone);

    create table member_privacy_request (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      member_id uuid not null,
      kind text not null check (kind in ('export', 'erasure')),
      status text not null default 'open' check (status in ('open', 'done', 'refused')),
      created_at timestamptz not null,
      decided_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_privacy_request_open on member_privacy_request (merchant_id, created_at)
      where status = 'open';
    create index member_privacy_request_member on member_privacy_request (merchant_id, member_id);

    create table member_payment (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      member_id uuid not null,
      plan_id uuid not null,
      amount_fen bigint not null check (amount_fen > 0),
      provider text not null,
      provider_ref text,
      status text not null default 'pending' check (status in ('pending', 'completed')),
      recharge_id uuid,
      store_id uuid,
      created_at timestamptz not null,
      completed_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, plan_id) references recharge_plan (merchant_id, id),
      foreign key (merchant_id, recharge_id) references recharge (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id)
    );
    create index member_payment_member on member_payment (merchant_id, member_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table member_payment;
    drop table member_privacy_request;
    drop table member_session;
    drop table member_otp;
  `.execute(db);
}
