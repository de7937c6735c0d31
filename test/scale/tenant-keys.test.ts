import { describe, expect, it } from 'vitest';
import { testDb } from '../db.ts';
import { GLOBAL_KEYS, GLOBAL_TABLES, readCatalog, tenantKeyViolations } from './schema-catalog.ts';

describe('scale-out readiness: the live schema', () => {
  it('leads every tenant key and foreign key with merchant_id (what Citus needs)', async () => {
    const catalog = await readCatalog((await testDb()).pool);
    expect(catalog.tables.length).toBeGreaterThan(30);
    expect(tenantKeyViolations(catalog)).toEqual([]);
  });

  it('names only exceptions that exist, so the allow-lists cannot rot', async () => {
    const catalog = await readCatalog((await testDb()).pool);
    const tables = catalog.tables.map((t) => t.name);
    for (const name of Object.keys(GLOBAL_TABLES)) expect(tables).toContain(name);
    const keys = catalog.uniqueKeys.map((k) => k.name);
    for (const name of Object.keys(GLOBAL_KEYS)) expect(keys).toContain(name);
  });

  it('finds a key that does not lead with merchant_id', () => {
    const catalog = {
      tables: [{ name: 'coupon', hasMerchantId: true }],
      uniqueKeys: [
        { table: 'coupon', name: 'coupon_code_key', firstColumn: 'code', definition: '(code)' },
      ],
      foreignKeys: [
        {
          table: 'coupon',
          name: 'coupon_member_fkey',
          columns: ['member_id'],
          references: 'member',
          referencedColumns: ['id'],
        },
      ],
    };
    expect(tenantKeyViolations(catalog)).toHaveLength(2);
  });
});
