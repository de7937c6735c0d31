import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.ts';
import { verifyNothing, verifySecret } from '../../lib/secrets.ts';
import {
  ADDRESS_POLICY,
  addressScope,
  afterFailure,
  LOGIN_POLICY,
  STALE_AFTER_MS,
  type Streak,
  waitMs,
} from './login-throttle.rules.ts';
import { openSession, type SessionPolicy } from './session.service.ts';
import type { PublicStaff } from './staff.service.ts';
import type { StaffRow } from './tenancy.table.ts';

export interface LoginInput {
  login: string;
  password: string;
  /** the client's address as the HTTP layer established it (trusted proxies only) */
  address: string;
}

export type LoginResult =
  | { ok: true; token: string; staff: PublicStaff; expiresAt: Date }
  | { ok: false; code: 'auth.invalid_credentials' }
  | { ok: false; code: 'auth.locked'; retryAfterSeconds: number };

// Advisory lock classes (two-int keys never meet pg-boss's one-bigint keys; one class per kind,
// so a login's and an address's hashes cannot collide into a deadlock).
const LOCK_CLASS = { login: 7_341, address: 7_342 };
const KEPT_ADDRESSES = 5;
const loginKey = (name: string) => `login:${name}`;

/**
 * Password login, throttled per login name and per client address (login-throttle.rules.ts).
 * Attempts on one login name take turns: a parallel one is answered "retry in a second" at once,
 * so guesses cannot race past the counter. Unknown names are throttled like known ones, so the
 * answers do not reveal which exist. A failure is committed although the caller answers with an
 * error, so this function owns its transaction.
 */
export async function login(
  db: Db,
  input: LoginInput,
  now: Date,
  policy: SessionPolicy,
): Promise<LoginResult> {
  const name = input.login.trim().toLowerCase();
  const address = addressScope(input.address);
  const keys = { login: loginKey(name), address: `address:${address}` };
  return db.transaction().execute(async (trx) => {
    if (!(await tryLockLogin(trx, keys.login)))
      return { ok: false, code: 'auth.locked', retryAfterSeconds: 1 };
    await sql`select pg_advisory_xact_lock(${LOCK_CLASS.address}, hashtext(${keys.address}))`.execute(
      trx,
    );
    const streaks = await readStreaks(trx, keys);
    const staff = await trx
      .selectFrom('staff')
      .selectAll()
      .where('login', '=', name)
      .where('active', '=', true)
      .executeTakeFirst();
    // The per-login delay spares the addresses this account last logged in from: a stranger
    // elsewhere can slow the account down, never shut its owner out at the usual till.
    const knownAddress = staff?.login_addresses.includes(address) ?? false;
    const wait = Math.max(
      waitMs(streaks.address, now, ADDRESS_POLICY),
      knownAddress ? 0 : waitMs(streaks.login, now, LOGIN_POLICY),
    );
    if (wait > 0)
      return { ok: false, code: 'auth.locked', retryAfterSeconds: Math.ceil(wait / 1000) };

    const valid = staff
      ? await verifySecret(staff.password_hash, input.password)
      : await verifyNothing(input.password);
    if (!staff || !valid) {
      await recordFailure(trx, keys, streaks, staff, now);
      return { ok: false, code: 'auth.invalid_credentials' };
    }
    return admit(trx, staff, keys, address, now, policy);
  });
}

type Keys = { login: string; address: string };
type Streaks = { login: Streak | undefined; address: Streak | undefined };

async function recordFailure(
  trx: Trx,
  keys: Keys,
  streaks: Streaks,
  staff: StaffRow | undefined,
  now: Date,
): Promise<void> {
  await saveStreak(trx, keys.login, afterFailure(streaks.login, now, LOGIN_POLICY));
  await saveStreak(trx, keys.address, afterFailure(streaks.address, now, ADDRESS_POLICY));
  // Forgotten streaks are deleted while failures happen, which is when rows accumulate.
  await trx
    .deleteFrom('login_throttle')
    .where('last_failed_at', '<', new Date(now.getTime() - STALE_AFTER_MS))
    .execute();
  if (!staff) return;
  await trx
    .updateTable('staff')
    .set((eb) => ({ failed_logins: eb('failed_logins', '+', 1), last_failed_login_at: now }))
    .where('merchant_id', '=', staff.merchant_id)
    .where('id', '=', staff.id)
    .execute();
}

async function saveStreak(trx: Trx, key: string, streak: Streak): Promise<void> {
  await trx
    .insertInto('login_throttle')
    .values({ key, ...streak })
    .onConflict((oc) => oc.column('key').doUpdateSet(streak))
    .execute();
}

/**
 * A right password: the login name's streak is forgotten (not the address's: one valid account
 * must not buy an address fresh guesses at the others), the address joins the known ones, and
 * the session remembers the failures to tell about.
 */
async function admit(
  trx: Trx,
  staff: StaffRow,
  keys: Keys,
  address: string,
  now: Date,
  policy: SessionPolicy,
): Promise<LoginResult> {
  await trx.deleteFrom('login_throttle').where('key', '=', keys.login).execute();
  const addresses = [address, ...staff.login_addresses.filter((a) => a !== address)];
  await trx
    .updateTable('staff')
    .set({
      failed_logins: 0,
      last_failed_login_at: null,
      login_addresses: addresses.slice(0, KEPT_ADDRESSES),
    })
    .where('merchant_id', '=', staff.merchant_id)
    .where('id', '=', staff.id)
    .execute();
  const session = await openSession(trx, staff, now, policy);
  const { merchant_id, id, login, display_name, role, store_id, active, created_at } = staff;
  return {
    ok: true,
    token: session.token,
    expiresAt: session.expiresAt,
    staff: { merchant_id, id, login, display_name, role, store_id, active, created_at },
  };
}

async function tryLockLogin(trx: Trx, key: string): Promise<boolean> {
  const { rows } = await sql<{ locked: boolean }>`
    select pg_try_advisory_xact_lock(${LOCK_CLASS.login}, hashtext(${key})) as locked
  `.execute(trx);
  return rows[0]?.locked === true;
}

async function readStreaks(trx: Trx, keys: Keys): Promise<Streaks> {
  const rows = await trx
    .selectFrom('login_throttle')
    .selectAll()
    .where('key', 'in', [keys.login, keys.address])
    .execute();
  const streak = (key: string): Streak | undefined => rows.find((r) => r.key === key);
  return { login: streak(keys.login), address: streak(keys.address) };
}

/** A new password given by an administrator lifts the delay its login name has earned. */
export async function forgetLoginStreak(trx: Trx, login: string): Promise<void> {
  await trx.deleteFrom('login_throttle').where('key', '=', loginKey(login)).execute();
}
