/**
 * Every id column of a tenant table that names another tenant row is held by a composite
 * foreign key (merchant_id, that_id): the database itself refuses another merchant's row.
 * A column that cannot be (a reference to one of several tables, a staging copy) is listed.
 */
import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { testDb } from '../db.ts';

/** table.column → why it has no foreign key. */
const unreferenced: Record<string, string> = {
  'audit_log.actor_id': 'a staff member, an API key or the system',
  'audit_log.entity_id': 'a row of any audited table',
  'ledger_entry.actor_id': 'a staff member, an API key or the system',
  'tender.ref_id': 'the recharge or paid membership the tender paid (ref_type says which)',
  'recharge.actor_id': 'a staff member or an API key',
  'tier_right_use.actor_id': 'a staff member or an API key',
  'member_merge.actor_id': 'a staff member or an API key',
  'import_row.store_id':
    'staging copy resolved from the merchant’s stores; never read after commit',
  'import_group.store_id':
    'staging copy resolved from the merchant’s stores; never read after commit',
  'import_order_row.store_id':
    'staging copy resolved from the merchant’s stores; emptied at commit',
  'import_order_row.member_id':
    'staging copy matched to the merchant’s members; the commit checks it is still active',
  'import_order_row.sku_id': 'staging copy resolved from the merchant’s SKUs; emptied at commit',
  'import_order.store_id': 'staging copy resolved from the merchant’s stores; emptied at commit',
  'import_order.member_id':
    'staging copy matched to the merchant’s members; the commit checks it is still active',
  'import_job.created_by': 'a staff member or an API key (created_by_kind says which)',
  'import_job.requested_by': 'a staff member or an API key (requested_by_kind says which)',
  'api_key.created_by': 'the owner who created it, or the zero uuid when the CLI did',
  'coupon.issued_by': 'a staff member or an API key',
  'coupon.redeemed_by': 'a staff member or an API key',
  'member_tag_history.actor_id': 'a staff member or an API key',
  'member_message.ref_id': 'what the message is about (ref_type says which)',
  'coupon.ref_id': 'the mall redemption or recharge that issued it (ref_type says which)',
};

test('every id column of a tenant table is held by a composite foreign key, or listed', async () => {
  const { db } = await testDb();
  const { rows: columns } = await sql<{ table_name: string; column_name: string }>`
    select c.table_name, c.column_name
    from information_schema.columns c
    join information_schema.columns m
      on m.table_schema = c.table_schema and m.table_name = c.table_name and m.column_name = 'merchant_id'
    join information_schema.tables t
      on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public' and c.udt_name = 'uuid'
      and c.column_name not in ('id', 'merchant_id')
    order by 1, 2`.execute(db);
  const { rows: keys } = await sql<{ table_name: string; columns: string[] }>`
    select conrelid::regclass::text as table_name,
      array(select attname from pg_attribute a
            where a.attrelid = c.conrelid and a.attnum = any (c.conkey))::text[] as columns
    from pg_constraint c
    where c.contype = 'f' and c.connamespace = 'public'::regnamespace`.execute(db);
  const held = new Set(
    keys
      .filter((k) => k.columns.includes('merchant_id'))
      .flatMap((k) => k.columns.map((col) => `${k.table_name}.${col}`)),
  );
  const loose = columns
    .map((c) => `${c.table_name}.${c.column_name}`)
    .filter((name) => !held.has(name) && !unreferenced[name]);
  expect(loose).toEqual([]);
  const names = new Set(columns.map((c) => `${c.table_name}.${c.column_name}`));
  expect(Object.keys(unreferenced).filter((name) => !names.has(name))).toEqual([]);
  const singleColumn = keys.filter(
    (k) => !k.columns.includes('merchant_id') && k.table_name !== 'merchant',
  );
  expect(singleColumn).toEqual([]);
});
