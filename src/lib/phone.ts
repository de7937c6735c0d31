/**
 * Phone numbers are stored in one normal form: E.164 (`+8613800138000`).
 * Mainland mobiles are accepted as typed at a till: spaces, dashes, `+86`, `86`, `0086`.
 */
const MAINLAND_MOBILE = /^1[3-9]\d{9}$/;
const E164 = /^\+[1-9]\d{6,14}$/;

export function normalizePhone(input: string, allowForeign: boolean): string | undefined {
  const compact = input.replace(/[\s\-().]/g, '');
  const digits = compact.replace(/^(\+86|0086|86)(?=1\d{10}$)/, '');
  if (MAINLAND_MOBILE.test(digits)) return `+86${digits}`;
  if (!allowForeign) return undefined;
  const international = compact.replace(/^00/, '+');
  if (E164.test(international) && !international.startsWith('+86')) return international;
  return undefined;
}

/** `+8613800138000` → `138****8000`: for roles that must not see whole numbers. */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const local = phone.startsWith('+86') ? phone.slice(3) : phone;
  if (local.length < 7) return '****';
  return `${local.slice(0, 3)}****${local.slice(-4)}`;
}

/** The national form shown in the console (`13800138000`), E.164 for foreign numbers. */
export function displayPhone(phone: string): string {
  return phone.startsWith('+86') ? phone.slice(3) : phone;
}
