import type pg from 'pg';

/**
 * The tables that are not a merchant's: everything else in `public` is a tenant table, which
 * Citus distributes by `merchant_id`. (pg-boss lives in its own schema `pgboss`.)
 */
export const GLOBAL_TABLES: Record<string, { citus: 'reference' | 'coordinator'; why: string }> = {
  merchant: {
    citus: 'reference',
    why: 'the tenants themselves: small, read everywhere, referenced by every tenant table',
  },
  kysely_migration: {
    citus: 'coordinator',
    why: 'migration bookkeeping, written by the instance that migrates',
  },
  kysely_migration_lock: { citus: 'coordinator', why: 'the migration lock row' },
  login_throttle: {
    citus: 'coordinator',
    why: 'failed logins per login name and per address, before any merchant is known',
  },
};

/**
 * Keys on tenant tables that do not lead with `merchant_id`, on purpose: a login name, a
 * session token (staff or member) and an API key prefix arrive before anyone knows the merchant. They keep
 * these tables from being distributed until that lookup is global (see docs/scaling.md).
 */
export const GLOBAL_KEYS: Record<string, string> = {
  staff_login_key: 'a staff login name is unique across merchants: logging in names no merchant',
  staff_session_pkey: 'a bearer session token is looked up before its merchant is known',
  member_session_pkey: 'a member page session token is looked up before its merchant is known',
  api_key_prefix_key: 'an API key is found by its prefix before its merchant is known',
};

export interface Catalog {
  tables: { name: string; hasMerchantId: boolean }[];
  uniqueKeys: { table: string; name: string; firstColumn: string; definition: string }[];
  foreignKeys: {
    table: string;
    name: string;
    columns: string[];
    references: string;
    referencedColumns: string[];
  }[];
}

/** The live schema of `public`, from pg_catalog. */
export async function readCatalog(pool: pg.Pool): Promise<Catalog> {
  const tables = await pool.query(`
    select c.relname as name, exists (
      select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'merchant_id'
        and a.attnotnull and not a.attisdropped) as "hasMerchantId"
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`);
  const uniqueKeys = await pool.query(`
    select t.relname as table, i.relname as name,
      pg_get_indexdef(x.indexrelid, 1, true) as "firstColumn",
      pg_get_indexdef(x.indexrelid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
      join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and x.indisunique order by 1, 2`);
  const foreignKeys = await pool.query(`
    select t.relname as table, k.conname as name, r.relname as references,
      array(select a.attname from unnest(k.conkey) with ordinality u(n, o)
        join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.o)::text[] as columns,
      array(select a.attname from unnest(k.confkey) with ordinality u(n, o)
        join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.o)::text[]
        as "referencedColumns"
    from pg_constraint k join pg_class t on t.oid = k.conrelid join pg_class r on r.oid = k.confrelid
      join pg_namespace n on n.oid = t.relnamespace
    where n.nspname = 'public' and k.contype = 'f' order by 1, 2`);
  return { tables: tables.rows, uniqueKeys: uniqueKeys.rows, foreignKeys: foreignKeys.rows };
}

/** Every way the schema breaks "keys lead with merchant_id" that is not a listed exception. */
export function tenantKeyViolations(catalog: Catalog): string[] {
  const tenant = new Set(
    catalog.tables.filter((t) => !(t.name in GLOBAL_TABLES)).map((t) => t.name),
  );
  const problems: string[] = [];
  for (const t of catalog.tables)
    if (tenant.has(t.name) && !t.hasMerchantId) problems.push(`${t.name}: no merchant_id not null`);
  for (const k of catalog.uniqueKeys)
    if (tenant.has(k.table) && k.firstColumn !== 'merchant_id' && !(k.name in GLOBAL_KEYS))
      problems.push(
        `${k.table}: unique key ${k.name} does not lead with merchant_id (${k.definition})`,
      );
  for (const f of catalog.foreignKeys) {
    if (!tenant.has(f.table)) continue;
    const toMerchant = f.references === 'merchant' && f.referencedColumns.join() === 'id';
    const colocated = f.referencedColumns[0] === 'merchant_id' && tenant.has(f.references);
    if (f.columns[0] !== 'merchant_id' || !(toMerchant || colocated))
      problems.push(
        `${f.table}: foreign key ${f.name} (${f.columns}) → ${f.references} (${f.referencedColumns}) is not by merchant`,
      );
  }
  return problems;
}

