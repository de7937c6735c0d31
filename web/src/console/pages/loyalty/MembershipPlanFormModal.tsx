import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, InputNumber, Modal, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { MembershipPlan } from '../../wire-types.ts';
import { type CouponLineForm, CouponPackFields, packToBody } from './CouponPackFields.tsx';
import {
  DiscountInput,
  errorText,
  showLoyaltyFieldError,
  toFen,
  YuanInput,
} from './loyalty-format.tsx';
import { useTiers } from './loyalty-queries.ts';

const FIELDS = [
  'name',
  'price_fen',
  'duration_months',
  'tier_id',
  'extra_discount_bp',
  'monthly_coupons',
  'refund_full_within_days',
];

interface PlanForm {
  name: string;
  price_fen: number;
  duration_months: number;
  tier_id?: string | null;
  extra_discount_bp?: number | null;
  monthly_coupons?: CouponLineForm[];
  refund_full_within_days?: number | null;
}

const toBody = (v: PlanForm) => ({
  name: v.name,
  price_fen: toFen(v.price_fen),
  duration_months: v.duration_months,
  tier_id: v.tier_id ?? null,
  extra_discount_bp: v.extra_discount_bp ?? 0,
  monthly_coupons: packToBody(v.monthly_coupons),
  refund_full_within_days: v.refund_full_within_days ?? 0,
});

/** A paid membership plan (付费会员): fee, months, benefits, refund rule; fixed once created. */
export function MembershipPlanFormModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PlanForm>();
  const { tiers } = useTiers();
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: PlanForm) => api.post<MembershipPlan>('/membership/plans', toBody(v)),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['membership-plans'] });
      form.resetFields();
      props.onClose();
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Modal
      title={t('paidPlans.new')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      width={680}
      forceRender
    >
      <Typography.Paragraph type="secondary">{t('paidPlans.immutable')}</Typography.Paragraph>
      <Form<PlanForm>
        form={form}
        layout="vertical"
        initialValues={{ duration_months: 12, refund_full_within_days: 7 }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="name" label={t('paidPlans.name')} rules={[{ required: true }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Space size={16} align="start">
          <Form.Item name="price_fen" label={t('paidPlans.price')} rules={[{ required: true }]}>
            <YuanInput min={0.01} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name="duration_months"
            label={t('paidPlans.duration')}
            rules={[{ required: true }]}
          >
            <InputNumber min={1} max={120} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item
            name="refund_full_within_days"
            label={t('paidPlans.refundDays')}
            extra={t('paidPlans.refundDaysHint')}
          >
            <InputNumber min={0} max={366} precision={0} style={{ width: 160 }} />
          </Form.Item>
        </Space>
        <Space size={16} align="start">
          <Form.Item name="tier_id" label={t('paidPlans.tier')} extra={t('paidPlans.tierHint')}>
            <Select
              allowClear
              style={{ width: 220 }}
              options={tiers.map((tier) => ({ value: tier.id, label: tier.name }))}
            />
          </Form.Item>
          <Form.Item
            name="extra_discount_bp"
            label={t('paidPlans.extraDiscount')}
            extra={t('paidPlans.extraDiscountHint')}
          >
            <DiscountInput />
          </Form.Item>
        </Space>
        <Form.Item label={t('paidPlans.monthlyCoupons')} extra={t('paidPlans.monthlyCouponsHint')}>
          <CouponPackFields name="monthly_coupons" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
