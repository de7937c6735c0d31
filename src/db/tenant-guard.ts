import type { KyselyPlugin, OperationNode, RootOperationNode } from 'kysely';

/**
 * The queries that legitimately cross merchants, each found by a column of its predicate:
 * the auth entry points (a login name, a token or a key prefix arrives before the merchant is
 * known) and the schedules that sweep every merchant. On Citus these are the multi-shard
 * queries. Anything else that touches a tenant table without `merchant_id` is a bug.
 */
export const CROSS_MERCHANT: { table: string; via: string; why: string }[] = [
  { table: 'staff', via: 'login', why: 'logging in names no merchant' },
  {
    table: 'staff_session',
    via: 'token_hash',
    why: 'a bearer token is checked before its merchant is known',
  },
  { table: 'api_key', via: 'prefix', why: 'an API key is found by its prefix' },
  {
    table: 'member_session',
    via: 'token_hash',
    why: 'a member page token is checked before its merchant is known',
  },
  {
    table: 'bonus_part',
    via: 'available_from',
    why: 'the release sweep finds due bonus parts of every merchant, then settles each in its own',
  },
  {
    table: 'bonus_part',
    via: 'expires_at',
    why: 'the expiry sweep finds lapsed bonus parts of every merchant, then settles each in its own',
  },
  {
    table: 'staff_session',
    via: 'expires_at',
    why: 'the daily maintenance deletes expired sessions of every merchant',
  },
  {
    table: 'idempotency_key',
    via: 'created_at',
    why: 'the daily maintenance deletes idempotency keys past their retention, every merchant',
  },
  {
    table: 'member_code_use',
    via: 'expires_at',
    why: 'the daily maintenance deletes the nonces of expired member codes, every merchant',
  },
  {
    table: 'paid_membership',
    via: 'expires_at',
    why: 'the monthly-coupon sweep finds running paid periods of every merchant, then gives each in its own',
  },
  {
    table: 'coupon',
    via: 'valid_until',
    why: 'the expiry sweep marks lapsed coupons of every merchant expired in one statement',
  },
  {
    table: 'import_job',
    via: 'status',
    why: 'at start, imports interrupted on any merchant are found to resume them',
  },
  {
    table: 'campaign',
    via: 'status',
    why: 'at start, campaign launches interrupted on any merchant are found to resume them',
  },
  {
    table: 'outbox_message',
    via: 'next_attempt_at',
    why: 'the delivery worker claims due messages of every merchant (outbox_due, SKIP LOCKED)',
  },
  {
    table: 'automation',
    via: 'status',
    why: 'the automation sweep finds the active automations of every merchant, then runs each in its own',
  },
];

interface Seen {
  tables: Set<string>;
  predicateColumns: Set<string>;
  rawText: string[];
}

/**
 * A Kysely plugin for tests: it throws on a query that touches a tenant table without a
 * `merchant_id` predicate (or, for an insert, column). `tenantTables` comes from the schema.
 */
export function tenantGuard(tenantTables: ReadonlySet<string>): KyselyPlugin {
  return {
    transformQuery({ node }) {
      const caller = appCaller();
      const problem = caller ? violation(node, tenantTables) : undefined;
      if (problem)
        throw new Error(
          `tenant guard: ${problem}, ${caller} (a legitimate cross-merchant query goes in CROSS_MERCHANT, src/db/tenant-guard.ts, with its reason)`,
        );
      return node;
    },
    transformResult: async ({ result }) => result,
  };
}

export function violation(
  node: RootOperationNode,
  tenantTables: ReadonlySet<string>,
): string | undefined {
  const seen: Seen = { tables: new Set(), predicateColumns: new Set(), rawText: [] };
  walk(node, false, seen);
  const raw = seen.rawText.join(' ');
  for (const match of raw.matchAll(/\b(?:from|join|update|into)\s+"?([a-z_]+)"?/gi))
    seen.tables.add(match[1]!.toLowerCase());
  const touched = [...seen.tables].filter((t) => tenantTables.has(t));
  if (touched.length === 0) return undefined;
  if (seen.predicateColumns.has('merchant_id') || /\bmerchant_id\b/.test(raw)) return undefined;
  const uncovered = touched.filter(
    (t) => !CROSS_MERCHANT.some((c) => c.table === t && seen.predicateColumns.has(c.via)),
  );
  if (uncovered.length === 0) return undefined;
  return `${node.kind} on ${uncovered.join(', ')} without a merchant_id predicate`;
}

const PREDICATE_KEYS = new Set(['where', 'on', 'having', 'onConflict']);

function walk(node: unknown, inPredicate: boolean, seen: Seen): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, inPredicate, seen);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as OperationNode & Record<string, unknown>;
  if (n.kind === 'TableNode') {
    const table = n.table as { schema?: unknown; identifier: { name: string } };
    if (!table.schema) seen.tables.add(table.identifier.name);
    return;
  }
  if (n.kind === 'ColumnNode' && inPredicate) {
    seen.predicateColumns.add((n.column as { name: string }).name);
    return;
  }
  if (n.kind === 'RawNode') {
    const fragments = n.sqlFragments as string[];
    seen.rawText.push(...fragments);
    if (inPredicate)
      for (const word of fragments.join(' ').matchAll(/[a-z_]+/g))
        seen.predicateColumns.add(word[0]);
  }
  for (const [key, value] of Object.entries(n)) {
    if (key === 'kind') continue;
    const predicate =
      inPredicate || PREDICATE_KEYS.has(key) || (n.kind === 'InsertQueryNode' && key === 'columns');
    walk(value, predicate, seen);
  }
}

/**
 * The application code that issued the query, undefined for a test's own assertion (a test
 * reading a row back by its id is not a tenant leak): the first caller outside Kysely.
 */
function appCaller(): string | undefined {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const caller = stack
    .split('\n')
    .slice(1)
    .find((l) => !/node_modules|tenant-guard|\(node:|at node:/.test(l));
  return caller?.includes('/src/') && !caller.includes('.test.ts') ? caller.trim() : undefined;
}
