import { Empty, Form, Radio, Result, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { Recharge } from '../../wire-types.ts';
import { packText } from '../loyalty/CouponPackFields.tsx';
import { toFen, YuanInput } from '../loyalty/loyalty-format.tsx';
import { useRechargePlans } from '../loyalty/loyalty-queries.ts';
import { BonusPartsTable } from './BonusPartsTable.tsx';
import { planSummary } from './plan-text.ts';
import { TenderFields, type TenderLine, tendersToBody } from './TenderFields.tsx';
import { TillDialog } from './TillDialog.tsx';

interface RechargeForm {
  choice: 'plan' | 'amount';
  plan_id?: string;
  amount_fen?: number | null;
  tenders: TenderLine[];
}

function RechargeDone({ recharge }: { recharge: Recharge }) {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="recharge-result">
      <Result
        status="success"
        style={{ padding: '8px 0' }}
        title={t('recharge.done', { amount: yuan(recharge.price_fen) })}
        subTitle={t('recharge.doneDetail', {
          principal: yuan(recharge.price_fen),
          bonus: yuan(recharge.bonus_fen),
          tenders: recharge.tenders
            .map((x) => `${t(`tender.methods.${x.method}`)} ${yuan(x.amount_fen)}`)
            .join(' + '),
        })}
      />
      {recharge.bonus_parts.length > 0 && (
        <>
          <Typography.Text strong>{t('recharge.partsTitle')}</Typography.Text>
          <BonusPartsTable parts={recharge.bonus_parts} testId="recharge-parts" />
        </>
      )}
      {recharge.coupon_pack.length > 0 && (
        <Typography.Text type="secondary">
          {t('recharge.packPending', { pack: packText(recharge.coupon_pack) })}
        </Typography.Text>
      )}
    </Space>
  );
}

/** The cashier's recharge (充值): a plan or a plain amount, how the member paid, done. */
export function RechargeDialog({ memberId, onClose }: { memberId: string; onClose(): void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<RechargeForm>();
  const plans = useRechargePlans(true);
  const choice = Form.useWatch('choice', form) ?? 'plan';
  const planId = Form.useWatch('plan_id', form);
  const amount = Form.useWatch('amount_fen', form);
  const plan = plans.data?.find((p) => p.id === planId);
  const dueFen = choice === 'plan' ? (plan?.price_fen ?? 0) : toFen(amount);

  return (
    <TillDialog<RechargeForm, Recharge>
      title={t('recharge.title')}
      memberId={memberId}
      form={form}
      fields={['plan_id', 'amount_fen', 'tenders']}
      submitText={t('recharge.submit', { amount: yuan(dueFen) })}
      width={720}
      initialValues={{ choice: 'plan', tenders: [{ method: 'cash', amount_fen: null }] }}
      send={(v, key) =>
        api.post<Recharge>(
          `/members/${memberId}/recharges`,
          {
            ...(v.choice === 'plan' ? { plan_id: v.plan_id } : { amount_fen: toFen(v.amount_fen) }),
            tenders: tendersToBody(v.tenders),
          },
          key,
        )
      }
      done={(recharge) => <RechargeDone recharge={recharge} />}
      onClose={onClose}
    >
      <Form.Item name="choice">
        <Radio.Group
          optionType="button"
          options={[
            { value: 'plan', label: t('recharge.byPlan') },
            { value: 'amount', label: t('recharge.byAmount') },
          ]}
        />
      </Form.Item>
      {choice === 'plan' && !plans.isLoading && !plans.data?.length && (
        <Empty description={t('recharge.noPlans')} />
      )}
      {choice === 'plan' ? (
        <Form.Item
          name="plan_id"
          label={t('recharge.plan')}
          hidden={!plans.data?.length}
          rules={[{ required: true, message: t('recharge.choosePlan') }]}
        >
          <Radio.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
            {plans.data?.map((p) => (
              <Radio key={p.id} value={p.id}>
                <Typography.Text strong>{p.name}</Typography.Text>
                <Typography.Text type="secondary"> — {planSummary(p, t)}</Typography.Text>
              </Radio>
            ))}
          </Radio.Group>
        </Form.Item>
      ) : (
        <Form.Item name="amount_fen" label={t('recharge.amount')} rules={[{ required: true }]}>
          <YuanInput min={0.01} style={{ width: 200 }} />
        </Form.Item>
      )}
      <TenderFields form={form} dueFen={dueFen} />
    </TillDialog>
  );
}
