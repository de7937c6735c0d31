import { Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../format.ts';
import type { BonusPart, PartState } from '../../wire-types.ts';
import { lastLocalDay, localDate } from '../loyalty/loyalty-format.tsx';

const COLORS: Record<PartState, string> = {
  pending: 'blue',
  spendable: 'green',
  used_up: 'default',
  expired: 'orange',
  forfeited: 'red',
};

/**
 * Bonus parts (赠送金分期): each part's amount, the month it may be spent in (merchant zone,
 * S9: usable only within its month), what is left and its state.
 */
export function BonusPartsTable({ parts, testId }: { parts: BonusPart[]; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Table<BonusPart>
      rowKey="id"
      size="small"
      dataSource={parts}
      pagination={{ pageSize: 12, hideOnSinglePage: true }}
      data-testid={testId ?? 'bonus-parts'}
      columns={[
        {
          title: t('wallet.part'),
          dataIndex: 'seq',
          width: 90,
          render: (seq: number) => t('wallet.partNo', { n: seq + 1 }),
        },
        { title: t('wallet.amount'), dataIndex: 'amount_fen', align: 'right', render: yuan },
        {
          title: t('wallet.month'),
          key: 'month',
          render: (_: unknown, p) =>
            p.expires_at ? localDate(p.available_from).slice(0, 7) : t('wallet.noExpiry'),
        },
        {
          title: t('wallet.window'),
          key: 'window',
          render: (_: unknown, p) =>
            `${localDate(p.available_from)} ~ ${p.expires_at ? lastLocalDay(p.expires_at) : t('wallet.noExpiry')}`,
        },
        { title: t('wallet.remaining'), dataIndex: 'remaining_fen', align: 'right', render: yuan },
        {
          title: t('wallet.state'),
          dataIndex: 'state',
          render: (s: PartState) => <Tag color={COLORS[s]}>{t(`partState.${s}`)}</Tag>,
        },
      ]}
    />
  );
}
