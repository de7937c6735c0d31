import { Temporal } from 'temporal-polyfill';
import type { Db } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { addDays, localDateOf, startOfLocalDay } from '../../lib/time.ts';
import type { Ctx } from '../context.ts';
import { getMerchant } from '../tenancy/merchant.service.ts';
import { getOwnRow } from '../tenant-row.ts';
import type { DashboardPeriod, DashboardQuery, DashboardRange } from './dashboard.schema.ts';

/** The longest period a tile adds up: a year, leap day included. */
export const MAX_RANGE_DAYS = 366;

/** First and last local day of a preset period ending today (weeks start on Monday). */
export function periodDays(period: DashboardPeriod, today: string): { from: string; to: string } {
  const date = Temporal.PlainDate.from(today);
  if (period === 'week') return { from: addDays(today, 1 - date.dayOfWeek), to: today };
  if (period === 'month') return { from: date.with({ day: 1 }).toString(), to: today };
  return { from: today, to: today };
}

/**
 * The store and local days a dashboard tile covers, in the merchant's zone: `from`/`to` as given
 * (both or neither; end before start and more than a year refused), else the preset period
 * (today by default). A store of another merchant is as absent as a missing one.
 */
export async function resolveDashboardRange(
  db: Db,
  ctx: Ctx,
  query: DashboardQuery,
): Promise<DashboardRange> {
  if ((query.from === undefined) !== (query.to === undefined))
    throw new DomainError('report.range_invalid', { field: query.from ? 'to' : 'from' });
  const zone = (await getMerchant(db, ctx)).time_zone;
  if (query.store_id)
    await getOwnRow(db, ctx, 'store', query.store_id, 'store.not_found', 'store_id');
  const { from, to } =
    query.from && query.to
      ? { from: query.from, to: query.to }
      : periodDays(query.period ?? 'today', localDateOf(ctx.now, zone));
  if (to < from) throw new DomainError('report.range_invalid', { field: 'to' });
  const days = Temporal.PlainDate.from(from).until(Temporal.PlainDate.from(to)).days + 1;
  if (days > MAX_RANGE_DAYS)
    throw new DomainError('report.range_too_long', {
      field: 'to',
      params: { max_days: MAX_RANGE_DAYS },
    });
  return {
    from,
    to,
    time_zone: zone,
    starts: startOfLocalDay(from, zone),
    ends: startOfLocalDay(addDays(to, 1), zone),
    store_id: query.store_id ?? null,
  };
}
