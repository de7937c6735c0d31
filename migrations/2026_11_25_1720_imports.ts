import { type Kysely, sql } from 'kysely';

// Legacy member import (老会员导入): one job per uploaded file, its rows staged per job so that
// PostgreSQL (not the Node heap) finds duplicates and merges them, and its bad rows kept for the
// downloadable error file.
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table import_job (
      merchant_id uuid not null references merchant (id),
      id uuid not null,
      status text not null check (status in
        ('uploaded', 'dry_running', 'dry_run_done', 'committing', 'done', 'failed')),
      file_name text not null,
      file_sha256 text not null,
      file_size bigint not null,
      encoding text not null check (encoding in ('utf8', 'gbk', 'gb18030')),
      format text not null check (format in ('csv', 'xlsx')),
      delimiter text,
      headers jsonb not null,
      sample_rows jsonb not null,
      mapping jsonb not null,
      total_rows int not null default 0,
      processed_rows int not null default 0,
      ok_rows int not null default 0,
      bad_rows int not null default 0,
      new_members int not null default 0,
      existing_members int not null default 0,
      duplicate_rows int not null default 0,
      group_count int not null default 0,
      -- resume points: the last file line staged by the dry run, the last member group committed
      staged_through_line int not null default 0,
      committed_through_seq int not null default 0,
      report jsonb not null default '{}',
      error text,
      locale text not null default 'zh-CN',
      created_by uuid,
      created_by_kind text not null,
      requested_by uuid,
      requested_by_kind text,
      created_at timestamptz not null,
      dry_run_at timestamptz,
      finished_at timestamptz,
      primary key (merchant_id, id)
    );
    create index import_job_recent on import_job (merchant_id, created_at desc, id desc);

    create table import_row_error (
      merchant_id uuid not null,
      job_id uuid not null,
      line int not null,
      column_name text not null,
      code text not null,
      message text not null,
      raw jsonb not null,
      primary key (merchant_id, job_id, line, column_name),
      foreign key (merchant_id, job_id) references import_job (merchant_id, id) on delete cascade
    );

    -- Valid rows of a dry run, already parsed (fen, points, dates); emptied when the job is done.
    create table import_row (
      merchant_id uuid not null,
      job_id uuid not null,
      line int not null,
      phone text not null,
      name text,
      gender text check (gender in ('male', 'female')),
      birthday date,
      card_no text,
      principal_fen bigint not null default 0,
      bonus_fen bigint not null default 0,
      points bigint not null default 0,
      tier text,
      store_id uuid,
      registered_at timestamptz,
      primary key (merchant_id, job_id, line),
      foreign key (merchant_id, job_id) references import_job (merchant_id, id) on delete cascade
    );

    -- One member per phone, the merge rule applied; the commit walks it in seq order.
    create table import_group (
      merchant_id uuid not null,
      job_id uuid not null,
      seq int not null,
      phone text not null,
      first_line int not null,
      row_count int not null,
      name text,
      gender text,
      birthday date,
      card_no text,
      cards text[] not null,
      principal_fen bigint not null,
      bonus_fen bigint not null,
      points bigint not null,
      tier text,
      store_id uuid,
      registered_at timestamptz,
      primary key (merchant_id, job_id, seq),
      foreign key (merchant_id, job_id) references import_job (merchant_id, id) on delete cascade
    );
  `.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table import_group, import_row, import_row_error, import_job`.execute(db);
}
