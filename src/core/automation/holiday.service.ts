import type { Db, Trx } from '../../db/database.ts';
import { DomainError } from '../../lib/errors.ts';
import { newId } from '../../lib/ids.ts';
import { pickDefined } from '../../lib/patch.ts';
import type { Ctx } from '../context.ts';
import { lockOwnRow } from '../tenant-row.ts';
import type { HolidayBody, HolidayPatch } from './automation.schema.ts';
import type { HolidayRow } from './automation.table.ts';

/**
 * The Chinese public holidays as a suggestion for a merchant's calendar: one day per holiday
 * (the festival day, or the first day of 元旦, 劳动节 and 国庆), so a holiday automation fires
 * once per holiday, not on every day of the break. The State Council announces the breaks each
 * year; the merchant edits the calendar.
 */
export const CHINESE_HOLIDAYS: Record<number, readonly [string, string][]> = {
  2026: [
    ['2026-01-01', '元旦'],
    ['2026-02-17', '春节'],
    ['2026-04-05', '清明节'],
    ['2026-05-01', '劳动节'],
    ['2026-06-19', '端午节'],
    ['2026-09-25', '中秋节'],
    ['2026-10-01', '国庆节'],
  ],
  2027: [
    ['2027-01-01', '元旦'],
    ['2027-02-06', '春节'],
    ['2027-04-05', '清明节'],
    ['2027-05-01', '劳动节'],
    ['2027-06-09', '端午节'],
    ['2027-09-15', '中秋节'],
    ['2027-10-01', '国庆节'],
  ],
};

/** A calendar change re-plans today's holiday automations (a holiday entered for today). */
async function replanHolidays(trx: Trx, ctx: Ctx) {
  await trx
    .updateTable('automation')
    .set({ planned_on: null })
    .where('merchant_id', '=', ctx.merchantId)
    .where('trigger_kind', '=', 'holiday')
    .execute();
}

export const listHolidays = (db: Db, ctx: Ctx, year?: number): Promise<HolidayRow[]> => {
  let q = db.selectFrom('holiday').selectAll().where('merchant_id', '=', ctx.merchantId);
  if (year) q = q.where('date', '>=', `${year}-01-01`).where('date', '<=', `${year}-12-31`);
  return q.orderBy('date').execute();
};

export async function addHoliday(trx: Trx, ctx: Ctx, body: HolidayBody): Promise<HolidayRow> {
  const row = await trx
    .insertInto('holiday')
    .values({
      merchant_id: ctx.merchantId,
      id: newId(),
      date: body.date,
      name: body.name,
      created_at: ctx.now,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (!row) throw new DomainError('holiday.date_taken', { field: 'date' });
  await replanHolidays(trx, ctx);
  return row;
}

export async function updateHoliday(
  trx: Trx,
  ctx: Ctx,
  id: string,
  patch: HolidayPatch,
): Promise<HolidayRow> {
  await lockOwnRow(trx, ctx, 'holiday', id, 'holiday.not_found');
  if (patch.date) {
    const taken = await trx
      .selectFrom('holiday')
      .select('id')
      .where('merchant_id', '=', ctx.merchantId)
      .where('date', '=', patch.date)
      .where('id', '<>', id)
      .executeTakeFirst();
    if (taken) throw new DomainError('holiday.date_taken', { field: 'date' });
  }
  const row = await trx
    .updateTable('holiday')
    .set(pickDefined(patch, { date: true, name: true }))
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await replanHolidays(trx, ctx);
  return row;
}

export async function deleteHoliday(trx: Trx, ctx: Ctx, id: string): Promise<void> {
  await lockOwnRow(trx, ctx, 'holiday', id, 'holiday.not_found');
  await trx
    .deleteFrom('holiday')
    .where('merchant_id', '=', ctx.merchantId)
    .where('id', '=', id)
    .execute();
}

/** Adds the suggested holidays of `year`; a date already in the calendar is kept as it is. */
export async function seedHolidays(trx: Trx, ctx: Ctx, year: number): Promise<number> {
  const days = CHINESE_HOLIDAYS[year] ?? [];
  if (days.length === 0) return 0;
  const rows = await trx
    .insertInto('holiday')
    .values(
      days.map(([date, name]) => ({
        merchant_id: ctx.merchantId,
        id: newId(),
        date,
        name,
        created_at: ctx.now,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  await replanHolidays(trx, ctx);
  return rows.length;
}
