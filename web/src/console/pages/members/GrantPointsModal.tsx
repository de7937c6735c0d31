import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Form, Input, InputNumber, Modal } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import type { PointsMovement } from '../../wire-types.ts';
import { errorText, showLoyaltyFieldError } from '../loyalty/loyalty-format.tsx';

interface GrantForm {
  points: number;
  reason: string;
}

/**
 * A manual points grant with its reason (S4: an adopted suggestion earns 100–1000). Each role
 * has a ceiling; above it the server answers 403 with the ceiling and only the owner may.
 */
export function GrantPointsModal({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [key] = useState(newIdempotencyKey);
  const [form] = Form.useForm<GrantForm>();
  const queryClient = useQueryClient();
  const grant = useMutation({
    mutationFn: (v: GrantForm) =>
      api.post<PointsMovement>(
        `/members/${memberId}/points/grant`,
        { points: v.points, reason: v.reason.trim() },
        key,
      ),
    onSuccess: (result) => {
      void message.success(t('grant.done', { points: result.points, balance: result.balance }));
      void queryClient.invalidateQueries({ queryKey: ['member', memberId] });
      onClose();
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, ['points', 'reason'], t))
        void message.error(errorText(error, t));
    },
  });

  return (
    <Modal
      title={t('grant.title')}
      open
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={grant.isPending}
    >
      <Form<GrantForm> form={form} layout="vertical" onFinish={(v) => grant.mutate(v)}>
        <Form.Item name="points" label={t('grant.points')} rules={[{ required: true }]}>
          <InputNumber min={1} precision={0} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item name="reason" label={t('grant.reason')} rules={[{ required: true }]}>
          <Input maxLength={200} placeholder={t('grant.reasonPlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
