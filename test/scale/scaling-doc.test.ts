import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { testDb } from '../db.ts';
import { readCatalog, renderScalingSection, withSection } from './schema-catalog.ts';

it('docs/scaling.md carries the Citus calls of the live schema (npm run docs:scaling)', async () => {
  const doc = readFileSync('docs/scaling.md', 'utf8');
  const section = renderScalingSection(await readCatalog((await testDb()).pool));
  expect(section).toContain("create_reference_table('merchant')");
  expect(withSection(doc, section), 'stale: run `npm run docs:scaling`').toBe(doc);
});
