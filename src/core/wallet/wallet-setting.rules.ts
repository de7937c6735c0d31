import { DomainError } from '../../lib/errors.ts';
import { pickDefined } from '../../lib/patch.ts';
import { MAX_FEN } from './recharge.rules.ts';
import type { SpendingOrder, WalletSettingRow } from './wallet.table.ts';

export type WalletSettingValues = Omit<WalletSettingRow, 'merchant_id' | 'updated_at'>;

/** A merchant without a row: proportional spending, no password threshold, pay-to-join off. */
export const DEFAULT_WALLET_SETTING: WalletSettingValues = {
  spending_order: 'proportional',
  password_threshold_fen: null,
  member_code_as_password: false,
  pay_to_join_min_fen: null,
};

const SPENDING_ORDERS: readonly SpendingOrder[] = [
  'proportional',
  'bonus_first',
  'principal_first',
];

export function mergeWalletSetting(
  current: WalletSettingValues,
  patch: Partial<WalletSettingValues>,
): WalletSettingValues {
  const next = {
    ...current,
    ...pickDefined(patch, {
      spending_order: true,
      password_threshold_fen: true,
      member_code_as_password: true,
      pay_to_join_min_fen: true,
    }),
  };
  if (!SPENDING_ORDERS.includes(next.spending_order))
    throw new DomainError('wallet.setting_invalid', { field: 'spending_order' });
  const fen = (n: number | null, min: number) =>
    n === null || (Number.isSafeInteger(n) && n >= min && n <= MAX_FEN);
  if (!fen(next.password_threshold_fen, 0))
    throw new DomainError('wallet.setting_invalid', { field: 'password_threshold_fen' });
  if (!fen(next.pay_to_join_min_fen, 1))
    throw new DomainError('wallet.setting_invalid', { field: 'pay_to_join_min_fen' });
  return next;
}
