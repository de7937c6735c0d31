import { type Kysely, sql } from 'kysely';

// What precision marketing reads and writes: per-member order facts kept with every order,
// tags with their history, RFM scores and lifecycle stages with their transitions, saved
// segments, the member inbox and the guides' follow-up tasks.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    -- One row per member who has ordered (no row: no orders). Times are paid_at. Orders fully
    -- refunded do not count; spend is net of refunds. recent_order_at holds the paid_at of the
    -- member's most recent counted orders, newest first, at most 32: "at least k orders since t"
    -- is recent_order_at[k] >= t for k <= 32, exact at any instant.
    create table member_fact (
      merchant_id uuid not null,
      member_id uuid not null,
      first_order_at timestamptz not null,
      last_order_at timestamptz not null,
      order_count int not null check (order_count >= 0),
      spend_fen bigint not null,
      recent_order_at timestamptz[] not null,
      updated_at timestamptz not null,
      primary key (merchant_id, member_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_fact_last on member_fact (merchant_id, last_order_at);

    create table member_category_fact (
      merchant_id uuid not null,
      member_id uuid not null,
      category text not null,
      order_count int not null check (order_count >= 0),
      quantity int not null,
      spend_fen bigint not null,
      first_order_at timestamptz not null,
      last_order_at timestamptz not null,
      primary key (merchant_id, member_id, category),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_category_fact_last
      on member_category_fact (merchant_id, category, last_order_at);

    create table member_store_fact (
      merchant_id uuid not null,
      member_id uuid not null,
      store_id uuid not null,
      order_count int not null check (order_count >= 0),
      spend_fen bigint not null,
      first_order_at timestamptz not null,
      last_order_at timestamptz not null,
      primary key (merchant_id, member_id, store_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      foreign key (merchant_id, store_id) references store (merchant_id, id)
    );
    create index member_store_fact_last on member_store_fact (merchant_id, store_id, last_order_at);
    create index sale_order_member_paid on sale_order (merchant_id, member_id, paid_at);

    create table tag_group (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      color text not null check (color ~ '^#[0-9a-f]{6}$'),
      sort int not null default 0,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, name)
    );

    -- manual: staff add and remove; rule: members matching a segment rule (attribute, order
    -- aggregate and category-preference tags alike), refreshed on a schedule and on demand;
    -- interaction: added when the member does the named thing (sign_in, share, coupon_claim …)
    create table tag (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      group_id uuid,
      name text not null,
      kind text not null check (kind in ('manual', 'rule', 'interaction')),
      rule jsonb,
      interaction text,
      active boolean not null default true,
      refreshed_at timestamptz,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, name),
      foreign key (merchant_id, group_id) references tag_group (merchant_id, id),
      check ((kind = 'rule') = (rule is not null)),
      check ((kind = 'interaction') = (interaction is not null))
    );

    create table member_tag (
      merchant_id uuid not null,
      tag_id uuid not null,
      member_id uuid not null,
      source text not null check (source in ('manual', 'rule', 'interaction', 'import')),
      added_at timestamptz not null,
      primary key (merchant_id, tag_id, member_id),
      foreign key (merchant_id, tag_id) references tag (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_tag_member on member_tag (merchant_id, member_id);

    create table member_tag_history (
      merchant_id uuid not null,
      id uuid not null,
      tag_id uuid not null,
      member_id uuid not null,
      change text not null check (change in ('added', 'removed')),
      source text not null,
      actor_id uuid,
      at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, tag_id) references tag (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_tag_history_member on member_tag_history (merchant_id, member_id, at);
    create index member_tag_history_tag on member_tag_history (merchant_id, tag_id, at);

    create table rfm_setting (
      merchant_id uuid primary key references merchant (id),
      window_days int not null default 365 check (window_days between 30 and 1825),
      new_days int not null default 30 check (new_days between 1 and 365),
      dormant_days int not null default 90 check (dormant_days between 7 and 1095),
      churned_days int not null default 180 check (churned_days between 14 and 1825),
      core_min_orders int not null default 6 check (core_min_orders between 2 and 1000),
      recompute_at time not null default '04:00',
      updated_at timestamptz not null,
      check (dormant_days < churned_days)
    );

    -- r/f/m are null for a member without orders in the window; rfm_group is one of the eight
    -- classic groups (important_value … general_retain) or null with them
    create table member_rfm (
      merchant_id uuid not null,
      member_id uuid not null,
      r smallint check (r between 1 and 5),
      f smallint check (f between 1 and 5),
      m smallint check (m between 1 and 5),
      rfm_group text,
      lifecycle text not null check (lifecycle in ('new', 'active', 'core', 'dormant', 'churned')),
      computed_at timestamptz not null,
      primary key (merchant_id, member_id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_rfm_group on member_rfm (merchant_id, rfm_group);
    create index member_rfm_lifecycle on member_rfm (merchant_id, lifecycle);

    create table member_lifecycle_change (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      from_stage text,
      to_stage text not null,
      changed_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_lifecycle_change_at on member_lifecycle_change (merchant_id, changed_at);

    create table segment (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      name text not null,
      description text,
      rule jsonb not null,
      created_by uuid,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      primary key (merchant_id, id),
      unique (merchant_id, name),
      foreign key (merchant_id, created_by) references staff (merchant_id, id)
    );

    -- the member's inbox; other channels arrive later through the messaging outbox
    create table member_message (
      merchant_id uuid not null,
      id uuid not null,
      member_id uuid not null,
      purpose text not null check (purpose in ('marketing', 'service')),
      title text not null,
      body text not null,
      ref_type text,
      ref_id uuid,
      read_at timestamptz,
      created_at timestamptz not null,
      primary key (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id)
    );
    create index member_message_member on member_message (merchant_id, member_id, created_at);
    create index member_message_ref on member_message (merchant_id, ref_type, ref_id);

    -- guides (导购): a member's guide is a staff member; tasks come from campaigns or by hand
    alter table member add column guide_staff_id uuid;
    alter table member add foreign key (merchant_id, guide_staff_id) references staff (merchant_id, id);
    create index member_guide on member (merchant_id, guide_staff_id) where guide_staff_id is not null;

    create table guide_task (
      merchant_id uuid not null,
      id uuid not null,
      staff_id uuid not null,
      member_id uuid not null,
      kind text not null check (kind in ('call', 'message', 'invite_back', 'birthday', 'follow_up')),
      title text not null,
      script text,
      due_at timestamptz not null,
      status text not null default 'open' check (status in ('open', 'done', 'cancelled')),
      outcome text check (outcome in ('reached', 'no_answer', 'declined', 'booked', 'other')),
      note text,
      campaign_id uuid,
      created_at timestamptz not null,
      done_at timestamptz,
      primary key (merchant_id, id),
      foreign key (merchant_id, staff_id) references staff (merchant_id, id),
      foreign key (merchant_id, member_id) references member (merchant_id, id),
      check ((status = 'done') = (done_at is not null))
    );
    create index guide_task_staff on guide_task (merchant_id, staff_id, status, due_at);
    create index guide_task_member on guide_task (merchant_id, member_id, created_at);
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    drop table guide_task;
    alter table member drop column guide_staff_id;
    drop table member_message;
    drop table segment;
    drop table member_lifecycle_change;
    drop table member_rfm;
    drop table rfm_setting;
    drop table member_tag_history;
    drop table member_tag;
    drop table tag;
    drop table tag_group;
    drop index sale_order_member_paid;
    drop table member_store_fact;
    drop table member_category_fact;
    drop table member_fact;
  `.execute(db);
}
