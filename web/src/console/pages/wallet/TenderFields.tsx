import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, type FormInstance, Select, Space, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../format.ts';
import type { TenderMethod } from '../../wire-types.ts';
import { toFen, YuanInput } from '../loyalty/loyalty-format.tsx';

const TENDER_METHODS: TenderMethod[] = ['cash', 'wechat_pay', 'alipay', 'bank_card'];

/** A tender as the form holds it (yuan). */
export interface TenderLine {
  method: TenderMethod;
  amount_fen: number | null;
}

export const tendersToBody = (lines: TenderLine[] | undefined) =>
  (lines ?? []).map((l) => ({ method: l.method, amount_fen: toFen(l.amount_fen) }));

/**
 * How the member paid (cash, WeChat Pay, Alipay, bank card), one line or several that must add
 * up to what is due. With a single line the amount follows the due amount, as at a till.
 */
export function TenderFields({
  form,
  dueFen,
}: {
  /** any form with a `tenders` list */
  form: FormInstance;
  dueFen: number;
}) {
  const { t } = useTranslation();
  const lines: TenderLine[] = Form.useWatch('tenders', form) ?? [];
  const paid = lines.reduce((n, l) => n + toFen(l?.amount_fen), 0);
  useEffect(() => {
    const current: TenderLine[] = form.getFieldValue('tenders') ?? [];
    if (current.length === 1 && current[0])
      form.setFieldValue(['tenders', 0, 'amount_fen'], dueFen > 0 ? dueFen / 100 : null);
  }, [dueFen, form]);

  return (
    <Form.List name="tenders">
      {(fields, { add, remove }, { errors }) => (
        <Form.Item
          label={t('tender.title')}
          extra={
            <Typography.Text type={paid === dueFen ? 'secondary' : 'warning'}>
              {t('tender.sum', { paid: yuan(paid), due: yuan(dueFen) })}
            </Typography.Text>
          }
        >
          {fields.map((field) => (
            <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
              <Form.Item name={[field.name, 'method']} rules={[{ required: true }]}>
                <Select
                  style={{ width: 140 }}
                  aria-label={t('tender.method')}
                  options={TENDER_METHODS.map((m) => ({
                    value: m,
                    label: t(`tender.methods.${m}`),
                  }))}
                />
              </Form.Item>
              <Form.Item name={[field.name, 'amount_fen']} rules={[{ required: true }]}>
                <YuanInput min={0.01} aria-label={t('tender.amount')} style={{ width: 160 }} />
              </Form.Item>
              {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(field.name)} />}
            </Space>
          ))}
          <Button
            type="dashed"
            size="small"
            icon={<PlusOutlined />}
            onClick={() =>
              add({ method: 'wechat_pay', amount_fen: Math.max(dueFen - paid, 0) / 100 })
            }
          >
            {t('tender.add')}
          </Button>
          <Form.ErrorList errors={errors} />
        </Form.Item>
      )}
    </Form.List>
  );
}
