import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, Row, Select, Switch } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { SpendingOrder, WalletSetting } from '../../wire-types.ts';
import {
  errorText,
  fenToYuan,
  showLoyaltyFieldError,
  toFenOrNull,
  YuanInput,
} from '../loyalty/loyalty-format.tsx';
import { useWalletSetting } from '../loyalty/loyalty-queries.ts';

const FIELDS = [
  'spending_order',
  'password_threshold_fen',
  'member_code_as_password',
  'pay_to_join_min_fen',
];
const ORDERS: SpendingOrder[] = ['proportional', 'bonus_first', 'principal_first'];

/** How balance payments split principal and bonus, when they need the password, pay-to-join. */
export function WalletSettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const setting = useWalletSetting();
  const [form] = Form.useForm<WalletSetting>();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (setting.data)
      form.setFieldsValue({
        ...setting.data,
        password_threshold_fen: fenToYuan(setting.data.password_threshold_fen),
        pay_to_join_min_fen: fenToYuan(setting.data.pay_to_join_min_fen),
      });
  }, [setting.data, form]);
  const save = useMutation({
    mutationFn: (v: WalletSetting) =>
      api.put<WalletSetting>('/wallet/settings', {
        ...v,
        password_threshold_fen: toFenOrNull(v.password_threshold_fen),
        pay_to_join_min_fen: toFenOrNull(v.pay_to_join_min_fen),
      }),
    onSuccess: (data) => {
      void message.success(t('common.saved'));
      queryClient.setQueryData(['wallet', 'settings'], data);
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Card
      title={t('walletSettings.title')}
      loading={setting.isLoading}
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
          {t('common.save')}
        </Button>
      }
    >
      <Form<WalletSetting> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Row gutter={24}>
          <Col span={12}>
            <Form.Item
              name="spending_order"
              label={t('walletSettings.spendingOrder')}
              extra={t('walletSettings.spendingOrderHint')}
            >
              <Select
                options={ORDERS.map((o) => ({ value: o, label: t(`walletSettings.orders.${o}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="password_threshold_fen"
              label={t('walletSettings.passwordThreshold')}
              extra={t('walletSettings.passwordThresholdHint')}
            >
              <YuanInput />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="member_code_as_password"
              label={t('walletSettings.memberCode')}
              valuePropName="checked"
            >
              <Switch />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="pay_to_join_min_fen"
              label={t('walletSettings.payToJoin')}
              extra={t('walletSettings.payToJoinHint')}
            >
              <YuanInput min={0.01} />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}
