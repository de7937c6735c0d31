import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { Tier } from '../../wire-types.ts';
import { discountText, errorText, times } from './loyalty-format.tsx';
import { useTierSetting, useTiers } from './loyalty-queries.ts';
import { TierFormModal } from './TierFormModal.tsx';
import { TierSettingsCard } from './TierSettingsCard.tsx';

/** Tiers (会员等级): thresholds, discount, multipliers and service rights; the basis above them. */
export default function TiersPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { tiers, isLoading } = useTiers();
  const setting = useTierSetting();
  const spend = setting.data?.basis === 'spend';
  const [editing, setEditing] = useState<Tier | 'new' | null>(null);
  const queryClient = useQueryClient();
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/tiers/${id}`),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['tiers'] }),
    onError: (error) => void message.error(errorText(error, t)),
  });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('tiers.title')}
          </Typography.Title>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
            {t('tiers.new')}
          </Button>
        </Flex>
        <Table<Tier>
          rowKey="id"
          loading={isLoading}
          dataSource={tiers}
          pagination={false}
          data-testid="tiers-table"
          columns={[
            { title: t('tiers.name'), dataIndex: 'name' },
            {
              title: spend ? t('tiers.thresholdSpend') : t('tiers.thresholdGrowth'),
              dataIndex: 'threshold',
              align: 'right',
              render: (n: number) => (spend ? yuan(n) : n.toLocaleString()),
            },
            {
              title: t('tiers.discount'),
              dataIndex: 'discount_bp',
              render: (bp: number) => discountText(bp, t),
            },
            {
              title: t('tiers.pointsMultiplier'),
              dataIndex: 'points_multiplier_bp',
              render: times,
            },
            {
              title: t('tiers.birthdayMultiplier'),
              dataIndex: 'birthday_multiplier_bp',
              render: times,
            },
            {
              title: t('tiers.rights'),
              dataIndex: 'rights',
              render: (rights: Tier['rights']) =>
                rights.map((r) => (
                  <Tag key={r.code}>
                    {t('tiers.rightUses', { name: r.name, count: r.monthly_uses })}
                  </Tag>
                )),
            },
            {
              title: t('common.actions'),
              key: 'actions',
              render: (_: unknown, tier) => (
                <Space>
                  <Button size="small" onClick={() => setEditing(tier)}>
                    {t('common.edit')}
                  </Button>
                  <Popconfirm
                    title={t('tiers.deleteConfirm')}
                    onConfirm={() => remove.mutate(tier.id)}
                  >
                    <Button size="small" danger>
                      {t('common.delete')}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      </Card>
      <TierSettingsCard />
      <TierFormModal editing={editing} spend={spend} onClose={() => setEditing(null)} />
    </Space>
  );
}
