import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import { seedDemo } from '../../core/demo/demo.service.ts';
import { generateScaleDemo } from '../../core/demo/demo-scale.ts';
import { exportMembers } from '../../core/members/member-export.service.ts';
import { createApiKey } from '../../core/tenancy/api-key.service.ts';
import { createMerchant } from '../../core/tenancy/merchant.service.ts';
import { apiKeyScopes, isPermission } from '../../core/tenancy/permissions.ts';
import { addStaff } from '../../core/tenancy/staff.service.ts';
import type { Role } from '../../core/tenancy/tenancy.table.ts';
import { migrateToLatest } from '../../db/migrate.ts';
import { DomainError } from '../../lib/errors.ts';
import { startServer } from '../../main.ts';
import { fail, merchantCtx, withDatabase } from '../context.ts';
import { registerImportCommands } from './import.ts';

const ROLES = ['owner', 'manager', 'cashier', 'marketer'];
/** Above this many members the demo is the scale one (orders generated in SQL). */
const SCALE_FROM = 20_000;

/** Domain errors print their code and field; anything else is a bug and keeps its stack. */
async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof DomainError) fail(`${e.code}${e.field ? ` (${e.field})` : ''}`);
    throw e;
  }
}

export function registerCommands(program: Command): void {
  program
    .command('start')
    .description('run the server (embedded PostgreSQL unless DATABASE_URL)')
    .option('--demo', 'seed the demo merchant into an empty database even off loopback')
    .action((opts: { demo?: boolean }) => startServer({ demo: opts.demo === true }));

  program
    .command('migrate')
    .description('apply database migrations')
    .action(() =>
      run(() =>
        withDatabase(async (db) => {
          const applied = await migrateToLatest(db);
          process.stdout.write(
            applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n',
          );
        }),
      ),
    );

  program
    .command('demo')
    .description('create a demo bakery merchant with members')
    .option('--members <n>', 'number of members', '3000')
    .option(
      '--scale',
      `benchmark data: members with two years of orders (implied above ${SCALE_FROM} members)`,
    )
    .option('--seed <n>', 'random seed of the scale demo', '20261202')
    .action((opts: { members: string; scale?: boolean; seed: string }) =>
      run(() =>
        withDatabase(async (db) => {
          const members = Number(opts.members);
          if (!Number.isSafeInteger(members) || members < 0)
            fail('--members must be a whole number');
          if (opts.scale || members > SCALE_FROM) {
            const log = (line: string) => process.stderr.write(`${line}\n`);
            const demo = await generateScaleDemo(db, { members, seed: Number(opts.seed), log });
            process.stdout.write(
              `merchant ${demo.merchantId}: ${demo.members} members, ${demo.orders} orders in ${demo.seconds.toFixed(1)} s\n${demo.logins.map((l) => `${l.role}: ${l.login}`).join('\n')}\npassword: Regulars2026\n`,
            );
            return;
          }
          const suffix = `-${Date.now().toString(36)}`;
          const demo = await seedDemo(db, new Date(), members, suffix);
          process.stdout.write(
            `merchant ${demo.merchantId}\n${demo.logins.map((l) => `${l.role}: ${l.login}`).join('\n')}\npassword: Regulars2026\n`,
          );
        }),
      ),
    );

  const merchant = program.command('merchant').description('merchants (tenants)');
  merchant
    .command('create')
    .requiredOption('--name <name>')
    .requiredOption('--owner-login <login>')
    .requiredOption('--owner-password <password>')
    .option('--time-zone <zone>', 'IANA time zone', 'Asia/Shanghai')
    .option('--card-prefix <digits>', 'card number prefix', '8800')
    .action(
      (o: {
        name: string;
        ownerLogin: string;
        ownerPassword: string;
        timeZone: string;
        cardPrefix: string;
      }) =>
        run(() =>
          withDatabase(async (db) => {
            const { merchant: m } = await db.transaction().execute((trx) =>
              createMerchant(
                trx,
                {
                  name: o.name,
                  time_zone: o.timeZone,
                  card_prefix: o.cardPrefix,
                  owner: {
                    login: o.ownerLogin,
                    display_name: o.ownerLogin,
                    password: o.ownerPassword,
                  },
                },
                new Date(),
              ),
            );
            process.stdout.write(`${m.id}\n`);
          }),
        ),
    );

  program
    .command('staff')
    .description('staff accounts')
    .command('add')
    .requiredOption('--login <login>')
    .requiredOption('--password <password>')
    .requiredOption('--role <role>', ROLES.join('|'))
    .option('--name <name>')
    .option('--merchant <id>')
    .action(
      (o: { login: string; password: string; role: string; name?: string; merchant?: string }) =>
        run(() =>
          withDatabase(async (db) => {
            if (!ROLES.includes(o.role)) fail(`--role must be one of ${ROLES.join(', ')}`);
            const ctx = await merchantCtx(db, o.merchant);
            const staff = await db.transaction().execute((trx) =>
              addStaff(trx, ctx, {
                login: o.login,
                password: o.password,
                role: o.role as Role,
                display_name: o.name ?? o.login,
              }),
            );
            process.stdout.write(`${staff.id}\n`);
          }),
        ),
    );

  program
    .command('apikey')
    .description('API keys for integrations')
    .command('create')
    .requiredOption('--name <name>')
    .option(
      '--scopes <list>',
      `comma-separated: ${apiKeyScopes.join(',')}`,
      'members.read,members.write',
    )
    .option('--merchant <id>')
    .action((o: { name: string; scopes: string; merchant?: string }) =>
      run(() =>
        withDatabase(async (db) => {
          const scopes = o.scopes.split(',').map((s) => s.trim());
          const bad = scopes.filter(
            (s) => !isPermission(s) || !(apiKeyScopes as readonly string[]).includes(s),
          );
          if (bad.length) fail(`unknown scopes: ${bad.join(', ')}`);
          const ctx = await merchantCtx(db, o.merchant);
          const { key } = await db
            .transaction()
            .execute((trx) =>
              createApiKey(trx, ctx, { name: o.name, scopes: scopes.filter(isPermission) }),
            );
          process.stdout.write(`${key}\n(shown once; store it now)\n`);
        }),
      ),
    );

  const exportCommand = program.command('export').description('export data');
  exportCommand
    .command('members')
    .option('--format <format>', 'csv|xlsx', 'csv')
    .option('--out <file>', 'output file', 'members.csv')
    .option('--merchant <id>')
    .action((o: { format: string; out: string; merchant?: string }) =>
      run(() =>
        withDatabase(async (db) => {
          if (o.format !== 'csv' && o.format !== 'xlsx') fail('--format must be csv or xlsx');
          const ctx = await merchantCtx(db, o.merchant);
          await pipeline(exportMembers(db, ctx, o.format, {}, true), createWriteStream(o.out));
          process.stdout.write(`wrote ${o.out}\n`);
        }),
      ),
    );

  registerImportCommands(program);
}
