import { PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Reward } from '../../wire-types.ts';
import { useRewards } from './loyalty-queries.ts';
import { RewardFormModal } from './RewardFormModal.tsx';

/** The points mall catalogue (积分商城): what members can take for their points. */
export default function MallPage() {
  const { t } = useTranslation();
  const rewards = useRewards();
  const [editing, setEditing] = useState<Reward | 'new' | null>(null);
  const dash = (v: number | string | null) => (v === null ? '—' : v);

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('mall.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('mall.new')}
        </Button>
      </Flex>
      <Table<Reward>
        rowKey="id"
        loading={rewards.isLoading}
        dataSource={rewards.data ?? []}
        pagination={false}
        data-testid="rewards-table"
        columns={[
          { title: t('mall.name'), dataIndex: 'name' },
          { title: t('mall.kind'), dataIndex: 'kind', render: (k: string) => t(`mall.kinds.${k}`) },
          {
            title: t('mall.pointsPrice'),
            dataIndex: 'points_price',
            align: 'right',
            render: (n: number) => n.toLocaleString(),
          },
          {
            title: t('mall.stock'),
            dataIndex: 'stock',
            align: 'right',
            render: (n: number | null) => (n === null ? t('mall.unlimited') : n),
          },
          { title: t('mall.perMemberLimit'), dataIndex: 'per_member_limit', render: dash },
          {
            title: t('mall.dates'),
            key: 'dates',
            render: (_: unknown, r) =>
              r.starts_on || r.ends_on ? `${dash(r.starts_on)} ~ ${dash(r.ends_on)}` : '—',
          },
          {
            title: t('mall.active'),
            dataIndex: 'active',
            render: (a: boolean) => (
              <Tag color={a ? 'green' : 'default'}>{a ? t('mall.onSale') : t('mall.offSale')}</Tag>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, r) => (
              <Button size="small" onClick={() => setEditing(r)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <RewardFormModal editing={editing} onClose={() => setEditing(null)} />
    </Card>
  );
}
