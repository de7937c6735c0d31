import { type Kysely, sql } from 'kysely';

// Marketing campaigns (营销活动; not the points multiplier periods of points_campaign): a target
// (a segment rule snapshot or an explicit member list), what each targeted member receives, a
// control group held out, a frequency cap, a budget, and the member snapshot taken at launch.
// campaign_member's primary key is what makes a launch exactly once: each member has one row,
// written once at the snapshot and given its outcome once, by the batch that acted on it.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table campaign (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      status text not null default 'draft' check (status in
        ('draft', 'scheduled', 'launching', 'launched', 'stopped_budget', 'cancelled')),
      segment_id uuid,
      rule jsonb,
      target_member_ids uuid[],
      coupon_template_id uuid,
      points_amount int check (points_amount > 0),
      points_expiry_days int check (points_expiry_days between 1 and 3660),
      message_title text,
      message_body text,
      task_kind text check (task_kind in ('call', 'message', 'invite_back', 'birthday', 'follow_up')),
      task_title text,
      task_script text,
      task_due_days int check (task_due_days between 0 and 365),
      schedule_at timestamptz,
      control_bp int not null default 0 check (control_bp between 0 and 5000),
      cap_max int check (cap_max between 1 and 100),
      cap_days int check (cap_days between 1 and 365),
      budget_coupons int check (budget_coupons >= 0),
      budget_points bigint check (budget_points >= 0),
      budget_cost_fen bigint check (budget_cost_fen >= 0),
      spent_coupons int not null default 0,
      spent_points bigint not null default 0,
      spent_cost_fen bigint not null default 0,
      forecast jsonb,
      snapshot_at timestamptz,
      launch_requested_at timestamptz,
      launched_at timestamptz,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, segment_id) references segment (merchant_id, id),
      foreign key (merchant_id, coupon_template_id) references coupon_template (merchant_id, id),
      foreign key (merchant_id, created_by) references staff (merchant_id, id),
      check ((rule is null) <> (target_member_ids is null)),
      check ((cap_max is null) = (cap_days is null)),
      check ((message_title is null) = (message_body is null)),
      check ((task_kind is null) = (task_title is null)),
      check ((task_kind is null) = (task_due_days is null)),
      check (points_expiry_days is null or points_amount is not null),
      check (coupon_template_id is not null or points_amount is not null
        or message_title is not null or task_kind is not null)
    );
    create index campaign_status on campaign (merchant_id, status, created_at);

    -- outcome 'pending': snapshotted, not yet acted on (a launch stopped there resumes there)
    create table campaign_member (
      merchant_id uuid not null,
      campaign_id uuid not null,
      member_id uuid not null,
      store_id uuid,
      in_control boolean not null,
      outcome text not null check (outcome in ('pending', 'issued', 'control', 'skipped_consent',
        'skipped_cap', 'skipped_budget', 'skipped_limit', 'skipped_no_guide')),
      coupon_id uuid,
      points_entry_id uuid,
      message_id uuid,
      task_id uuid,
      decided_at timestamptz,
      primary key (merchant_id, campaign_id, member_id),
      foreign key (merchant_id, campaign_id) references campaign (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id),
      foreign key (merchant_id, coupon_id) references coupon (merchant_id, id),
      foreign key (merchant_id, points_entry_id) references ledger_entry (merchant_id, id),
      foreign key (merchant_id, message_id) references member_message (merchant_id, id),
      foreign key (merchant_id, task_id) references guide_task (merchant_id, id),
      check ((outcome = 'pending') = (decided_at is null)),
      check (in_control = (outcome = 'control'))
    );
    create index campaign_member_outcome on campaign_member (merchant_id, campaign_id, outcome);
    -- the frequency cap: campaigns a member actually received, by when
    create index campaign_member_received on campaign_member (merchant_id, member_id, decided_at)
      where outcome = 'issued';

    alter table guide_task add foreign key (merchant_id, campaign_id)
      references campaign (merchant_id, id);
    create index guide_task_campaign on guide_task (merchant_id, campaign_id, member_id)
      where campaign_id is not null;
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop index guide_task_campaign;
    alter table guide_task drop constraint guide_task_merchant_id_campaign_id_fkey;
    drop table campaign_member;
    drop table campaign;
  `.execute(db);
}
