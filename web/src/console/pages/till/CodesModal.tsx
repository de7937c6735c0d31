import { Alert, Flex, Form, Input, Modal, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { CameraScan } from '../../CameraScan.tsx';
import type { MemberCoupon, Redemption } from '../../wire-types.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';

/** A code typed or scanned, sent once; the result or the refusal shows under the field. */
function CodeForm(props: {
  label: string;
  submit(code: string, key: string): Promise<string>;
  testId: string;
}) {
  const { t } = useTranslation();
  const [key, setKey] = useState(newIdempotencyKey);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ code: string }>();
  return (
    <Form
      form={form}
      layout="vertical"
      data-testid={props.testId}
      onFinish={async ({ code }) => {
        setBusy(true);
        try {
          setResult({ ok: true, text: await props.submit(code.trim(), key) });
          setKey(newIdempotencyKey());
          form.resetFields();
        } catch (e) {
          setResult({ ok: false, text: errorText(e, t) });
        } finally {
          setBusy(false);
        }
      }}
    >
      <Form.Item label={props.label} required>
        <Flex gap={8}>
          <Form.Item name="code" rules={[{ required: true }]} noStyle>
            <Input.Search
              autoFocus
              enterButton={t('till.codes.submit')}
              loading={busy}
              onSearch={() => form.submit()}
            />
          </Form.Item>
          <CameraScan
            onCode={(code) => {
              form.setFieldValue('code', code);
              form.submit();
            }}
          />
        </Flex>
      </Form.Item>
      {result && <Alert type={result.ok ? 'success' : 'error'} showIcon message={result.text} />}
    </Form>
  );
}

/** 核销 at the counter: a coupon by its code, a points-mall reward by its pickup code. */
export function CodesModal({ onClose }: { onClose(): void }) {
  const { t } = useTranslation();
  return (
    <Modal open title={t('till.codes.open')} footer={null} onCancel={onClose}>
      <Tabs
        items={[
          {
            key: 'coupon',
            label: t('till.codes.coupon'),
            children: (
              <CodeForm
                testId="till-coupon-redeem"
                label={t('till.codes.couponCode')}
                submit={async (code, key) => {
                  const coupon = await api.post<MemberCoupon>('/coupons/redeem', { code }, key);
                  return t('till.codes.couponDone', { uses: coupon.uses_left });
                }}
              />
            ),
          },
          {
            key: 'pickup',
            label: t('till.codes.pickup'),
            children: (
              <CodeForm
                testId="till-pickup"
                label={t('till.codes.pickupCode')}
                submit={async (pickup_code) => {
                  await api.post<Redemption>('/mall/pickup', { pickup_code });
                  return t('till.codes.pickupDone');
                }}
              />
            ),
          },
        ]}
      />
    </Modal>
  );
}
