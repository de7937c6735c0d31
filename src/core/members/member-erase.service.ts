import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { displayPhone } from '../../lib/phone.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { eraseFromImports } from '../imports/import-erase.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import type { MemberRow } from './member.table.ts';

/** What an erasure leaves for the caller to do after commit: uploaded files to delete. */
export interface Erasure {
  member: MemberRow;
  discardFiles: string[];
}

/** The personal values of an erased chain, as they appear in copies. */
export interface ErasedValues {
  /** E.164 */
  phones: string[];
  names: string[];
  memberIds: string[];
}

/**
 * Erasure on request (the right to be forgotten). A person may be several records merged into
 * one, so the whole chain goes: the survivor and every record merged into it, whichever of them
 * was named. Personal data leaves the member rows and every copy (identities, payment password,
 * audit payloads, merge records, idempotent replays, invitations, import staging, samples and
 * errors, and uploads that still hold it); card numbers, ledgers and amounts stay, now
 * pseudonymous. Files are deleted by the caller after commit (`discardFiles`).
 */
export async function eraseMember(
  trx: Trx,
  ctx: Ctx,
  id: string,
  dataDir: string,
): Promise<Erasure> {
  const { rootId, chain } = await lockChain(trx, ctx, id);
  const ids = chain.map((m) => m.id);
  const values: ErasedValues = {
    phones: await chainPhones(trx, ctx, chain),
    names: chain.flatMap((m) => (m.name ? [m.name] : [])),
    memberIds: ids,
  };
  const m = ctx.merchantId;
  await trx
    .deleteFrom('member_identity')
    .where('merchant_id', '=', m)
    .where('member_id', 'in', ids)
    .execute();
  await trx
    .deleteFrom('payment_password')
    .where('merchant_id', '=', m)
    .where('member_id', 'in', ids)
    .execute();
  // the member page's sessions and one-time codes name the phone
  await trx
    .deleteFrom('member_session')
    .where('merchant_id', '=', m)
    .where((eb) =>
      eb.or([
        eb('member_id', 'in', ids),
        ...(values.phones.length ? [eb('phone', 'in', values.phones)] : []),
      ]),
    )
    .execute();
  if (values.phones.length)
    await trx
      .deleteFrom('member_otp')
      .where('merchant_id', '=', m)
      .where('phone', 'in', values.phones)
      .execute();
  // the inbox speaks to the person (templates fill in their name): it goes with them
  await trx
    .deleteFrom('member_message')
    .where('merchant_id', '=', m)
    .where('member_id', 'in', ids)
    .execute();
  // the outbox keeps that a message was sent (dedupe, counts), not to whom or what it said
  await trx
    .updateTable('outbox_message')
    .set({ status: 'skipped', skip_reason: 'no_address' })
    .where('merchant_id', '=', m)
    .where('member_id', 'in', ids)
    .where('status', 'in', ['pending', 'retrying'])
    .execute();
  await trx
    .updateTable('outbox_message')
    .set({ address: null, payload: '{}' })
    .where('merchant_id', '=', m)
    .where('member_id', 'in', ids)
    .execute();
  await trx
    .updateTable('audit_log')
    .set({ before: null, after: null })
    .where('merchant_id', '=', m)
    .where('entity_type', '=', 'member')
    .where('entity_id', 'in', ids)
    .execute();
  await scrubCopies(trx, ctx, values);
  const discardFiles = await eraseFromImports(trx, ctx, values.phones, dataDir);
  const erased = await trx
    .updateTable('member')
    .set({
      phone: null,
      name: null,
      gender: 'unknown',
      birthday: null,
      custom: '{}',
      marketing_consent: false,
      status: 'erased',
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', m)
    .where('id', 'in', ids)
    .returningAll()
    .execute();
  // integrators that copied the person's data are told to delete their copy
  await emitEvent(trx, ctx, 'member.erased', { member_id: rootId, member_ids: ids });
  await recordAudit(trx, ctx, {
    action: 'member.erase',
    entityType: 'member',
    entityId: rootId,
    after: { records: ids.length },
  });
  return { member: erased.find((r) => r.id === rootId)!, discardFiles };
}

/**
 * The chain of `id`, locked in id order: its survivor (a merged record was named) and every
 * record merged into that survivor (merges point straight at the survivor). An erased chain is
 * refused: there is nothing left to erase.
 */
async function lockChain(trx: Trx, ctx: Ctx, id: string) {
  const named = await trx
    .selectFrom('member')
    .select(['id', 'status', 'merged_into_id'])
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!named) throw new DomainError('member.not_found');
  const rootId = named.status === 'merged' && named.merged_into_id ? named.merged_into_id : id;
  const chain = await trx
    .selectFrom('member')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .where((eb) => eb.or([eb('id', '=', rootId), eb('merged_into_id', '=', rootId)]))
    .orderBy('id')
    .forUpdate()
    .execute();
  const root = chain.find((r) => r.id === rootId);
  if (!root || root.status === 'erased')
    throw new DomainError('member.not_active', { params: { status: root?.status ?? 'erased' } });
  return { rootId, chain };
}

/** Phones of the chain, also those a merge took away from a record (kept in its merge record). */
async function chainPhones(trx: Trx, ctx: Ctx, chain: MemberRow[]): Promise<string[]> {
  const merges = await trx
    .selectFrom('member_merge')
    .select(sql<string | null>`moved->>'merged_phone'`.as('phone'))
    .where('merchant_id', '=', ctx.merchantId)
    .where(
      'merged_id',
      'in',
      chain.map((m) => m.id),
    )
    .execute();
  const phones = [...chain.map((m) => m.phone), ...merges.map((r) => r.phone)];
  return [...new Set(phones.filter((p): p is string => typeof p === 'string' && p.length > 0))];
}

/** JSON copies of personal data: table, the key that finds a row again, its JSON columns. */
const JSON_COPIES = [
  ['audit_log', 'id', ['before', 'after']],
  ['member_merge', 'id', ['moved']],
  ['idempotency_key', 'key', ['response']],
] as const;

/** Columns of free text a staff member may have typed a name or a number into. */
const FREE_TEXT = [
  ['ledger_entry', 'memo'],
  ['growth_entry', 'memo'],
  ['mall_redemption', 'cancel_reason'],
  ['referral_withdrawal', 'note'],
  ['referral_withdrawal', 'decision_reason'],
  ['coupon', 'reason'],
  ['order_refund', 'reason'],
  ['guide_task', 'note'],
] as const;

/**
 * Copies outside the member row. In JSON (audit payloads of other entities, merge records,
 * stored idempotent responses) every string holding one of the phones, or equal to one of the
 * names, becomes null and the rest (amounts, ids) stays; candidates are found by text first.
 * Free text that names the person is nulled.
 */
async function scrubCopies(trx: Trx, ctx: Ctx, values: ErasedValues) {
  const patterns = likePatterns(values);
  if (patterns.length === 0) return;
  const m = ctx.merchantId;
  for (const [table, key, columns] of JSON_COPIES) {
    const text = sql.join(
      columns.map((c) => sql`coalesce(${sql.id(c)}::text, '')`),
      sql` || `,
    );
    const { rows } = await sql<Record<string, unknown>>`
      select ${sql.id(key)} as key, ${sql.join(columns.map((c) => sql.id(c)))}
      from ${sql.id(table)} where merchant_id = ${m} and ${text} like any(${patterns})`.execute(
      trx,
    );
    for (const row of rows) {
      const set = sql.join(
        columns.map((c) => {
          const value = row[c] === null ? null : JSON.stringify(scrubJson(row[c], values));
          return sql`${sql.id(c)} = ${value}::jsonb`;
        }),
      );
      await sql`update ${sql.id(table)} set ${set}
        where merchant_id = ${m} and ${sql.id(key)} = ${row.key}`.execute(trx);
    }
  }
  for (const [table, column] of FREE_TEXT) {
    await sql`update ${sql.id(table)} set ${sql.id(column)} = null
      where merchant_id = ${m} and ${sql.id(column)} like any(${patterns})`.execute(trx);
  }
  if (values.phones.length > 0) await eraseInvitations(trx, ctx, values.phones);
}

/** An open invitation is only an offer: it goes; an accepted one keeps its amount, not the phone. */
async function eraseInvitations(trx: Trx, ctx: Ctx, phones: string[]) {
  const m = ctx.merchantId;
  await trx
    .deleteFrom('membership_invitation')
    .where('merchant_id', '=', m)
    .where('phone', 'in', phones)
    .where('status', '=', 'sent')
    .execute();
  await trx
    .updateTable('membership_invitation')
    .set({ phone: '' })
    .where('merchant_id', '=', m)
    .where('phone', 'in', phones)
    .execute();
}

const likeEscape = (s: string) => s.replace(/[%_\\]/g, '\\$&');

function likePatterns(values: ErasedValues): string[] {
  const tokens = [...values.phones.map(displayPhone), ...values.names];
  return tokens.map((t) => `%${likeEscape(t)}%`);
}

/** A JSON value with every string that holds an erased phone or equals an erased name nulled. */
export function scrubJson(value: unknown, values: Pick<ErasedValues, 'phones' | 'names'>): unknown {
  if (typeof value === 'string') {
    const personal =
      values.names.includes(value) || values.phones.some((p) => value.includes(displayPhone(p)));
    return personal ? null : value;
  }
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, values));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubJson(v, values)]));
  return value;
}
