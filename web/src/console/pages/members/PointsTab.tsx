import { Col, Row, Space, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime, signed } from '../../format.ts';
import type { PointsEntry, PointsLot } from '../../wire-types.ts';
import { lastLocalDay } from '../loyalty/loyalty-format.tsx';
import { usePointsStatement } from '../wallet/wallet-queries.ts';

/** The points statement: balance, lots with their expiry (spent soonest-expiring first), entries. */
export function PointsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const statement = usePointsStatement(memberId);
  const s = statement.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="points-tab">
      <Row gutter={16}>
        <Col span={6}>
          <Statistic title={t('pointsTab.balance')} value={s?.balance ?? 0} />
        </Col>
        <Col span={6}>
          <Statistic title={t('pointsTab.available')} value={s?.available ?? 0} />
        </Col>
        <Col span={6}>
          <Statistic title={t('pointsTab.neverExpiring')} value={s?.never_expiring ?? 0} />
        </Col>
      </Row>
      <Typography.Text strong>{t('pointsTab.lots')}</Typography.Text>
      <Table<PointsLot>
        rowKey="id"
        size="small"
        loading={statement.isLoading}
        dataSource={s?.lots ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="points-lots"
        columns={[
          { title: t('pointsTab.earnedAt'), dataIndex: 'created_at', render: formatTime },
          { title: t('pointsTab.amount'), dataIndex: 'amount', align: 'right' },
          { title: t('pointsTab.remaining'), dataIndex: 'remaining', align: 'right' },
          {
            title: t('pointsTab.expiresOn'),
            dataIndex: 'expires_at',
            render: (iso: string | null) => (iso ? lastLocalDay(iso) : t('pointsTab.never')),
          },
        ]}
      />
      <Typography.Text strong>{t('pointsTab.entries')}</Typography.Text>
      <Table<PointsEntry>
        rowKey="id"
        size="small"
        loading={statement.isLoading}
        dataSource={s?.entries ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="points-entries"
        columns={[
          { title: t('member.time'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('member.ledgerKind'),
            dataIndex: 'kind',
            render: (k: string) => t(`ledgerKind.${k}`, { defaultValue: k }),
          },
          {
            title: t('member.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (n: number) => (
              <Typography.Text type={n < 0 ? 'danger' : 'success'}>{signed(n)}</Typography.Text>
            ),
          },
          { title: t('member.balanceAfter'), dataIndex: 'balance_after', align: 'right' },
          { title: t('member.memo'), dataIndex: 'memo', render: (m: string | null) => m ?? '' },
        ]}
      />
    </Space>
  );
}
