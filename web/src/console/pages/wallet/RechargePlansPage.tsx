import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Space, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { RechargePlan } from '../../wire-types.ts';
import { packText } from '../loyalty/CouponPackFields.tsx';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { useRechargePlans } from '../loyalty/loyalty-queries.ts';
import { bonusText } from './plan-text.ts';
import { RechargePlanFormModal } from './RechargePlanFormModal.tsx';
import { WalletSettingsCard } from './WalletSettingsCard.tsx';

/**
 * Recharge plans (充值方案): pay X get Y at once or by the month, gift packs. A plan's numbers
 * never change once sold (the API refuses it): withdraw it and make a new one.
 */
export default function RechargePlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const plans = useRechargePlans();
  const [creating, setCreating] = useState(false);
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (plan: RechargePlan) =>
      api.patch<RechargePlan>(`/recharge-plans/${plan.id}`, { active: !plan.active }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['recharge-plans'] }),
    onError: (error) => void message.error(errorText(error, t)),
  });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card>
        <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {t('rechargePlans.title')}
          </Typography.Title>
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('rechargePlans.new')}
          </Button>
        </Flex>
        <Table<RechargePlan>
          rowKey="id"
          loading={plans.isLoading}
          dataSource={plans.data ?? []}
          pagination={false}
          data-testid="recharge-plans-table"
          columns={[
            { title: t('rechargePlans.name'), dataIndex: 'name' },
            {
              title: t('rechargePlans.price'),
              dataIndex: 'price_fen',
              align: 'right',
              render: yuan,
            },
            {
              title: t('rechargePlans.bonus'),
              key: 'bonus',
              render: (_: unknown, p) => bonusText(p, t),
            },
            {
              title: t('rechargePlans.pack'),
              dataIndex: 'coupon_pack',
              render: (pack: RechargePlan['coupon_pack']) => (pack.length ? packText(pack) : '—'),
            },
            {
              title: t('rechargePlans.giftValue'),
              dataIndex: 'gift_value_fen',
              align: 'right',
              render: yuan,
            },
            {
              title: t('rechargePlans.refund'),
              dataIndex: 'refund_policy',
              ellipsis: true,
              width: 220,
            },
            {
              title: t('rechargePlans.active'),
              key: 'active',
              render: (_: unknown, p) => (
                <Switch
                  size="small"
                  checked={p.active}
                  loading={toggle.isPending && toggle.variables?.id === p.id}
                  onChange={() => toggle.mutate(p)}
                />
              ),
            },
          ]}
        />
      </Card>
      <WalletSettingsCard />
      <RechargePlanFormModal open={creating} onClose={() => setCreating(false)} />
    </Space>
  );
}
