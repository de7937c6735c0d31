import { type Kysely, sql } from 'kysely';

// Automations (自动化营销): a trigger derived from facts already recorded, a delay, an optional
// segment condition and actions. Each due occurrence of a trigger for a member becomes ONE
// automation_run row (unique by automation, member and occurrence key), planned with
// `insert … on conflict do nothing` and executed with its actions in one transaction, so a
// re-run, a restart or a second app instance never serves an occurrence twice.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table automation (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      trigger_kind text not null check (trigger_kind in ('registered', 'birthday', 'anniversary',
        'holiday', 'dormant', 'churned', 'tier_changed', 'recharge', 'points_expiring',
        'no_purchase')),
      trigger_params jsonb not null default '{}',
      delay_days integer not null default 0 check (delay_days between 0 and 365),
      condition jsonb,
      coupon_template_id uuid,
      points_amount integer check (points_amount > 0),
      points_expiry_days integer check (points_expiry_days > 0),
      message_template text,
      message_channel text check (message_channel in ('inbox', 'sms', 'email', 'wechat')),
      task_kind text,
      task_title text,
      member_limit text not null default 'once'
        check (member_limit in ('once', 'yearly', 'unlimited')),
      status text not null default 'active' check (status in ('active', 'paused')),
      activated_at timestamptz not null,
      -- the local date through which the date triggers were planned (a sweep plans a day once)
      planned_on date,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, coupon_template_id) references coupon_template (merchant_id, id),
      check ((message_template is null) = (message_channel is null)),
      check ((task_kind is null) = (task_title is null))
    );
    create index automation_active on automation (status) where status = 'active';

    create table automation_run (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      automation_id uuid not null,
      member_id uuid not null,
      occurrence text not null,
      due_at timestamptz not null,
      status text not null default 'pending' check (status in ('pending', 'done', 'skipped')),
      outcome text,
      detail jsonb,
      created_at timestamptz not null,
      done_at timestamptz,
      primary key (merchant_id, id),
      unique (merchant_id, automation_id, member_id, occurrence),
      foreign key (merchant_id, automation_id) references automation (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index automation_run_due on automation_run (merchant_id, automation_id, due_at)
      where status = 'pending';
    create index automation_run_log on automation_run (merchant_id, automation_id, created_at desc, id desc);
    create index automation_run_member on automation_run (merchant_id, member_id, automation_id);

    create table holiday (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      date date not null,
      name text not null,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, date)
    );

    -- the event triggers read their facts by time across a merchant
    create index tier_history_at on tier_history (merchant_id, created_at);
    create index recharge_at on recharge (merchant_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index recharge_at; drop index tier_history_at;
    drop table holiday; drop table automation_run; drop table automation;`.execute(db);
}
