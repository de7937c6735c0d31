import { Alert, Collapse, Descriptions, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../format.ts';
import type { Quote } from '../../wire-types.ts';
import { discountText } from '../loyalty/loyalty-format.tsx';
import { useTemplates } from './MemberPanel.tsx';

type Step = Quote['trace'][number] & Record<string, unknown>;
const n = (v: unknown) => (typeof v === 'number' ? v : 0);

/** One line of the decision trace as the cashier reads it: `会员折扣 9.5折 −¥12.50`. */
function stepText(
  step: Step,
  t: TFunction,
  nameOf: (id: unknown) => string,
  reasonOf: (code: string, params: unknown) => string,
): string {
  switch (step.step) {
    case 'tier':
      return t('till.step.tier', {
        discount: discountText(n(step.discount_bp), t),
        amount: yuan(n(step.discount_fen)),
      });
    case 'coupon':
      return t('till.step.coupon', {
        name: nameOf(step.template_id),
        amount: yuan(n(step.discount_fen)),
      });
    case 'coupon_not_applied':
      return t('till.step.coupon_not_applied', {
        name: nameOf(step.template_id),
        reason: reasonOf(String(step.code), step.params),
      });
    case 'points':
      return t('till.step.points', { points: n(step.points), amount: yuan(n(step.discount_fen)) });
    case 'stored_value':
      return t('till.step.stored_value', {
        principal: yuan(n(step.principal_fen)),
        bonus: yuan(n(step.bonus_fen)),
      });
    case 'tender':
      return t('till.step.tender', {
        method: t(`tender.methods.${String(step.method)}`),
        amount: yuan(n(step.amount_fen)),
      });
    case 'earn':
      return t('till.step.earn', {
        base: yuan(n(step.base_fen)),
        points: n(step.points),
        growth: n(step.growth),
      });
    default:
      return step.step;
  }
}

/** The live quote: the amounts step by step, what is due, the trace and any problem. */
export function QuoteView({ quote }: { quote: Quote }) {
  const { t } = useTranslation();
  const templates = useTemplates().data ?? [];
  const nameOf = (id: unknown) => templates.find((x) => x.id === id)?.name ?? String(id);
  // the server words a refusal in the problems; a coupon merely held keeps its code (and the gap)
  const reasonOf = (code: string, params: unknown) => {
    const worded = quote.problems.find((p) => p.code === code)?.message ?? code;
    const missing = (params as { missing_fen?: unknown } | null)?.missing_fen;
    return typeof missing === 'number'
      ? `${worded} (${t('till.quote.missing', { amount: yuan(missing) })})`
      : worded;
  };
  return (
    <div data-testid="till-quote">
      <Descriptions size="small" column={1} bordered>
        <Descriptions.Item label={t('till.quote.amount')}>
          {yuan(quote.amount_fen)}
        </Descriptions.Item>
        {quote.tier_discount_fen > 0 && (
          <Descriptions.Item label={t('till.quote.tier')}>
            −{yuan(quote.tier_discount_fen)}
          </Descriptions.Item>
        )}
        {quote.coupon_discount_fen > 0 && (
          <Descriptions.Item label={t('till.quote.coupon')}>
            −{yuan(quote.coupon_discount_fen)}
          </Descriptions.Item>
        )}
        {quote.points_deduction_fen > 0 && (
          <Descriptions.Item label={t('till.quote.points')}>
            −{yuan(quote.points_deduction_fen)} ({quote.points_used})
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('till.quote.due')}>
          <Typography.Text strong style={{ fontSize: 20 }} data-testid="till-due">
            {yuan(quote.due_fen)}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary">
        {t('till.quote.earned', { points: quote.points_earned, growth: quote.growth })}
      </Typography.Text>
      {quote.problems.map((p) => (
        <Alert
          key={`${p.code}-${p.field}`}
          type="warning"
          showIcon
          message={p.message}
          style={{ marginTop: 8 }}
        />
      ))}
      <Collapse
        size="small"
        style={{ marginTop: 8 }}
        defaultActiveKey={['trace']}
        items={[
          {
            key: 'trace',
            label: t('till.quote.trace'),
            children: (
              <ol style={{ margin: 0, paddingInlineStart: 20 }} data-testid="till-trace">
                {(quote.trace as Step[]).map((step, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the trace is in order and never reordered
                  <li key={i}>{stepText(step, t, nameOf, reasonOf)}</li>
                ))}
              </ol>
            ),
          },
        ]}
      />
    </div>
  );
}
