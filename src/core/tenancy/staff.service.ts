import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId, randomToken, sha256 } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { hashSecret, verifyNothing, verifySecret } from '../../lib/secrets.ts';
import { ttlCache } from '../../lib/ttl-cache.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { assertStoreExists } from './store.service.ts';
import type { Role, Staff } from './tenancy.table.ts';

const MAX_FAILED_LOGINS = 5;
const LOCK_MINUTES = 15;

// A session is read on every request; caching it for a few seconds saves a round trip. Logout
// and deactivation clear this process's entry at once; other processes follow within the TTL.
const sessions = ttlCache<Awaited<ReturnType<typeof readSession>>>(10_000);

export type PublicStaff = Omit<Staff, 'password_hash' | 'failed_logins'>;

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
  'locked_until',
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
      locked_until: null,
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
      ...pickDefined(input, ['display_name', 'role', 'store_id', 'active']),
      ...(password !== undefined
        ? { password_hash: await hashSecret(password), failed_logins: 0, locked_until: null }
        : {}),
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
  if (input.active === false || input.role !== undefined) {
    const staffSessions = trx
      .selectFrom('staff_session')
      .select('token_hash')
      .where('merchant_id', '=', ctx.merchantId)
      .where('staff_id', '=', id);
    for (const { token_hash } of await staffSessions.execute()) sessions.delete(token_hash);
  }
  if (input.active === false) {
    await trx
      .deleteFrom('staff_session')
      .where('merchant_id', '=', ctx.merchantId)
      .where('staff_id', '=', id)
      .execute();
  }
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

export type LoginResult =
  | { ok: true; token: string; staff: PublicStaff; expiresAt: Date }
  | { ok: false; code: 'auth.invalid_credentials' | 'auth.locked' };

/**
 * Password login. Failures are counted even though the caller answers with an error, so this
 * runs its own small writes instead of a rolled-back transaction. The fifth failure in a row
 * locks the account for 15 minutes.
 */
export async function login(
  db: Db,
  login: string,
  password: string,
  now: Date,
  sessionHours: number,
): Promise<LoginResult> {
  const staff = await db
    .selectFrom('staff')
    .selectAll()
    .where('login', '=', login.trim().toLowerCase())
    .where('active', '=', true)
    .executeTakeFirst();
  if (!staff) {
    await verifyNothing(password);
    return { ok: false, code: 'auth.invalid_credentials' };
  }
  if (staff.locked_until && staff.locked_until > now) return { ok: false, code: 'auth.locked' };
  if (!(await verifySecret(staff.password_hash, password))) {
    const updated = await db
      .updateTable('staff')
      .set((eb) => ({
        failed_logins: eb('failed_logins', '+', 1),
        locked_until: eb
          .case()
          .when('failed_logins', '>=', MAX_FAILED_LOGINS - 1)
          .then(sql<Date>`${new Date(now.getTime() + LOCK_MINUTES * 60_000)}::timestamptz`)
          .else(null)
          .end(),
      }))
      .where('merchant_id', '=', staff.merchant_id)
      .where('id', '=', staff.id)
      .returning('locked_until')
      .executeTakeFirstOrThrow();
    return { ok: false, code: updated.locked_until ? 'auth.locked' : 'auth.invalid_credentials' };
  }
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + sessionHours * 3_600_000);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('staff')
      .set({ failed_logins: 0, locked_until: null })
      .where('merchant_id', '=', staff.merchant_id)
      .where('id', '=', staff.id)
      .execute();
    await trx
      .insertInto('staff_session')
      .values({
        token_hash: sha256(token),
        merchant_id: staff.merchant_id,
        staff_id: staff.id,
        expires_at: expiresAt,
        created_at: now,
      })
      .execute();
  });
  const { password_hash: _h, failed_logins: _f, ...pub } = staff;
  return { ok: true, token, staff: pub, expiresAt };
}

async function readSession(db: Db, tokenHash: string) {
  return db
    .selectFrom('staff_session as s')
    .innerJoin('staff', (join) =>
      join.onRef('staff.merchant_id', '=', 's.merchant_id').onRef('staff.id', '=', 's.staff_id'),
    )
    .select(['staff.merchant_id', 'staff.id', 'staff.role', 'staff.store_id', 's.expires_at'])
    .where('s.token_hash', '=', tokenHash)
    .where('staff.active', '=', true)
    .executeTakeFirst();
}

export async function findSessionStaff(db: Db, token: string, now: Date) {
  const tokenHash = sha256(token);
  const session = await sessions.get(tokenHash, () => readSession(db, tokenHash));
  return session && session.expires_at > now ? session : undefined;
}

export async function logout(db: Db, token: string): Promise<void> {
  sessions.delete(sha256(token));
  await db.deleteFrom('staff_session').where('token_hash', '=', sha256(token)).execute();
}
