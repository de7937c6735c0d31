import type { TFunction } from 'i18next';
import { yuan } from '../../format.ts';

export type CouponKind =
  | 'threshold_off'
  | 'cash_voucher'
  | 'percent_off'
  | 'free_item'
  | 'count_card';

export type Benefit =
  | { kind: 'threshold_off'; threshold_fen: number; off_fen: number }
  | { kind: 'cash_voucher'; value_fen: number }
  | { kind: 'percent_off'; discount_bp: number; cap_fen: number | null; threshold_fen: number }
  | { kind: 'free_item'; items: object; max_value_fen: number | null }
  | { kind: 'count_card'; items: object; uses: number };

/** 折 as entered in zh-CN → the part taken off: 9折 = 1000 bp, 8.5折 = 1500 bp. */
export const zheToBp = (zhe: number): number => Math.round((10 - zhe) * 1000);
export const bpToZhe = (bp: number): string => String((10_000 - bp) / 1000);

export const fen = (yuanAmount: number): number => Math.round(yuanAmount * 100);

export function describeBenefit(b: Benefit, t: TFunction): string {
  switch (b.kind) {
    case 'threshold_off':
      return `满${yuan(b.threshold_fen)}减${yuan(b.off_fen)}`;
    case 'cash_voucher':
      return yuan(b.value_fen);
    case 'percent_off':
      return `${bpToZhe(b.discount_bp)}折${b.cap_fen ? ` ≤${yuan(b.cap_fen)}` : ''}`;
    case 'free_item':
      return t('coupons.kinds.free_item');
    case 'count_card':
      return `${b.uses} ×`;
  }
}
