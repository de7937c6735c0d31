import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Form, InputNumber, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';

export interface ReferralSetting {
  active: boolean;
  bind_on: 'claim' | 'first_payment';
  binding_window_days: number;
  rule: 'fixed_new_member' | 'first_order_percent' | 'orders_percent';
  fixed_fen: number;
  percent_bp: number;
  rule_days: number;
  payout: 'points' | 'ledger' | 'bonus';
  points_per_yuan: number;
}

type FormValues = Omit<ReferralSetting, 'fixed_fen' | 'percent_bp'> & {
  fixed_yuan?: number;
  percent?: number;
};

const FIELDS = ['active', 'bind_on', 'binding_window_days', 'rule', 'rule_days', 'payout'];

/** 拓客规则: when a new customer is bound, what the sharer earns and how it is paid. */
export function ReferralSettingsCard({ editable }: { editable: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<FormValues>();
  const client = useQueryClient();
  const setting = useQuery({
    queryKey: ['referral', 'settings'],
    queryFn: () => api.get<ReferralSetting>('/referral/settings'),
  });
  useEffect(() => {
    const s = setting.data;
    if (s)
      form.setFieldsValue({ ...s, fixed_yuan: s.fixed_fen / 100, percent: s.percent_bp / 100 });
  }, [setting.data, form]);
  const save = useMutation({
    // only the fields on screen: the amount or the rate, whichever the rule uses
    mutationFn: ({ fixed_yuan, percent, ...rest }: FormValues) =>
      api.patch<ReferralSetting>('/referral/settings', {
        ...rest,
        ...(fixed_yuan === undefined ? {} : { fixed_fen: Math.round(fixed_yuan * 100) }),
        ...(percent === undefined ? {} : { percent_bp: Math.round(percent * 100) }),
      }),
    onSuccess: () => {
      void message.success(t('referral.saved'));
      void client.invalidateQueries({ queryKey: ['referral'] });
    },
    onError: (e) => {
      if (!showFieldError(form, e, FIELDS)) void message.error((e as Error).message);
    },
  });
  const rule = Form.useWatch('rule', form);
  const payout = Form.useWatch('payout', form);
  return (
    <Card title={t('referral.settings')} loading={setting.isLoading}>
      <Form form={form} layout="vertical" disabled={!editable} onFinish={(v) => save.mutate(v)}>
        <Form.Item name="active" label={t('referral.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
        <Form.Item name="bind_on" label={t('referral.bindOn')}>
          <Select
            options={[
              { value: 'first_payment', label: t('referral.bindOnPayment') },
              { value: 'claim', label: t('referral.bindOnClaim') },
            ]}
          />
        </Form.Item>
        <Form.Item name="binding_window_days" label={t('referral.window')}>
          <InputNumber min={1} max={3650} addonAfter={t('referral.days')} />
        </Form.Item>
        <Form.Item name="rule" label={t('referral.rule')}>
          <Select
            options={[
              { value: 'fixed_new_member', label: t('referral.ruleFixed') },
              { value: 'first_order_percent', label: t('referral.ruleFirst') },
              { value: 'orders_percent', label: t('referral.ruleDays') },
            ]}
          />
        </Form.Item>
        {rule === 'fixed_new_member' ? (
          <Form.Item name="fixed_yuan" label={t('referral.fixed')}>
            <InputNumber min={0} precision={2} prefix="¥" />
          </Form.Item>
        ) : (
          <Form.Item name="percent" label={t('referral.percent')}>
            <InputNumber min={0} max={100} precision={2} addonAfter="%" />
          </Form.Item>
        )}
        {rule === 'orders_percent' && (
          <Form.Item name="rule_days" label={t('referral.ruleDaysField')}>
            <InputNumber min={1} max={3650} addonAfter={t('referral.days')} />
          </Form.Item>
        )}
        <Form.Item name="payout" label={t('referral.payout')}>
          <Select
            options={[
              { value: 'ledger', label: t('referral.payoutLedger') },
              { value: 'points', label: t('referral.payoutPoints') },
              { value: 'bonus', label: t('referral.payoutBonus') },
            ]}
          />
        </Form.Item>
        {payout === 'points' && (
          <Form.Item name="points_per_yuan" label={t('referral.pointsPerYuan')}>
            <InputNumber min={1} max={10_000} />
          </Form.Item>
        )}
        {editable && (
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {t('referral.save')}
          </Button>
        )}
      </Form>
    </Card>
  );
}
