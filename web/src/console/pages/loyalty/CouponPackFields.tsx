import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Form, Input, InputNumber, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { yuan } from '../../format.ts';
import type { CouponPackItem } from '../../wire-types.ts';
import { fenToYuan, toFen, YuanInput } from './loyalty-format.tsx';

/** A coupon line as the form holds it: amounts in yuan. */
export interface CouponLineForm {
  name: string;
  face_value_fen: number;
  threshold_fen?: number | null;
  quantity?: number | null;
}

export const packToBody = (lines: CouponLineForm[] | undefined) =>
  (lines ?? []).map((l) => ({
    name: l.name.trim(),
    face_value_fen: toFen(l.face_value_fen),
    threshold_fen: toFen(l.threshold_fen),
    quantity: l.quantity ?? 1,
  }));

export const packToForm = (items: CouponPackItem[]): CouponLineForm[] =>
  items.map((i) => ({
    name: i.name,
    face_value_fen: fenToYuan(i.face_value_fen) ?? 0,
    threshold_fen: fenToYuan(i.threshold_fen),
    quantity: i.quantity,
  }));

/** "满200减50 × 3" */
export const packText = (items: CouponPackItem[]): string =>
  items.map((i) => `${i.name} ${yuan(i.face_value_fen)} × ${i.quantity}`).join('，');

/**
 * Coupon lines of a recharge gift pack or a paid plan's monthly allowance. The coupons module
 * issues them; until it exists a line describes the coupon (name, face value, threshold).
 */
export function CouponPackFields({ name }: { name: 'coupon_pack' | 'monthly_coupons' }) {
  const { t } = useTranslation();
  return (
    <Form.List name={name}>
      {(fields, { add, remove }) => (
        <>
          {fields.length > 0 && (
            <Typography.Text type="secondary" style={{ display: 'block', marginBottom: 8 }}>
              {t('couponLine.lineHint')}
            </Typography.Text>
          )}
          {fields.map((field) => (
            <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
              <Form.Item name={[field.name, 'name']} rules={[{ required: true }]}>
                <Input placeholder={t('couponLine.name')} style={{ width: 150 }} />
              </Form.Item>
              <Form.Item name={[field.name, 'face_value_fen']} rules={[{ required: true }]}>
                <YuanInput
                  min={0.01}
                  placeholder={t('couponLine.faceValue')}
                  style={{ width: 120 }}
                />
              </Form.Item>
              <Form.Item name={[field.name, 'threshold_fen']}>
                <YuanInput placeholder={t('couponLine.threshold')} style={{ width: 130 }} />
              </Form.Item>
              <Form.Item name={[field.name, 'quantity']}>
                <InputNumber
                  min={1}
                  max={100}
                  precision={0}
                  prefix="×"
                  placeholder="1"
                  style={{ width: 80 }}
                />
              </Form.Item>
              <MinusCircleOutlined onClick={() => remove(field.name)} />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })}>
            {t('couponLine.add')}
          </Button>
        </>
      )}
    </Form.List>
  );
}
