import { App, Form, Input, InputNumber } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { PointsMovement } from '../../wire-types.ts';
import { TillDialog } from '../wallet/TillDialog.tsx';

interface GrantForm {
  points: number;
  reason: string;
}

/**
 * A manual points grant with its reason (S4: an adopted suggestion earns 100–1000). Each role
 * has a ceiling; above it the server refuses with the ceiling and only the owner may.
 */
export function GrantPointsModal({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<GrantForm>();
  return (
    <TillDialog<GrantForm, PointsMovement>
      title={t('grant.title')}
      memberId={memberId}
      form={form}
      fields={['points', 'reason']}
      submitText={t('common.confirm')}
      send={(v, key) =>
        api.post<PointsMovement>(
          `/members/${memberId}/points/grant`,
          { points: v.points, reason: v.reason.trim() },
          key,
        )
      }
      onDone={(result) =>
        void message.success(t('grant.done', { points: result.points, balance: result.balance }))
      }
      onClose={onClose}
    >
      <Form.Item name="points" label={t('grant.points')} rules={[{ required: true }]}>
        <InputNumber min={1} precision={0} style={{ width: 200 }} />
      </Form.Item>
      <Form.Item name="reason" label={t('grant.reason')} rules={[{ required: true }]}>
        <Input maxLength={200} placeholder={t('grant.reasonPlaceholder')} />
      </Form.Item>
    </TillDialog>
  );
}
