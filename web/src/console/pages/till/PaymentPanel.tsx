import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Card, Flex, Form, InputNumber, Select, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../format.ts';
import type { TenderMethod } from '../../wire-types.ts';
import { fenToYuan, toFen, YuanInput } from '../loyalty/loyalty-format.tsx';
import type { Sale, TenderEntry } from './till-api.ts';

const METHODS: TenderMethod[] = ['cash', 'wechat_pay', 'alipay', 'bank_card'];

/**
 * The tenders with the last one taking what is left, as at a till: type ¥50 on WeChat Pay and
 * the cash line shows the rest. Cash may be handed over in excess: the change is shown.
 */
export function withRemainder(tenders: TenderEntry[], dueFen: number): TenderEntry[] {
  const fixed = tenders.slice(0, -1);
  const last = tenders.at(-1);
  if (!last) return [];
  const rest = dueFen - fixed.reduce((s, x) => s + x.amount_fen, 0);
  return [...fixed, { ...last, amount_fen: Math.max(rest, 0) }];
}

export function PaymentPanel(props: {
  sale: Sale;
  /** what the tenders must pay: the quote's due less stored value */
  tenderDueFen: number;
  pointsBalance: number;
  principalFen: number;
  onChange(patch: Partial<Sale>): void;
}) {
  const { t } = useTranslation();
  const { sale } = props;
  const tenders = withRemainder(sale.tenders, props.tenderDueFen);
  const setTender = (i: number, patch: Partial<TenderEntry>) =>
    props.onChange({ tenders: sale.tenders.map((x, j) => (j === i ? { ...x, ...patch } : x)) });
  const cash = tenders.find((x) => x.method === 'cash');
  const change = cash?.received_fen ? cash.received_fen - cash.amount_fen : 0;

  return (
    <Card size="small" data-testid="till-payment">
      <Form layout="vertical" component="div">
        {sale.member && (
          <Flex gap={12} wrap>
            <Form.Item
              label={t('till.quote.pointsToUse')}
              extra={t('till.quote.pointsMax', { points: props.pointsBalance })}
            >
              <InputNumber<number>
                min={0}
                max={props.pointsBalance}
                precision={0}
                step={100}
                value={sale.points_to_use || null}
                onChange={(v) => props.onChange({ points_to_use: v ?? 0 })}
                aria-label={t('till.quote.pointsToUse')}
                style={{ width: 140 }}
              />
            </Form.Item>
            <Form.Item
              label={t('till.quote.storedValueFen')}
              extra={`${t('till.member.principal')} ${yuan(props.principalFen)}`}
            >
              <YuanInput
                min={0}
                value={fenToYuan(sale.stored_value_fen) || null}
                onChange={(v) => props.onChange({ stored_value_fen: toFen(v) })}
                aria-label={t('till.quote.storedValueFen')}
                style={{ width: 140 }}
              />
            </Form.Item>
          </Flex>
        )}
        <Form.Item label={t('tender.title')}>
          <Space direction="vertical" style={{ width: '100%' }}>
            {tenders.map((tender, i) => {
              const isLast = i === tenders.length - 1;
              return (
                // biome-ignore lint/suspicious/noArrayIndexKey: tenders are edited in place by position
                <Flex key={i} gap={8} wrap align="center" data-testid={`till-tender-${i}`}>
                  <Select
                    value={tender.method}
                    onChange={(method) => setTender(i, { method })}
                    style={{ width: 120 }}
                    aria-label={t('tender.method')}
                    options={METHODS.map((m) => ({ value: m, label: t(`tender.methods.${m}`) }))}
                  />
                  <YuanInput
                    min={0}
                    value={fenToYuan(tender.amount_fen)}
                    disabled={isLast}
                    onChange={(v) => setTender(i, { amount_fen: toFen(v) })}
                    aria-label={t('tender.amount')}
                    style={{ width: 120 }}
                  />
                  {tender.method === 'cash' && (
                    <YuanInput
                      min={0}
                      value={fenToYuan(tender.received_fen ?? null)}
                      onChange={(v) => setTender(i, { received_fen: toFen(v) })}
                      placeholder={t('till.quote.received')}
                      aria-label={t('till.quote.received')}
                      style={{ width: 120 }}
                    />
                  )}
                  {tenders.length > 1 && (
                    <MinusCircleOutlined
                      aria-label="remove"
                      onClick={() =>
                        props.onChange({ tenders: sale.tenders.filter((_, j) => j !== i) })
                      }
                    />
                  )}
                </Flex>
              );
            })}
            <Button
              size="small"
              type="dashed"
              icon={<PlusOutlined />}
              disabled={sale.tenders.length >= 8}
              onClick={() =>
                props.onChange({
                  tenders: [{ method: 'wechat_pay', amount_fen: 0 }, ...sale.tenders],
                })
              }
            >
              {t('tender.add')}
            </Button>
            {change > 0 && (
              <Typography.Text strong data-testid="till-change">
                {t('till.quote.change', { amount: yuan(change) })}
              </Typography.Text>
            )}
          </Space>
        </Form.Item>
      </Form>
    </Card>
  );
}
