import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Switch, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { MembershipPlan } from '../../wire-types.ts';
import { packText } from './CouponPackFields.tsx';
import { discountText, errorText } from './loyalty-format.tsx';
import { useMembershipPlans, useTiers } from './loyalty-queries.ts';
import { MembershipPlanFormModal } from './MembershipPlanFormModal.tsx';

/** Paid membership plans (付费会员): annual fee, benefits, refund rule; sold at the till. */
export default function MembershipPlansPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const plans = useMembershipPlans();
  const { tierName } = useTiers();
  const [creating, setCreating] = useState(false);
  const queryClient = useQueryClient();
  const toggle = useMutation({
    mutationFn: (plan: MembershipPlan) =>
      api.patch<MembershipPlan>(`/membership/plans/${plan.id}`, { active: !plan.active }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['membership-plans'] }),
    onError: (error) => void message.error(errorText(error, t)),
  });

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('paidPlans.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('paidPlans.new')}
        </Button>
      </Flex>
      <Table<MembershipPlan>
        rowKey="id"
        loading={plans.isLoading}
        dataSource={plans.data ?? []}
        pagination={false}
        columns={[
          { title: t('paidPlans.name'), dataIndex: 'name' },
          { title: t('paidPlans.price'), dataIndex: 'price_fen', align: 'right', render: yuan },
          {
            title: t('paidPlans.duration'),
            dataIndex: 'duration_months',
            render: (n: number) => t('paidPlans.months', { count: n }),
          },
          { title: t('paidPlans.tier'), dataIndex: 'tier_id', render: tierName },
          {
            title: t('paidPlans.extraDiscount'),
            dataIndex: 'extra_discount_bp',
            render: (bp: number) => discountText(bp, t),
          },
          {
            title: t('paidPlans.monthlyCoupons'),
            dataIndex: 'monthly_coupons',
            render: (c: MembershipPlan['monthly_coupons']) => (c.length ? packText(c) : '—'),
          },
          { title: t('paidPlans.refund'), dataIndex: 'refund_policy', ellipsis: true, width: 220 },
          {
            title: t('paidPlans.active'),
            key: 'active',
            render: (_: unknown, p) => (
              <Switch size="small" checked={p.active} onChange={() => toggle.mutate(p)} />
            ),
          },
        ]}
      />
      <MembershipPlanFormModal open={creating} onClose={() => setCreating(false)} />
    </Card>
  );
}
