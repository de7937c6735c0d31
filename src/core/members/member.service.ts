import type { Db, Trx } from '../../db/database.ts';
import { isUniqueViolation } from '../../db/pg-errors.ts';
import { generateCardNumber } from '../../lib/card-number.ts';
import { assertFound, DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { isValidPastDate, localDateOf } from '../../lib/time.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Ctx } from '../context.ts';
import { issueNewMemberPack } from '../coupons/coupon-pack.service.ts';
import { getBalances } from '../ledger/ledger.service.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { assertStoreExists } from '../tenancy/store.service.ts';
import type { MerchantRow } from '../tenancy/tenancy.table.ts';
import { getOwnRow, lockOwnRow } from '../tenant-row.ts';
import { emitEvent } from '../webhooks/webhook-event.service.ts';
import { validateCustomValues } from './member.rules.ts';
import type { MemberDetail, RegisterMemberBody, UpdateMemberBody } from './member.schema.ts';
import type { IdentityKind, MemberRow } from './member.table.ts';

export function parsePhone(
  merchant: Pick<MerchantRow, 'allow_foreign_phone'>,
  raw: string,
  field = 'phone',
): string {
  const phone = normalizePhone(raw, merchant.allow_foreign_phone);
  if (!phone) throw new DomainError('member.phone_invalid', { field });
  return phone;
}

async function checkProfile(
  db: Db | Trx,
  ctx: Ctx,
  merchant: MerchantRow,
  input: Pick<UpdateMemberBody, 'birthday' | 'home_store_id' | 'custom'>,
) {
  const today = localDateOf(ctx.now, merchant.time_zone);
  if (input.birthday && !isValidPastDate(input.birthday, today)) {
    throw new DomainError('member.birthday_invalid', { field: 'birthday' });
  }
  if (input.home_store_id) await assertStoreExists(db, ctx, input.home_store_id, 'home_store_id');
  if (!input.custom) return undefined;
  const fields = await db
    .selectFrom('custom_field')
    .selectAll()
    .where('merchant_id', '=', ctx.merchantId)
    .execute();
  return validateCustomValues(fields, input.custom);
}

/** Registers a member by phone; the card number is generated, a collision simply draws again. */
export async function registerMember(
  trx: Trx,
  ctx: Ctx,
  input: RegisterMemberBody,
): Promise<MemberRow> {
  const merchant = await getMerchant(trx, ctx);
  const phone = parsePhone(merchant, input.phone);
  const custom = await checkProfile(trx, ctx, merchant, input);
  if (input.referrer_id) await getMemberRow(trx, ctx, input.referrer_id, 'referrer_id');
  let member: MemberRow | undefined;
  while (!member) {
    member = await trx
      .insertInto('member')
      .values({
        merchant_id: ctx.merchantId,
        id: newId(),
        card_no: generateCardNumber(merchant.card_prefix),
        phone,
        name: input.name?.trim() || null,
        gender: input.gender ?? 'unknown',
        birthday: input.birthday ?? null,
        source_channel: input.source_channel ?? 'store',
        home_store_id: input.home_store_id ?? ctx.storeId ?? null,
        referrer_id: input.referrer_id ?? null,
        custom: JSON.stringify(custom ?? {}),
        marketing_consent: input.marketing_consent ?? false,
        status: 'active',
        merged_into_id: null,
        registered_at: ctx.now,
        updated_at: ctx.now,
      })
      .onConflict((oc) => oc.columns(['merchant_id', 'card_no']).doNothing())
      .returningAll()
      .executeTakeFirst();
  }
  for (const identity of input.identities ?? []) await linkIdentity(trx, ctx, member.id, identity);
  await issueNewMemberPack(trx, ctx, member.id);
  await emitEvent(trx, ctx, 'member.created', memberCreatedEvent(member));
  await recordAudit(trx, ctx, {
    action: 'member.register',
    entityType: 'member',
    entityId: member.id,
    after: { phone, card_no: member.card_no },
  });
  return member;
}

/** `member.created` for integrators: ids only, no phone, name or birthday (docs/webhooks.md). */
export const memberCreatedEvent = (m: MemberRow) => ({
  member_id: m.id,
  source_channel: m.source_channel,
  home_store_id: m.home_store_id,
  referrer_id: m.referrer_id,
  registered_at: m.registered_at,
});

/** `field` names the body field when the id came from a body (a foreign id): 404 with it. */
export const getMemberRow = (
  db: Db | Trx,
  ctx: Ctx,
  id: string,
  field?: string,
): Promise<MemberRow> => getOwnRow(db, ctx, 'member', id, 'member.not_found', field);

/** Locks the member row for a read-check-write; only an active member can be changed. */
export async function lockActiveMember(
  trx: Trx,
  ctx: Ctx,
  id: string,
  field?: string,
): Promise<MemberRow> {
  const member = await lockOwnRow(trx, ctx, 'member', id, 'member.not_found', field);
  if (member.status !== 'active')
    throw new DomainError('member.not_active', { params: { status: member.status } });
  return member;
}

export async function updateMember(
  trx: Trx,
  ctx: Ctx,
  id: string,
  input: UpdateMemberBody,
): Promise<MemberRow> {
  const before = await lockActiveMember(trx, ctx, id);
  const merchant = await getMerchant(trx, ctx);
  const custom = await checkProfile(trx, ctx, merchant, input);
  const { phone: rawPhone } = input;
  const after = await trx
    .updateTable('member')
    .set({
      ...pickDefined(input, {
        name: true,
        gender: true,
        birthday: true,
        source_channel: true,
        home_store_id: true,
        marketing_consent: true,
        phone: false,
        custom: false,
      }),
      ...(rawPhone !== undefined ? { phone: parsePhone(merchant, rawPhone) } : {}),
      ...(custom ? { custom: JSON.stringify({ ...before.custom, ...custom }) } : {}),
      updated_at: ctx.now,
    })
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const changed = Object.keys(input) as (keyof MemberRow)[];
  await recordAudit(trx, ctx, {
    action: 'member.update',
    entityType: 'member',
    entityId: id,
    before: Object.fromEntries(changed.map((k) => [k, before[k]])),
    after: Object.fromEntries(changed.map((k) => [k, after[k]])),
  });
  return after;
}

export async function linkIdentity(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  input: { kind: IdentityKind; value: string },
) {
  await lockActiveMember(trx, ctx, memberId);
  const identity = await trx
    .insertInto('member_identity')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      member_id: memberId,
      kind: input.kind,
      value: input.value.trim(),
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((e: unknown) => {
      if (isUniqueViolation(e)) throw new DomainError('member.identity_taken', { field: 'value' });
      throw e;
    });
  await recordAudit(trx, ctx, {
    action: 'member.identity_link',
    entityType: 'member',
    entityId: memberId,
    after: input,
  });
  return identity;
}

export async function unlinkIdentity(
  trx: Trx,
  ctx: Ctx,
  memberId: string,
  identityId: string,
): Promise<void> {
  const removed = assertFound(
    await trx
      .deleteFrom('member_identity')
      .where('merchant_id', '=', ctx.merchantId)
      .where('member_id', '=', memberId)
      .where('id', '=', identityId)
      .returning(['kind', 'value'])
      .executeTakeFirst(),
    'member.not_found',
  );
  await recordAudit(trx, ctx, {
    action: 'member.identity_unlink',
    entityType: 'member',
    entityId: memberId,
    before: removed,
  });
}

/** Phones are masked for roles without members.pii by the HTTP layer's one presenter. */
export async function getMemberDetail(db: Db, ctx: Ctx, id: string): Promise<MemberDetail> {
  const member = await getMemberRow(db, ctx, id);
  const [identities, balances, merges] = await Promise.all([
    db
      .selectFrom('member_identity')
      .select(['id', 'kind', 'value', 'created_at'])
      .where('merchant_id', '=', ctx.merchantId)
      .where('member_id', '=', id)
      .orderBy('created_at')
      .execute(),
    getBalances(db, ctx, id),
    db
      .selectFrom('member_merge')
      .selectAll()
      .where('merchant_id', '=', ctx.merchantId)
      .where((eb) => eb.or([eb('survivor_id', '=', id), eb('merged_id', '=', id)]))
      .orderBy('created_at', 'desc')
      .execute(),
  ]);
  return {
    member: member as never,
    identities,
    balances,
    merges: merges as never,
  };
}
