import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { hashSecret } from '../../lib/secrets.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { forgetLoginStreak } from './login.service.ts';
import { endStaffSessions } from './session.service.ts';
import { assertStoreExists } from './store.service.ts';
import type { Role, StaffRow } from './tenancy.table.ts';

export type PublicStaff = Pick<StaffRow, (typeof publicColumns)[number]>;

export interface AddStaffInput {
  login: string;
  display_name: string;
  password: string;
  role: Role;
  store_id?: string | null;
}

function assertStrongPassword(password: string): void {
  if (password.length < 8 || !/[A-Za-z]/.test(password) || !/\d/.test(password)) {
    throw new DomainError('staff.password_weak', { field: 'password' });
  }
}

const publicColumns = [
  'merchant_id',
  'id',
  'login',
  'display_name',
  'role',
  'store_id',
  'active',
  'created_at',
] as const;

export async function addStaff(trx: Trx, ctx: Ctx, input: AddStaffInput): Promise<PublicStaff> {
  assertStrongPassword(input.password);
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  const staff = await trx
    .insertInto('staff')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      login: input.login.trim().toLowerCase(),
      display_name: input.display_name,
      role: input.role,
      store_id: input.store_id ?? null,
      password_hash: await hashSecret(input.password),
      created_at: ctx.now,
    })
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  await recordAudit(trx, ctx, {
    action: 'staff.add',
    entityType: 'staff',
    entityId: staff.id,
    after: { login: staff.login, role: staff.role },
  });
  return staff;
}

export async function listStaff(db: Db, ctx: Ctx): Promise<PublicStaff[]> {
  return db
    .selectFrom('staff')
    .select(publicColumns)
    .where('merchant_id', '=', ctx.merchantId)
    .orderBy('created_at')
    .execute();
}

export interface UpdateStaffInput {
  display_name?: string;
  role?: Role;
  store_id?: string | null;
  active?: boolean;
  password?: string;
}

export async function updateStaff(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: UpdateStaffInput,
): Promise<PublicStaff> {
  const before = assertFound(
    await trx
      .selectFrom('staff')
      .select(publicColumns)
      .where('merchant_id', '=', ctx.merchantId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst(),
    'staff.not_found',
  );
  if (input.store_id) await assertStoreExists(trx, ctx, input.store_id, 'store_id');
  if (
    id === ctx.actor.id &&
    (input.active === false || (input.role && input.role !== before.role))
  ) {
    throw new DomainError('staff.cannot_demote_self', { field: input.role ? 'role' : 'active' });
  }
  if (input.password !== undefined) assertStrongPassword(input.password);
  const { password } = input;
  const after = await trx
    .updateTable('staff')
    .set({
      ...pickDefined(input, {
        display_name: true,
        role: true,
        store_id: true,
        active: true,
        password: false,
      }),
      ...(password !== undefined ? { password_hash: await hashSecret(password) } : {}),
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  // Every instance refuses the ended sessions within its session cache window (auth plugin).
  if (input.active === false || password !== undefined) await endStaffSessions(trx, ctx, id);
  if (password !== undefined) await forgetLoginStreak(trx, before.login);
  await recordAudit(trx, ctx, {
    action: 'staff.update',
    entityType: 'staff',
    entityId: id,
    before: { role: before.role, active: before.active, store_id: before.store_id },
    after: {
      role: after.role,
      active: after.active,
      store_id: after.store_id,
      password_changed: password !== undefined,
    },
  });
  return after;
}
