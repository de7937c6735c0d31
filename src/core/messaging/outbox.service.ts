import { sql } from 'kysely';
import type { Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { emitEvents } from '../webhooks/webhook-event.service.ts';
import { getMessageSettings, type MessageSettings } from './message-setting.service.ts';
import { renderTemplate, type TemplateText } from './message-template.rules.ts';
import { resolveTemplate } from './message-template.service.ts';
import { quietUntil } from './outbox.rules.ts';
import type { Channel, OutboxStatus } from './outbox.table.ts';

export type { Channel } from './outbox.table.ts';

export interface MessageInput {
  member_id?: string;
  phone?: string;
  channel: Channel;
  purpose: 'marketing' | 'service';
  template: string;
  vars?: Record<string, string | number>;
  dedupe_key: string;
  /** the fact that caused it, kept on an inbox message (e.g. campaign and its id) */
  ref_type?: string;
  ref_id?: string;
}

/** `capped`: over the merchant's daily marketing cap for this member (a row is kept, skipped). */
export type EnqueueOutcome = 'queued' | 'duplicate' | 'opted_out' | 'no_address' | 'capped';

interface Spec {
  channel: Channel;
  purpose: 'marketing' | 'service';
  template: string;
  vars: Record<string, string | number>;
  ref_type: string | null;
  ref_id: string | null;
}

interface Recipient {
  member_id: string | null;
  phone: string | null;
  dedupe_key: string;
}

interface MemberFacts {
  id: string;
  status: string;
  marketing_consent: boolean;
  phone: string | null;
  email: string | null;
  openid: string | null;
  opted_out: boolean;
  marketing_today: number;
}

interface Decided {
  recipient: Recipient;
  status: OutboxStatus;
  skip_reason: Exclude<EnqueueOutcome, 'queued' | 'duplicate'> | null;
  address: string | null;
}

/**
 * One message, written in the caller's transaction (so it exists exactly when its cause does).
 * Opt-out, address and cap are decided now: a member who gets nothing has a 'skipped' row with
 * its reason. The same `dedupe_key` again is a no-op ('duplicate').
 */
export async function enqueueMessage(
  trx: Trx,
  ctx: Ctx,
  input: MessageInput,
): Promise<{ id: string | null; outcome: EnqueueOutcome }> {
  if (!input.member_id && !input.phone)
    throw new DomainError('message.recipient_required', { field: 'member_id' });
  const recipient = {
    member_id: input.member_id ?? null,
    phone: input.phone ?? null,
    dedupe_key: input.dedupe_key,
  };
  const [result] = await writeMessages(trx, ctx, specOf(input), [recipient]);
  if (!result) throw new DomainError('message.member_not_found', { field: 'member_id' });
  return { id: result.id, outcome: result.outcome };
}

/** Set-based for automations and campaigns: the key of each is `${dedupe_prefix}:${member_id}`. */
export async function enqueueMemberMessages(
  trx: Trx,
  ctx: Ctx,
  input: Omit<MessageInput, 'member_id' | 'phone' | 'dedupe_key'> & {
    member_ids: readonly string[];
    dedupe_prefix: string;
  },
): Promise<{
  queued: number;
  duplicate: number;
  opted_out: number;
  no_address: number;
  capped: number;
  /** member id → outbox id, for the members whose message was written now */
  ids: Map<string, string>;
}> {
  const counts = { queued: 0, duplicate: 0, opted_out: 0, no_address: 0, capped: 0 };
  const ids = new Map<string, string>();
  if (input.member_ids.length === 0) return { ...counts, ids };
  const recipients = [...new Set(input.member_ids)].map((id) => ({
    member_id: id,
    phone: null,
    dedupe_key: `${input.dedupe_prefix}:${id}`,
  }));
  const results = await writeMessages(trx, ctx, specOf(input), recipients);
  counts.no_address += recipients.length - results.length; // not members of this merchant
  for (const r of results) {
    counts[r.outcome] += 1;
    if (r.id && r.member_id && r.outcome === 'queued') ids.set(r.member_id, r.id);
  }
  return { ...counts, ids };
}

const specOf = (input: Omit<MessageInput, 'member_id' | 'phone' | 'dedupe_key'>): Spec => ({
  channel: input.channel,
  purpose: input.purpose,
  template: input.template,
  vars: input.vars ?? {},
  ref_type: input.ref_type ?? null,
  ref_id: input.ref_id ?? null,
});

/** Decides and writes; returns one result per recipient written (unknown members are left out). */
async function writeMessages(trx: Trx, ctx: Ctx, spec: Spec, recipients: readonly Recipient[]) {
  const template = await resolveTemplate(trx, ctx, spec.template);
  const text = renderTemplate(template, ctx.locale, spec.vars);
  const settings = await getMessageSettings(trx, ctx);
  const marketing = spec.purpose === 'marketing';
  const zone =
    marketing && (settings.daily_marketing_cap || settings.quiet_start_minute !== null)
      ? (await getMerchant(trx, ctx)).time_zone
      : undefined;
  const memberIds = recipients.flatMap((r) => (r.member_id ? [r.member_id] : []));
  const facts = await memberFacts(trx, ctx, spec.channel, memberIds, zone);
  const decided: Decided[] = [];
  for (const r of recipients) {
    const fact = r.member_id ? facts.get(r.member_id) : undefined;
    if (r.member_id && !fact) continue;
    decided.push(decide(spec, settings, r, fact));
  }
  const due = zone && pushChannel(spec.channel) ? quietUntil(ctx.now, zone, settings) : ctx.now;
  const written = await insertRows(trx, ctx, spec, text, decided, due);
  await deliverInline(trx, ctx, spec, text, decided, written);
  return decided.map((d) => {
    const id = written.get(d.recipient.dedupe_key) ?? null;
    const outcome: EnqueueOutcome = !id ? 'duplicate' : (d.skip_reason ?? 'queued');
    return { id, outcome, member_id: d.recipient.member_id };
  });
}

const pushChannel = (channel: Channel) =>
  channel === 'sms' || channel === 'email' || channel === 'wechat';

function decide(
  spec: Spec,
  settings: MessageSettings,
  recipient: Recipient,
  fact: MemberFacts | undefined,
): Decided {
  const skip = (skip_reason: Decided['skip_reason']): Decided => ({
    recipient,
    status: 'skipped',
    skip_reason,
    address: null,
  });
  if (fact && fact.status !== 'active') return skip('no_address');
  if (spec.purpose === 'marketing' && (!fact?.marketing_consent || fact.opted_out))
    return skip('opted_out');
  const address = addressOf(spec.channel, recipient, fact);
  if (address === undefined) return skip('no_address');
  const cap = settings.daily_marketing_cap;
  if (spec.purpose === 'marketing' && cap && fact && fact.marketing_today >= cap)
    return skip('capped');
  const inline = spec.channel === 'inbox' || spec.channel === 'webhook';
  return { recipient, status: inline ? 'sent' : 'pending', skip_reason: null, address };
}

/** The address on the channel (null: none needed), undefined when the member has none. */
function addressOf(
  channel: Channel,
  recipient: Recipient,
  fact: MemberFacts | undefined,
): string | null | undefined {
  if (channel === 'sms') return recipient.phone ?? fact?.phone ?? undefined;
  if (!fact) return undefined;
  if (channel === 'email') return fact.email ?? undefined;
  if (channel === 'wechat') return fact.openid ?? undefined;
  return null;
}

/** What the decision needs of each member, in one statement. */
async function memberFacts(
  trx: Trx,
  ctx: Ctx,
  channel: Channel,
  memberIds: readonly string[],
  zone: string | undefined,
): Promise<Map<string, MemberFacts>> {
  if (memberIds.length === 0) return new Map();
  const dayStart = zone ? startOfLocalDay(localDateOf(ctx.now, zone), zone) : undefined;
  const today = dayStart
    ? sql<number>`(select count(*) from outbox_message x where x.merchant_id = m.merchant_id
        and x.member_id = m.id and x.purpose = 'marketing' and x.status <> 'skipped'
        and x.created_at >= ${dayStart})::int`
    : sql<number>`0`;
  const openid =
    channel === 'wechat'
      ? sql<
          string | null
        >`(select i.value from member_identity i where i.merchant_id = m.merchant_id
          and i.member_id = m.id and i.kind = 'wechat_openid' order by i.created_at limit 1)`
      : sql<string | null>`null`;
  const { rows } = await sql<MemberFacts>`
    select m.id, m.status, m.marketing_consent, m.phone, m.custom ->> 'email' as email,
      ${openid} as openid, ${today} as marketing_today,
      exists (select 1 from message_opt_out o where o.merchant_id = m.merchant_id
        and o.member_id = m.id and o.channel = ${channel}) as opted_out
    from member m
    where m.merchant_id = ${ctx.merchantId} and m.id = any(${memberIds}::uuid[])`.execute(trx);
  return new Map(rows.map((r) => [r.id, r]));
}

/** One insert for all; returns dedupe key → id of the rows written now (not the duplicates). */
async function insertRows(
  trx: Trx,
  ctx: Ctx,
  spec: Spec,
  text: TemplateText,
  decided: readonly Decided[],
  due: Date,
): Promise<Map<string, string>> {
  if (decided.length === 0) return new Map();
  const payload = JSON.stringify({ locale: ctx.locale, vars: spec.vars, ...text });
  const col = (pick: (d: Decided) => unknown) => decided.map(pick);
  const { rows } = await sql<{ id: string; dedupe_key: string }>`
    insert into outbox_message (merchant_id, id, channel, purpose, member_id, address, template,
      payload, dedupe_key, status, skip_reason, attempts, next_attempt_at, sent_at, created_at)
    select ${ctx.merchantId}, t.id, ${spec.channel}, ${spec.purpose}, t.member_id, t.address,
      ${spec.template}, ${payload}::jsonb, t.dedupe_key, t.status, t.skip_reason,
      case when t.status = 'sent' then 1 else 0 end,
      case when t.status = 'pending' then ${due}::timestamptz else ${ctx.now}::timestamptz end,
      case when t.status = 'sent' then ${ctx.now}::timestamptz end, ${ctx.now}
    from unnest(${col(() => newId())}::uuid[], ${col((d) => d.recipient.member_id)}::uuid[],
      ${col((d) => d.address)}::text[], ${col((d) => d.recipient.dedupe_key)}::text[],
      ${col((d) => d.status)}::text[], ${col((d) => d.skip_reason)}::text[])
      as t (id, member_id, address, dedupe_key, status, skip_reason)
    on conflict (merchant_id, dedupe_key) do nothing
    returning id, dedupe_key`.execute(trx);
  return new Map(rows.map((r) => [r.dedupe_key, r.id]));
}

/**
 * The inbox is delivered in the enqueuing transaction: its member_message shares the outbox
 * row's id, so it exists exactly once and at once. The webhook channel hands the message to the
 * integrator as a `message.requested` event (its deliveries are outbox rows of their own).
 */
async function deliverInline(
  trx: Trx,
  ctx: Ctx,
  spec: Spec,
  text: TemplateText,
  decided: readonly Decided[],
  written: ReadonlyMap<string, string>,
): Promise<void> {
  const sent = decided.flatMap((d) => {
    const id = written.get(d.recipient.dedupe_key);
    return id && d.status === 'sent' && d.recipient.member_id
      ? [{ id, member_id: d.recipient.member_id }]
      : [];
  });
  if (sent.length === 0) return;
  if (spec.channel === 'inbox') {
    await sql`
      insert into member_message
        (merchant_id, id, member_id, purpose, title, body, ref_type, ref_id, created_at)
      select ${ctx.merchantId}, t.id, t.member_id, ${spec.purpose}, ${text.title}, ${text.body},
        ${spec.ref_type}, ${spec.ref_id}::uuid, ${ctx.now}
      from unnest(${sent.map((s) => s.id)}::uuid[], ${sent.map((s) => s.member_id)}::uuid[])
        as t (id, member_id)`.execute(trx);
  }
  if (spec.channel === 'webhook') {
    const { channel, purpose, template } = spec;
    await emitEvents(
      trx,
      ctx,
      'message.requested',
      sent.map((s) => ({
        message_id: s.id,
        member_id: s.member_id,
        channel,
        purpose,
        template,
        ...text,
      })),
    );
  }
}
