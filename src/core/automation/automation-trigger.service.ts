import { type RawBuilder, sql } from 'kysely';
import { addDays, isLeapYear, localDateOf } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import type { AutomationRow, TriggerKind } from './automation.table.ts';

/*
 * Triggers are derived from facts already recorded: each kind is ONE set-based query over its
 * fact table in the merchant's zone, yielding (member_id, occurrence, due_at) for the
 * occurrences due at ctx.now. The occurrence key is stable (the same fact always yields the same
 * key), so planning them twice inserts nothing new. Nothing before the automation's activation:
 * an event at or after activated_at, a calendar occurrence on or after its local day.
 */

/** How far back a sweep looks for occurrences it may have missed (a stopped server, a pause). */
export const CATCH_UP_DAYS = 31;

export const DATE_TRIGGERS: readonly TriggerKind[] = [
  'birthday',
  'anniversary',
  'holiday',
  'points_expiring',
  'no_purchase',
];

export type Occurrences = RawBuilder<{ member_id: string; occurrence: string; due_at: Date }>;

/** The due occurrences of `a` at ctx.now, or undefined when none can be due. */
export function dueOccurrences(ctx: Ctx, a: AutomationRow, zone: string): Occurrences | undefined {
  if (DATE_TRIGGERS.includes(a.trigger_kind)) {
    const days = occurrenceDays(ctx, a, zone);
    return days && dateOccurrences(ctx, a, zone, days);
  }
  return eventOccurrences(ctx, a, zone);
}

interface Days {
  from: string;
  to: string;
}

/**
 * The local days whose occurrences fall due by today: an occurrence on day o fires on
 * o + delay_days; o is on or after the activation day, and its firing day is after the last day
 * already planned (planned_on) and within the catch-up window.
 */
export function occurrenceDays(ctx: Ctx, a: AutomationRow, zone: string): Days | undefined {
  const today = localDateOf(ctx.now, zone);
  let fireFrom = addDays(today, -CATCH_UP_DAYS);
  if (a.planned_on && a.planned_on >= fireFrom) fireFrom = addDays(a.planned_on, 1);
  const activated = localDateOf(a.activated_at, zone);
  const shifted = addDays(fireFrom, -a.delay_days);
  const from = [activated, shifted].sort()[1]!;
  const to = addDays(today, -a.delay_days);
  return from <= to ? { from, to } : undefined;
}

const dueOn = (day: RawBuilder<unknown>, delay: number, zone: string) =>
  sql`((${day})::date + ${delay}::int)::timestamp at time zone ${zone}`;

/**
 * The month-days celebrated on occurrence days from..to when the celebration is `lead` days
 * after its occurrence (a birthday 7 days before: lead 7), each with its year (the key) and
 * occurrence day. A Feb 29 date is celebrated on Feb 28 in a common year.
 */
export function celebratedDays(days: Days, lead: number) {
  const md: string[] = [];
  const year: number[] = [];
  const occ: string[] = [];
  for (let o = days.from; o <= days.to; o = addDays(o, 1)) {
    const x = addDays(o, lead);
    const y = Number(x.slice(0, 4));
    const mds = x.endsWith('-02-28') && !isLeapYear(y) ? ['02-28', '02-29'] : [x.slice(5)];
    for (const d of mds) {
      md.push(d);
      year.push(y);
      occ.push(o);
    }
  }
  return sql`unnest(${md}::text[], ${year}::int[], ${occ}::date[]) as t (md, year, occ)`;
}

function dateOccurrences(ctx: Ctx, a: AutomationRow, zone: string, days: Days): Occurrences {
  const m = ctx.merchantId;
  const delay = a.delay_days;
  const lead = a.trigger_params.days_before ?? 0;
  switch (a.trigger_kind) {
    case 'birthday':
      return sql`
        select m.id as member_id, t.year::text as occurrence, ${dueOn(sql`t.occ`, delay, zone)} as due_at
        from member m join ${celebratedDays(days, lead)} on to_char(m.birthday, 'MM-DD') = t.md
        where m.merchant_id = ${m} and m.status = 'active' and m.birthday is not null`;
    case 'anniversary':
      return sql`
        select m.id as member_id, t.year::text as occurrence, ${dueOn(sql`t.occ`, delay, zone)} as due_at
        from member m join ${celebratedDays(days, 0)}
          on to_char(m.registered_at at time zone ${zone}, 'MM-DD') = t.md
          and extract(year from m.registered_at at time zone ${zone}) < t.year
        where m.merchant_id = ${m} and m.status = 'active'`;
    case 'holiday':
      return sql`
        select m.id as member_id, h.date::text as occurrence, ${dueOn(sql`h.date`, delay, zone)} as due_at
        from holiday h join member m on m.merchant_id = ${m} and m.status = 'active'
          and m.registered_at < (h.date + 1)::timestamp at time zone ${zone}
        where h.merchant_id = ${m} and h.date between ${days.from}::date and ${days.to}::date`;
    case 'points_expiring':
      return expiringLots(ctx, zone, days, lead, delay);
    default:
      return lapses(ctx, zone, days, a.trigger_params.days ?? 30, delay);
  }
}

