import { type FormInstance, InputNumber, type InputNumberProps } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../api.ts';
import { formatTime, yuan } from '../../format.ts';

/**
 * Forms on the loyalty pages name their fields as the API does (`price_fen`, `discount_bp`)
 * so that a server error lands on the right field, but show people's units: yuan, percent,
 * "1.5×". These convert between the two, with the rounding named.
 */
export const toFen = (yuanValue: number | null | undefined): number =>
  Math.round((yuanValue ?? 0) * 100);
export const toFenOrNull = (yuanValue: number | null | undefined): number | null =>
  yuanValue === null || yuanValue === undefined ? null : toFen(yuanValue);
export const fenToYuan = (fen: number | null | undefined): number | null =>
  fen === null || fen === undefined ? null : fen / 100;

/** 1.5 → 15000 basis points */
export const timesToBp = (times: number | null | undefined): number =>
  Math.round((times ?? 1) * 10_000);

export const times = (bp: number): string => `${Number((bp / 10_000).toFixed(4))}×`;

/** discount_bp is the part taken off: 500 → "9.5折" in Chinese, "5% off" in English. */
export function discountText(bp: number, t: TFunction): string {
  if (bp <= 0) return t('tiers.noDiscount');
  return t('tiers.discountValue', {
    zhe: Number(((10_000 - bp) / 1000).toFixed(2)),
    off: Number((bp / 100).toFixed(2)),
  });
}

/** A merchant-zone calendar date of an instant. */
export const localDate = (iso: string | null | undefined): string =>
  iso ? formatTime(iso).slice(0, 10) : '—';

/** The last local day a window ending (exclusively) at `iso` still covers. */
export const lastLocalDay = (iso: string | null): string =>
  iso ? localDate(new Date(Date.parse(iso) - 1).toISOString()) : '—';

/** Today in the merchant's zone, YYYY-MM-DD. */
export const localToday = (): string => localDate(new Date().toISOString());

/** ¥ input in yuan with fen precision; the form field holds yuan. */
export function YuanInput(props: InputNumberProps<number>) {
  return (
    <InputNumber<number> prefix="¥" min={0} precision={2} style={{ width: '100%' }} {...props} />
  );
}

/**
 * A discount as the merchant says it: in Chinese the price paid in 折 (9.5 折 = 5 % off), in
 * English the % off. The form field holds `discount_bp`, the part taken off (500 = 9.5 折).
 */
export function DiscountInput(props: {
  value?: number | null;
  onChange?(bp: number): void;
  id?: string;
}) {
  const { t, i18n } = useTranslation();
  const bp = props.value ?? 0;
  if (i18n.language.startsWith('zh'))
    return (
      <InputNumber<number>
        id={props.id}
        min={0.1}
        max={10}
        step={0.5}
        precision={2}
        suffix="折"
        placeholder={t('tiers.noDiscount')}
        value={bp > 0 ? (10_000 - bp) / 1000 : null}
        // an emptied field or 10 折 is no discount
        onChange={(zhe) => props.onChange?.(zhe ? Math.round((10 - zhe) * 1000) : 0)}
        style={{ width: 160 }}
        data-testid="discount-input"
      />
    );
  return (
    <InputNumber<number>
      id={props.id}
      min={0}
      max={100}
      step={0.5}
      precision={2}
      suffix="% off"
      value={bp / 100}
      onChange={(off) => props.onChange?.(Math.round((off ?? 0) * 100))}
      style={{ width: 160 }}
      data-testid="discount-input"
    />
  );
}

/** The server's message plus what its params tell the person (amount available, tries left…). */
export function errorText(error: unknown, t: TFunction): string {
  if (!(error instanceof ApiError)) return error instanceof Error ? error.message : String(error);
  const p = error.params ?? {};
  const extra: string[] = [];
  if (typeof p.available_fen === 'number')
    extra.push(t('loyaltyError.availableFen', { amount: yuan(p.available_fen) }));
  if (typeof p.available === 'number')
    extra.push(t('loyaltyError.availablePoints', { points: p.available }));
  if (typeof p.tries_left === 'number')
    extra.push(t('loyaltyError.triesLeft', { count: p.tries_left }));
  if (typeof p.locked_until === 'string')
    extra.push(t('loyaltyError.lockedUntil', { time: formatTime(p.locked_until) }));
  if (typeof p.ceiling === 'number') extra.push(t('loyaltyError.ceiling', { points: p.ceiling }));
  if (typeof p.sum_fen === 'number' && typeof p.bonus_fen === 'number')
    extra.push(t('loyaltyError.sum', { sum: yuan(p.sum_fen), bonus: yuan(p.bonus_fen) }));
  if (typeof p.expected_fen === 'number' && typeof p.tendered_fen === 'number')
    extra.push(
      t('loyaltyError.tendered', { expected: yuan(p.expected_fen), paid: yuan(p.tendered_fen) }),
    );
  if (typeof p.threshold_fen === 'number')
    extra.push(t('loyaltyError.threshold', { amount: yuan(p.threshold_fen) }));
  return [error.message, ...extra].join(t('loyaltyError.separator'));
}

/**
 * Puts the server's error on the field it names; list items arrive as `coupon_pack.0.name`
 * and antd names them `['coupon_pack', 0, 'name']`. False when no field of this form matches.
 */
export function showLoyaltyFieldError(
  form: FormInstance,
  error: unknown,
  fields: string[],
  t: TFunction,
): boolean {
  if (!(error instanceof ApiError) || !error.field) return false;
  const name = error.field.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  if (!fields.includes(String(name[0]))) return false;
  form.setFields([{ name, errors: [errorText(error, t)] }]);
  form.scrollToField(name);
  return true;
}
