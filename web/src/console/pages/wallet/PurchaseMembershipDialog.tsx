import { Form, Radio, Result, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { PaidMembership } from '../../wire-types.ts';
import { localDate } from '../loyalty/loyalty-format.tsx';
import { useMembershipPlans } from '../loyalty/loyalty-queries.ts';
import { TenderFields, type TenderLine, tendersToBody } from './TenderFields.tsx';
import { TillDialog } from './TillDialog.tsx';

interface PurchaseForm {
  plan_id?: string;
  tenders: TenderLine[];
}

/** Sell or renew a paid membership (付费会员) at the till: plan, tenders, done. */
export function PurchaseMembershipDialog(props: { memberId: string; onClose(): void }) {
  const { memberId, onClose } = props;
  const { t } = useTranslation();
  const [form] = Form.useForm<PurchaseForm>();
  const plans = (useMembershipPlans().data ?? []).filter((p) => p.active);
  const planId = Form.useWatch('plan_id', form);
  const dueFen = plans.find((p) => p.id === planId)?.price_fen ?? 0;

  return (
    <TillDialog<PurchaseForm, PaidMembership>
      title={t('paidPlans.sell')}
      memberId={memberId}
      form={form}
      fields={['plan_id', 'tenders']}
      submitText={t('recharge.submit', { amount: yuan(dueFen) })}
      width={640}
      initialValues={{ tenders: [{ method: 'cash', amount_fen: null }] }}
      send={(v, key) =>
        api.post<PaidMembership>(
          `/members/${memberId}/membership`,
          { plan_id: v.plan_id, tenders: tendersToBody(v.tenders) },
          key,
        )
      }
      done={(done) => (
        <Result
          status="success"
          title={t('paidPlans.sold', { kind: t(`paidPlans.kinds.${done.kind}`) })}
          subTitle={t('paidPlans.period', {
            from: localDate(done.starts_at),
            to: localDate(done.expires_at),
          })}
        />
      )}
      onClose={onClose}
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
    </TillDialog>
  );
}
