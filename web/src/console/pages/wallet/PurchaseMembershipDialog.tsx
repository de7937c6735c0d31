import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Modal, Radio, Result, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { PaidMembership } from '../../wire-types.ts';
import { errorText, localDate, showLoyaltyFieldError } from '../loyalty/loyalty-format.tsx';
import { useMembershipPlans } from '../loyalty/loyalty-queries.ts';
import { TenderFields, type TenderLine, tendersToBody } from './TenderFields.tsx';

interface PurchaseForm {
  plan_id?: string;
  tenders: TenderLine[];
}

/** Sell or renew a paid membership (付费会员) at the till: plan, tenders, done. */
export function PurchaseMembershipDialog(props: { memberId: string; onClose(): void }) {
  const { memberId, onClose } = props;
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  const [form] = Form.useForm<PurchaseForm>();
  const plans = (useMembershipPlans().data ?? []).filter((p) => p.active);
  const planId = Form.useWatch('plan_id', form);
  const dueFen = plans.find((p) => p.id === planId)?.price_fen ?? 0;
  const queryClient = useQueryClient();
  const buy = useMutation({
    mutationFn: (v: PurchaseForm) =>
      api.post<PaidMembership>(
        `/members/${memberId}/membership`,
        { plan_id: v.plan_id, tenders: tendersToBody(v.tenders) },
        key,
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: ['member', memberId] }),
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, ['plan_id', 'tenders'], t))
        void message.error(errorText(error, t));
    },
  });
  const done = buy.data;

  return (
    <Modal
      title={t('paidPlans.sell')}
      open
      width={640}
      onCancel={onClose}
      maskClosable={false}
      footer={
        done ? (
          <Button type="primary" onClick={onClose}>
            {t('recharge.finish')}
          </Button>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={buy.isPending} onClick={() => form.submit()}>
              {t('recharge.submit', { amount: yuan(dueFen) })}
            </Button>
          </Space>
        )
      }
    >
      {done ? (
        <Result
          status="success"
          title={t('paidPlans.sold', { kind: t(`paidPlans.kinds.${done.kind}`) })}
          subTitle={t('paidPlans.period', {
            from: localDate(done.starts_at),
            to: localDate(done.expires_at),
          })}
        />
      ) : (
        <Form<PurchaseForm>
          form={form}
          layout="vertical"
          initialValues={{ tenders: [{ method: 'cash', amount_fen: null }] }}
          onFinish={(v) => buy.mutate(v)}
        >
          <Form.Item name="plan_id" label={t('paidPlans.plan')} rules={[{ required: true }]}>
            <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
              {plans.map((p) => (
                <Radio key={p.id} value={p.id}>
                  <Typography.Text strong>{p.name}</Typography.Text>
                  <Typography.Text type="secondary">
                    {' '}
                    — {yuan(p.price_fen)} / {t('paidPlans.months', { count: p.duration_months })}
                  </Typography.Text>
                </Radio>
              ))}
            </Radio.Group>
          </Form.Item>
          <TenderFields form={form} dueFen={dueFen} />
        </Form>
      )}
    </Modal>
  );
}
