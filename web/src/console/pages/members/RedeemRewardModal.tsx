import { useQueryClient } from '@tanstack/react-query';
import { Form, Result, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Redemption } from '../../wire-types.ts';
import { useRewards } from '../loyalty/loyalty-queries.ts';
import { TillDialog } from '../wallet/TillDialog.tsx';

/** Redeem a points mall reward for the member at the counter; shows the pickup code. */
export function RedeemRewardModal({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ reward_id: string }>();
  const rewards = useRewards(true).data ?? [];
  const queryClient = useQueryClient();
  return (
    <TillDialog<{ reward_id: string }, Redemption>
      title={t('redeem.title')}
      memberId={memberId}
      form={form}
      fields={['reward_id']}
      submitText={t('redeem.submit')}
      send={(v, key) =>
        api.post<Redemption>(`/mall/rewards/${v.reward_id}/redeem`, { member_id: memberId }, key)
      }
      onDone={() => void queryClient.invalidateQueries({ queryKey: ['mall'] })}
      done={(done) => (
        <Result
          status="success"
          title={t('redeem.done', { points: done.points })}
          subTitle={done.pickup_code ? t('redeem.pickup', { code: done.pickup_code }) : undefined}
        />
      )}
      onClose={onClose}
    >
      <Form.Item name="reward_id" label={t('redeem.reward')} rules={[{ required: true }]}>
        <Select
          options={rewards.map((r) => ({
            value: r.id,
            label: t('redeem.option', { name: r.name, points: r.points_price }),
          }))}
        />
      </Form.Item>
    </TillDialog>
  );
}