/** Members with points expiring `lead` days after an occurrence day; key = the expiry date. */
function expiringLots(ctx: Ctx, zone: string, days: Days, lead: number, delay: number) {
  const m = ctx.merchantId;
  const start = (d: string) => sql`${d}::timestamp at time zone ${zone}`;
  return sql`
    select x.member_id, x.expires_on::text as occurrence,
      ${dueOn(sql`x.expires_on - ${lead}::int`, delay, zone)} as due_at
    from (
      select l.member_id, (l.expires_at at time zone ${zone})::date as expires_on
      from points_lot l
      where l.merchant_id = ${m} and l.remaining > 0 and l.expires_at is not null
        and l.expires_at >= ${start(addDays(days.from, lead))}
        and l.expires_at < ${start(addDays(days.to, lead + 1))}
      group by 1, 2
    ) x
    join member m on m.merchant_id = ${m} and m.id = x.member_id and m.status = 'active'` as Occurrences;
}

/** Members whose last purchase is `n` days before an occurrence day; key = that last day. */
function lapses(ctx: Ctx, zone: string, days: Days, n: number, delay: number) {
  const m = ctx.merchantId;
  const start = (d: string) => sql`${d}::timestamp at time zone ${zone}`;
  return sql`
    select x.member_id, x.last_on::text as occurrence,
      ${dueOn(sql`x.last_on + ${n}::int`, delay, zone)} as due_at
    from (
      select f.member_id, (f.last_order_at at time zone ${zone})::date as last_on
      from member_fact f
      where f.merchant_id = ${m}
        and f.last_order_at >= ${start(addDays(days.from, -n))}
        and f.last_order_at < ${start(addDays(days.to, 1 - n))}
    ) x
    join member m on m.merchant_id = ${m} and m.id = x.member_id and m.status = 'active'` as Occurrences;
}

/**
 * Event triggers: a fact row at instant t (registration, lifecycle change, tier change,
 * recharge) fires at t + delay_days (local), once it is due; key = 'registered' or the row id.
 */
function eventOccurrences(ctx: Ctx, a: AutomationRow, zone: string): Occurrences {
  const m = ctx.merchantId;
  const lookback = new Date(ctx.now.getTime() - (a.delay_days + CATCH_UP_DAYS) * 86_400_000);
  const since = a.activated_at > lookback ? a.activated_at : lookback;
  const dueAfter = (t: RawBuilder<unknown>) =>
    sql`(${t} at time zone ${zone} + make_interval(days => ${a.delay_days}::int)) at time zone ${zone}`;
  const window = (t: RawBuilder<unknown>) =>
    sql`${t} >= ${since} and ${t} <= ${ctx.now} and ${dueAfter(t)} <= ${ctx.now}`;
  const active = (ref: RawBuilder<unknown>) =>
    sql`join member m on m.merchant_id = ${m} and m.id = ${ref} and m.status = 'active'`;
  const p = a.trigger_params;
  switch (a.trigger_kind) {
    case 'registered':
      return sql`
        select m.id as member_id, 'registered' as occurrence, ${dueAfter(sql`m.registered_at`)} as due_at
        from member m
        where m.merchant_id = ${m} and m.status = 'active' and ${window(sql`m.registered_at`)}`;
    case 'dormant':
    case 'churned':
      return sql`
        select c.member_id, c.id::text as occurrence, ${dueAfter(sql`c.changed_at`)} as due_at
        from member_lifecycle_change c ${active(sql`c.member_id`)}
        where c.merchant_id = ${m} and c.to_stage = ${a.trigger_kind}
          and ${window(sql`c.changed_at`)}`;
    case 'tier_changed':
      return sql`
        select h.member_id, h.id::text as occurrence, ${dueAfter(sql`h.created_at`)} as due_at
        from tier_history h ${active(sql`h.member_id`)}
        where h.merchant_id = ${m} and h.to_tier_id is not null
          and (${p.to_tier_id ?? null}::uuid is null or h.to_tier_id = ${p.to_tier_id ?? null}::uuid)
          and ${window(sql`h.created_at`)}`;
    default:
      return sql`
        select r.member_id, r.id::text as occurrence, ${dueAfter(sql`r.created_at`)} as due_at
        from recharge r ${active(sql`r.member_id`)}
        where r.merchant_id = ${m} and r.status = 'completed' and r.price_fen >= ${p.min_fen ?? 0}
          and ${window(sql`r.created_at`)}`;
  }
}
