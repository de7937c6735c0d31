import { Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime, yuan } from '../../format.ts';
import type { PaidMembership, TierChange } from '../../wire-types.ts';
import { localDate } from '../loyalty/loyalty-format.tsx';
import { useTiers } from '../loyalty/loyalty-queries.ts';
import { useMembershipStatus, useMemberTier } from '../wallet/wallet-queries.ts';

const STATUS_COLORS = { paid: 'green', expired: 'default', refunded: 'red' } as const;

/** Tier changes over time (upgrade at once, downgrade at review) and paid membership periods. */
export function TierHistoryTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const { tierName } = useTiers();
  const status = useMemberTier(memberId);
  const membership = useMembershipStatus(memberId);
  const spend = status.data?.basis === 'spend';
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Table<TierChange>
        rowKey="id"
        size="small"
        loading={status.isLoading}
        dataSource={status.data?.history ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="tier-history"
        columns={[
          { title: t('member.time'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('tierHistory.change'),
            key: 'change',
            render: (_: unknown, c) => `${tierName(c.from_tier_id)} → ${tierName(c.to_tier_id)}`,
          },
          {
            title: t('tierHistory.reason'),
            dataIndex: 'reason',
            render: (r: string) => t(`tierHistory.reasons.${r}`, { defaultValue: r }),
          },
          {
            title: t('tierHistory.cause'),
            key: 'cause',
            render: (_: unknown, c) =>
              c.ref_type && c.ref_id
                ? t(`tierHistory.causes.${c.ref_type}`, {
                    id: shortRef(c.ref_id),
                    defaultValue: `${c.ref_type} ${shortRef(c.ref_id)}`,
                  })
                : '—',
          },
          {
            title: t('tierHistory.value'),
            dataIndex: 'qualifying_value',
            align: 'right',
            render: (n: number) => (spend ? yuan(n) : n),
          },
        ]}
      />
      <Typography.Text strong>{t('tierHistory.paidPeriods')}</Typography.Text>
      <Table<PaidMembership>
        rowKey="id"
        size="small"
        loading={membership.isLoading}
        dataSource={membership.data?.periods ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        columns={[
          {
            title: t('tierHistory.period'),
            key: 'period',
            render: (_: unknown, p) => `${localDate(p.starts_at)} ~ ${localDate(p.expires_at)}`,
          },
          {
            title: t('tierHistory.kind'),
            dataIndex: 'kind',
            render: (k: PaidMembership['kind']) => t(`paidPlans.kinds.${k}`),
          },
          { title: t('paidPlans.price'), dataIndex: 'price_fen', align: 'right', render: yuan },
          {
            title: t('member.status'),
            dataIndex: 'status',
            render: (s: PaidMembership['status']) => (
              <Tag color={STATUS_COLORS[s]}>{t(`tierHistory.status.${s}`)}</Tag>
            ),
          },
          { title: t('paidPlans.refund'), dataIndex: 'refund_policy', ellipsis: true },
        ]}
      />
    </Space>
  );
}

/** An order id is shown by its first 8 characters; a POS's own order_ref as it is. */
const shortRef = (ref: string) => (ref.length === 36 ? ref.slice(0, 8) : ref);
