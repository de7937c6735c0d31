import { Temporal } from 'temporal-polyfill';
import type { ErrorCode } from '../../lib/error-codes.ts';
import type { Locale } from '../../lib/errors.ts';
import { normalizePhone } from '../../lib/phone.ts';
import type { ImportDuplicate, ImportTarget } from './import.table.ts';
import type { mappedColumns } from './import-mapping.rules.ts';

/** Digits and separators only: `¥1,234.50` → `1234.50`. */
const cleanNumber = (raw: string) => raw.replace(/^[¥￥]/, '').replace(/[,，\s]/g, '');

/** Yuan with at most 2 decimals → integer fen, by string arithmetic (no float rounding). */
export function parseFen(raw: string): number | null | 'invalid' {
  const text = cleanNumber(raw);
  if (text === '') return null;
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return 'invalid';
  const decimals = match[2] ?? '';
  // Excel may write 12.3 as "12.300"; zeros past the fen are fine, anything else is not exact
  if (decimals.length > 2 && !/^0+$/.test(decimals.slice(2))) return 'invalid';
  const fen = Number(match[1]) * 100 + Number(decimals.slice(0, 2).padEnd(2, '0'));
  return fen <= MAX_AMOUNT ? fen : 'invalid';
}

/** 100 million yuan or points per row: a sum over a whole file still fits a safe integer. */
const MAX_AMOUNT = 10_000_000_000;

export function parsePoints(raw: string): number | null | 'invalid' {
  const text = cleanNumber(raw);
  if (text === '') return null;
  if (!/^\d+(\.0+)?$/.test(text)) return 'invalid';
  const points = Number(text);
  return points <= MAX_AMOUNT ? points : 'invalid';
}

const GENDERS: Record<string, 'male' | 'female' | null> = {
  男: 'male',
  男性: 'male',
  先生: 'male',
  m: 'male',
  male: 'male',
  女: 'female',
  女性: 'female',
  女士: 'female',
  f: 'female',
  female: 'female',
  '': null,
  未知: null,
  保密: null,
  unknown: null,
};

export function parseGender(raw: string): 'male' | 'female' | null | 'invalid' {
  const value = GENDERS[raw.trim().toLowerCase()];
  return value === undefined ? 'invalid' : value;
}

/**
 * A wall-clock time as it reads, fields checked. Dates are plain arithmetic on the hot path: a
 * Temporal object per cell made the dry run of a million rows take minutes.
 */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const DAY_MS = 86_400_000;
const pad2 = (n: number) => String(n).padStart(2, '0');
export const wallDate = (w: WallClock) =>
  `${String(w.year).padStart(4, '0')}-${pad2(w.month)}-${pad2(w.day)}`;

function wallClock(year: number, month: number, day: number, hour = 0, minute = 0, second = 0) {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  if (!days || day < 1 || day > days || hour > 23 || minute > 59 || second > 59) return undefined;
  return { year, month, day, hour, minute, second };
}

/**
 * An Excel serial day (1900 system) → wall clock. Serial 60 is Excel's phantom 1900-02-29;
 * from 61 on, day 0 is 1899-12-30. The fraction is the time of day, rounded to the second.
 */
export function excelSerialToWallClock(serial: number): WallClock | undefined {
  const day = Math.floor(serial);
  if (day < 1 || day === 60 || day > 2_958_465) return undefined;
  const base = Date.UTC(1899, 11, day < 60 ? 31 : 30);
  const at = new Date(base + day * DAY_MS + Math.round((serial - day) * 86_400) * 1000);
  return {
    year: at.getUTCFullYear(),
    month: at.getUTCMonth() + 1,
    day: at.getUTCDate(),
    hour: at.getUTCHours(),
    minute: at.getUTCMinutes(),
    second: at.getUTCSeconds(),
  };
}

const DATE_PATTERN =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/;

