import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Modal, Result, Select, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import type { Redemption } from '../../wire-types.ts';
import { errorText, showLoyaltyFieldError } from '../loyalty/loyalty-format.tsx';
import { useRewards } from '../loyalty/loyalty-queries.ts';

/** Redeem a points mall reward for the member at the counter; shows the pickup code. */
export function RedeemRewardModal({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  const [form] = Form.useForm<{ reward_id: string }>();
  const rewards = useRewards(true).data ?? [];
  const queryClient = useQueryClient();
  const redeem = useMutation({
    mutationFn: (v: { reward_id: string }) =>
      api.post<Redemption>(`/mall/rewards/${v.reward_id}/redeem`, { member_id: memberId }, key),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: ['member', memberId] });
      void queryClient.invalidateQueries({ queryKey: ['mall'] });
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, ['reward_id'], t))
        void message.error(errorText(error, t));
    },
  });
  const done = redeem.data;

  return (
    <Modal
      title={t('redeem.title')}
      open
      onCancel={onClose}
      footer={
        done ? (
          <Button type="primary" onClick={onClose}>
            {t('recharge.finish')}
          </Button>
        ) : (
          <Space>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="primary" loading={redeem.isPending} onClick={() => form.submit()}>
              {t('redeem.submit')}
            </Button>
          </Space>
        )
      }
    >
      {done ? (
        <Result
          status="success"
          title={t('redeem.done', { points: done.points })}
          subTitle={done.pickup_code ? t('redeem.pickup', { code: done.pickup_code }) : undefined}
        />
      ) : (
        <Form form={form} layout="vertical" onFinish={(v) => redeem.mutate(v)}>
          <Form.Item name="reward_id" label={t('redeem.reward')} rules={[{ required: true }]}>
            <Select
              options={rewards.map((r) => ({
                value: r.id,
                label: t('redeem.option', { name: r.name, points: r.points_price }),
              }))}
            />
          </Form.Item>
        </Form>
      )}
    </Modal>
  );
}
