import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, InputNumber, Radio, Row } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { TierSetting } from '../../wire-types.ts';
import {
  errorText,
  fenToYuan,
  showLoyaltyFieldError,
  toFen,
  YuanInput,
} from './loyalty-format.tsx';
import { useTierSetting } from './loyalty-queries.ts';

const FIELDS = ['basis', 'fen_per_growth', 'review_months', 'activation_growth', 'profile_growth'];

/** What tiers are measured on, how spend turns into growth, and how often tiers are reviewed. */
export function TierSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const setting = useTierSetting();
  const [form] = Form.useForm<TierSetting>();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (setting.data)
      form.setFieldsValue({
        ...setting.data,
        fen_per_growth: fenToYuan(setting.data.fen_per_growth) ?? 1,
      });
  }, [setting.data, form]);
  const save = useMutation({
    mutationFn: (values: TierSetting) =>
      api.put<TierSetting>('/tiers/settings', {
        ...values,
        fen_per_growth: toFen(values.fen_per_growth),
      }),
    onSuccess: (data) => {
      void message.success(t('common.saved'));
      queryClient.setQueryData(['tiers', 'settings'], data);
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Card
      title={t('tiers.settings')}
      loading={setting.isLoading}
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t('common.save')}
        </Button>
      }
    >
      <Form<TierSetting> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Row gutter={24}>
          <Col span={8}>
            <Form.Item name="basis" label={t('tiers.basis')} extra={t('tiers.basisHint')}>
              <Radio.Group
                optionType="button"
                options={[
                  { value: 'growth', label: t('tiers.basisGrowth') },
                  { value: 'spend', label: t('tiers.basisSpend') },
                ]}
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="fen_per_growth"
              label={t('tiers.yuanPerGrowth')}
              rules={[{ required: true }]}
            >
              <YuanInput min={0.01} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item
              name="review_months"
              label={t('tiers.reviewMonths')}
              extra={t('tiers.reviewHint')}
              rules={[{ required: true }]}
            >
              <InputNumber min={1} max={60} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="activation_growth" label={t('tiers.activationGrowth')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="profile_growth" label={t('tiers.profileGrowth')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}
