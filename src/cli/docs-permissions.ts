// npm run docs:permissions: rewrites the permission table of docs/api.md from the permission map.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withPermissionTable } from '../core/tenancy/permission-table.ts';

const file = resolve(import.meta.dirname, '../../docs/api.md');
writeFileSync(file, withPermissionTable(readFileSync(file, 'utf8')));
console.log(`permission table written to ${file}`);
