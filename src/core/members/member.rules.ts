import { DomainError } from '../../lib/errors.ts';
import { maskPhone } from '../../lib/phone.ts';
import { isValidPastDate } from '../../lib/time.ts';
import type { CustomFieldRow, MemberRow } from './member.table.ts';

type CustomValue = string | number | null;

/** Checks merchant-defined field values against their types; unknown keys are refused. */
export function validateCustomValues(
  fields: readonly CustomFieldRow[],
  values: Record<string, CustomValue>,
): Record<string, CustomValue> {
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const result: Record<string, CustomValue> = {};
  for (const [key, value] of Object.entries(values)) {
    const field = byKey.get(key);
    const path = `custom.${key}`;
    if (!field) throw new DomainError('member.custom_field_invalid', { field: path });
    if (value === null) {
      result[key] = null;
      continue;
    }
    const ok =
      (field.type === 'text' && typeof value === 'string' && value.length <= 500) ||
      (field.type === 'number' && typeof value === 'number' && Number.isFinite(value)) ||
      (field.type === 'date' &&
        typeof value === 'string' &&
        isValidPastDate(value, '9999-12-31')) ||
      (field.type === 'option' && typeof value === 'string' && field.options.includes(value));
    if (!ok)
      throw new DomainError('member.custom_field_invalid', {
        field: path,
        params: { type: field.type },
      });
    result[key] = value;
  }
  return result;
}

const fillableFields = ['name', 'birthday', 'home_store_id', 'referrer_id'] as const;

/**
 * When two records of one person merge, the survivor keeps what it has and takes from the
 * other what it lacks; custom values merge the same way; consent is kept only if both agreed
 * or the survivor did (consent is never widened by a merge).
 */
export function mergedProfile(survivor: MemberRow, merged: MemberRow): Partial<MemberRow> {
  const patch: Partial<MemberRow> = {};
  for (const key of fillableFields) {
    if (survivor[key] === null && merged[key] !== null)
      Object.assign(patch, { [key]: merged[key] });
  }
  if (survivor.gender === 'unknown' && merged.gender !== 'unknown') patch.gender = merged.gender;
  if (survivor.phone === null && merged.phone !== null) patch.phone = merged.phone;
  const custom = { ...merged.custom, ...survivor.custom };
  if (Object.keys(custom).length !== Object.keys(survivor.custom).length) patch.custom = custom;
  if (merged.registered_at < survivor.registered_at) patch.registered_at = merged.registered_at;
  return patch;
}

/** A field that holds a phone number, wherever it sits: `phone`, `merged_phone`, `payer_phone`… */
const PHONE_FIELD = /(^|_)phone$/;

/**
 * A value as a role without `members.pii` may see it: every phone field masked, at any depth
 * (a member, an audit payload, a merge record's `moved`, an idempotent replay). The HTTP layer
 * runs every response through this (see `http/plugins/pii.ts`); masking twice changes nothing.
 */
export function maskPhones<T>(value: T): T {
  if (Array.isArray(value)) return value.map(maskPhones) as T;
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value; // Date, Buffer, streams
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = PHONE_FIELD.test(key) && typeof v === 'string' ? maskPhone(v) : maskPhones(v);
  }
  return out as T;
}

/** The member as a role may see it: whole phone numbers only with `members.pii`. */
export function presentMember<T extends Pick<MemberRow, 'phone'>>(
  member: T,
  canSeePii: boolean,
): T {
  return canSeePii ? member : maskPhones(member);
}