/** The Citus calls for this schema, referenced tables before the tables that reference them. */
export function citusCalls(catalog: Catalog): string[] {
  const blocked = new Set(
    catalog.uniqueKeys.filter((k) => k.name in GLOBAL_KEYS).map((k) => k.table),
  );
  const tenant = catalog.tables.map((t) => t.name).filter((name) => !(name in GLOBAL_TABLES));
  const order = referencedFirst(tenant, catalog);
  const calls = Object.entries(GLOBAL_TABLES)
    .filter(([, g]) => g.citus === 'reference')
    .map(([name]) => `SELECT create_reference_table('${name}');`);
  const distributable = order.filter(
    (name) => !blocked.has(name) && !dependsOn(name, blocked, catalog),
  );
  const [first] = distributable;
  for (const name of distributable)
    calls.push(
      name === first
        ? `SELECT create_distributed_table('${name}', 'merchant_id');`
        : `SELECT create_distributed_table('${name}', 'merchant_id', colocate_with => '${first}');`,
    );
  for (const name of order.filter((n) => !distributable.includes(n)))
    calls.push(`-- ${name}: after its global keys move to a global lookup (see above)`);
  return calls;
}

function referencedFirst(tables: string[], catalog: Catalog): string[] {
  const done: string[] = [];
  const visit = (name: string, path: Set<string>) => {
    if (done.includes(name) || path.has(name)) return;
    path.add(name);
    const refs = catalog.foreignKeys
      .filter((f) => f.table === name && f.references !== name && tables.includes(f.references))
      .map((f) => f.references)
      .sort();
    for (const ref of refs) visit(ref, path);
    done.push(name);
  };
  for (const name of [...tables].sort()) visit(name, new Set());
  return done;
}

function dependsOn(name: string, blocked: Set<string>, catalog: Catalog): boolean {
  return catalog.foreignKeys.some((f) => f.table === name && blocked.has(f.references));
}

export const BEGIN =
  '<!-- generated by `npm run docs:scaling` from the live schema: do not edit below -->';
export const END = '<!-- end of generated section -->';

/** The generated section of docs/scaling.md. */
export function renderScalingSection(catalog: Catalog): string {
  const keys = catalog.uniqueKeys.filter((k) => k.name in GLOBAL_KEYS);
  const globals = Object.entries(GLOBAL_TABLES).filter(([name]) =>
    catalog.tables.some((t) => t.name === name),
  );
  return [
    BEGIN,
    '',
    '### Global tables',
    '',
    '| table | on Citus | why |',
    '|---|---|---|',
    ...globals.map(
      ([name, g]) =>
        `| \`${name}\` | ${g.citus === 'reference' ? 'reference table' : 'local on the coordinator'} | ${g.why} |`,
    ),
    '| `pgboss.*` | local on the coordinator | the job queue (schema `pgboss`), one per installation |',
    '',
    '### Keys that are global by design',
    '',
    '| table | key | why |',
    '|---|---|---|',
    ...keys.map((k) => `| \`${k.table}\` | \`${k.name}\` | ${GLOBAL_KEYS[k.name]} |`),
    '',
    `### Distribution calls (${catalog.tables.length - globals.length} tenant tables)`,
    '',
    '```sql',
    ...citusCalls(catalog),
    '```',
    '',
    END,
  ].join('\n');
}

/** The doc with its generated section replaced (or appended when it has none yet). */
export function withSection(doc: string, section: string): string {
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < 0) return `${doc.trimEnd()}\n\n${section}\n`;
  return `${doc.slice(0, start)}${section}${doc.slice(end + END.length)}`;
}