/** A wall-clock date and time from the formats legacy exports use; undefined if none fits. */
export function parseWallClock(raw: string): WallClock | undefined {
  const text = raw.trim();
  if (/^\d{8}$/.test(text))
    return wallClock(+text.slice(0, 4), +text.slice(4, 6), +text.slice(6, 8));
  // five digits: serials from 1927 on; a bare year such as "1990" is not a date
  if (/^\d{5}(\.\d+)?$/.test(text)) return excelSerialToWallClock(Number(text));
  const m = DATE_PATTERN.exec(text);
  if (!m) return undefined;
  return wallClock(+m[1]!, +m[2]!, +m[3]!, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
}

/** A birthday: a calendar date from 1900 up to today in the merchant's zone. */
export function parseBirthday(raw: string, today: string): string | null | 'invalid' {
  if (raw.trim() === '') return null;
  const wall = parseWallClock(raw);
  if (!wall || wall.year < 1900) return 'invalid';
  const date = wallDate(wall);
  return date <= today ? date : 'invalid';
}

/**
 * The zone's UTC offset for one local hour, from Temporal once and then from a cache: a file
 * holds far fewer distinct hours than rows. Ambiguous local times take the earlier instant.
 */
const offsets = new Map<string, number>();
function zoneOffsetMs(zone: string, w: WallClock): number {
  const key = `${zone} ${wallDate(w)} ${w.hour}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const zoned = Temporal.PlainDateTime.from({
      year: w.year,
      month: w.month,
      day: w.day,
      hour: w.hour,
    }).toZonedDateTime(zone, { disambiguation: 'earlier' });
    offset = zoned.offsetNanoseconds / 1e6;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** A registration instant: an ISO instant, or a wall clock read in the merchant's zone. */
export function parseRegisteredAt(raw: string, zone: string, now: Date): Date | null | 'invalid' {
  const text = raw.trim();
  if (text === '') return null;
  let epochMs: number | undefined;
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(text) && text.includes('T')) {
    try {
      epochMs = Temporal.Instant.from(text).epochMilliseconds;
    } catch {}
  } else {
    const w = parseWallClock(text);
    if (w && w.year >= 1900)
      epochMs =
        Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - zoneOffsetMs(zone, w);
  }
  if (epochMs === undefined || epochMs > now.getTime()) return 'invalid';
  return new Date(epochMs);
}

export function parseCard(raw: string): string | null | 'invalid' {
  const card = raw.replace(/\s/g, '');
  if (card === '') return null;
  return /^[0-9A-Za-z-]{1,32}$/.test(card) ? card : 'invalid';
}

/** One valid row, as staged for the commit. */
export interface StagedRow {
  line: number;
  phone: string;
  name: string | null;
  gender: 'male' | 'female' | null;
  birthday: string | null;
  card_no: string | null;
  principal_fen: number;
  bonus_fen: number;
  points: number;
  tier: string | null;
  store_id: string | null;
  registered_at: Date | null;
}

export interface RowError {
  column: string;
  code: ErrorCode;
}

export interface RowEnv {
  allowForeignPhone: boolean;
  zone: string;
  today: string;
  now: Date;
  /** store name or lower-cased code → store id */
  stores: ReadonlyMap<string, string>;
}

export type Columns = ReturnType<typeof mappedColumns>;

/**
 * Reads the mapped cells of one row: `cell` gives a cell as written (trimmed), `check` parses
 * it and names the column in `errors` when it does not parse. A column not mapped is null.
 */
export function cellReader(values: readonly string[], columns: Columns) {
  const errors: RowError[] = [];
  const cell = (target: ImportTarget) => {
    const column = columns.get(target);
    return column ? { raw: (values[column.index] ?? '').trim(), header: column.header } : undefined;
  };
  const check = <T>(
    target: ImportTarget,
    parse: (raw: string) => T | 'invalid',
    code: ErrorCode,
  ): T | null => {
    const c = cell(target);
    if (!c) return null;
    const value = parse(c.raw);
    if (value === 'invalid') {
      errors.push({ column: c.header, code });
      return null;
    }
    return value;
  };
  return { errors, cell, check };
}

/** Validates one data row: every bad cell is named, or the row comes back parsed. */
export function validateRow(
  line: number,
  values: readonly string[],
  columns: Columns,
  env: RowEnv,
): { row: StagedRow; errors: [] } | { row: undefined; errors: RowError[] } {
  const { errors, cell, check } = cellReader(values, columns);
  const phoneCell = cell('phone');
  let phone: string | undefined;
  if (!phoneCell || phoneCell.raw === '')
    errors.push({ column: phoneCell?.header ?? 'phone', code: 'import.phone_missing' });
  else {
    phone = normalizePhone(phoneCell.raw, env.allowForeignPhone);
    if (!phone) errors.push({ column: phoneCell.header, code: 'import.phone_invalid' });
  }
  const text = (max: number) => (raw: string) =>
    raw === '' ? null : raw.length <= max ? raw : 'invalid';
  const store = (raw: string) =>
    raw === '' ? null : (env.stores.get(raw) ?? env.stores.get(raw.toLowerCase()) ?? 'invalid');
  const row = {
    line,
    phone: phone ?? '',
    name: check('name', text(64), 'import.name_invalid'),
    gender: check('gender', parseGender, 'import.gender_invalid'),
    birthday: check('birthday', (r) => parseBirthday(r, env.today), 'import.birthday_invalid'),
    card_no: check('card_no', parseCard, 'import.card_invalid'),
    principal_fen: check('principal', parseFen, 'import.amount_invalid') ?? 0,
    bonus_fen: check('bonus', parseFen, 'import.amount_invalid') ?? 0,
    points: check('points', parsePoints, 'import.points_invalid') ?? 0,
    tier: check('tier', text(64), 'import.tier_invalid'),
    store_id: check('store', store, 'import.store_unknown'),
    registered_at: check(
      'registered_at',
      (r) => parseRegisteredAt(r, env.zone, env.now),
      'import.registered_at_invalid',
    ),
  };
  return errors.length === 0 ? { row, errors: [] } : { row: undefined, errors };
}

/**
 * The merge rule, stated once for the report and the code that applies it:
 * rows with one phone become one member; for profile fields the first non-empty value (by line)
 * wins, the registration time is the earliest; principal, bonus and points are summed so that
 * no value disappears; every card number is linked as a legacy card, the first one becomes the
 * card number when it is free. A phone that is already a member only fills that member's empty
 * fields, and each member receives at most one opening entry per ledger (kind `import`), so
 * importing the same file again changes nothing.
 */
export const MERGE_RULE: Record<Locale, string> = {
  'zh-CN':
    '同一手机号的多行合并为一个会员：资料取首个非空值（注册时间取最早），本金、赠送金和积分相加；所有卡号都作为旧卡号关联，第一个未被占用的卡号作为会员卡号。手机号已是会员时只补全空白资料、不覆盖；每个会员每个账户只入账一次期初（import），重复导入同一文件不会产生任何变化。',
  en: 'Rows with one phone become one member: the first non-empty value wins for profile fields (earliest registration time), principal, bonus and points are summed; every card number is linked as a legacy card and the first free one becomes the card number. A phone that is already a member only fills empty fields, never overwrites; each member gets at most one opening (import) entry per ledger, so importing the same file again changes nothing.',
};

/** The rule applied to one duplicate row, in the reader's language. */
export function duplicateRule(dup: ImportDuplicate, locale: Locale): string {
  const zh = locale !== 'en';
  if (dup.kind === 'in_file') {
    return zh
      ? `与第 ${dup.first_line} 行手机号相同，合并为一个会员：资料取首个非空值，余额与积分相加`
      : `Same phone as line ${dup.first_line}: merged into one member, first non-empty value wins, balances and points summed`;
  }
  const card = dup.card_no ?? '';
  if (dup.opening_imported) {
    return zh
      ? `手机号已是会员（卡号 ${card}）：只补全空白资料；该会员已导入过期初余额/积分，本行金额不再入账`
      : `Phone is already member ${card}: only empty fields are filled; its opening balances were imported before, so amounts here are not posted again`;
  }
  return zh
    ? `手机号已是会员（卡号 ${card}）：只补全空白资料、不覆盖；期初余额和积分只记给本次新建的会员，本行金额不入账`
    : `Phone is already member ${card}: only empty fields are filled, never overwritten; opening balances and points go only to members the import creates, so amounts here are not posted`;
}
