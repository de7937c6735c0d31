import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Col, Form, InputNumber, Radio, Row, Select, Space } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { GrantRole, PointsRules } from '../../wire-types.ts';
import { CampaignsCard } from './CampaignsCard.tsx';
import {
  errorText,
  fenToYuan,
  showLoyaltyFieldError,
  toFen,
  toFenOrNull,
  YuanInput,
} from './loyalty-format.tsx';
import { useCategoryOptions, usePointsRules } from './loyalty-queries.ts';

const FIELDS = [
  'default_fen_per_point',
  'categories',
  'expiry_policy',
  'expiry_months',
  'activation_bonus',
  'profile_bonus',
  'grant_ceilings',
];
const ROLES: GrantRole[] = ['manager', 'cashier', 'marketer', 'api_key'];

/** The form holds "¥ per point"; the API "fen per point" (S4: ¥1 → 100, plain gold ¥10 → 1000). */
const toForm = (rules: PointsRules): PointsRules => ({
  ...rules,
  default_fen_per_point: fenToYuan(rules.default_fen_per_point),
  categories: rules.categories.map((c) => ({ ...c, fen_per_point: c.fen_per_point / 100 })),
});

const toBody = (v: PointsRules) => ({
  default_fen_per_point: toFenOrNull(v.default_fen_per_point),
  categories: (v.categories ?? []).map((c) => ({
    category: c.category.trim(),
    fen_per_point: toFen(c.fen_per_point),
  })),
  expiry_policy: v.expiry_policy,
  expiry_months: v.expiry_policy === 'months_after' ? (v.expiry_months ?? null) : null,
  activation_bonus: v.activation_bonus ?? 0,
  profile_bonus: v.profile_bonus ?? 0,
  grant_ceilings: v.grant_ceilings,
});

function CategoryRules() {
  const { t } = useTranslation();
  const options = useCategoryOptions();
  return (
    <Form.List name="categories">
      {(fields, { add, remove }) => (
        <>
          {fields.map((field) => (
            <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
              <Form.Item name={[field.name, 'category']} rules={[{ required: true }]}>
                <Select
                  showSearch
                  options={options}
                  optionFilterProp="label"
                  placeholder={t('points.category')}
                  style={{ width: 200 }}
                />
              </Form.Item>
              <Form.Item name={[field.name, 'fen_per_point']} rules={[{ required: true }]}>
                <YuanInput min={0.01} suffix={t('points.perPoint')} style={{ width: 220 }} />
              </Form.Item>
              <MinusCircleOutlined onClick={() => remove(field.name)} />
            </Space>
          ))}
          <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ category: '' })}>
            {t('points.addCategory')}
          </Button>
        </>
      )}
    </Form.List>
  );
}

/** Points rules (积分规则): earning per category, expiry, bonuses, grant ceilings; campaigns below. */
export default function PointsRulesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const rules = usePointsRules();
  const [form] = Form.useForm<PointsRules>();
  const policy = Form.useWatch('expiry_policy', form);
  const queryClient = useQueryClient();
  useEffect(() => {
    if (rules.data) form.setFieldsValue(toForm(rules.data));
  }, [rules.data, form]);
  const save = useMutation({
    mutationFn: (values: PointsRules) => api.put<PointsRules>('/points/rules', toBody(values)),
    onSuccess: (data) => {
      void message.success(t('common.saved'));
      queryClient.setQueryData(['points', 'rules'], data);
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card
        title={t('points.rulesTitle')}
        loading={rules.isLoading}
        extra={
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        }
      >
        <Form<PointsRules> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Row gutter={24}>
            <Col span={12}>
              <Form.Item
                name="default_fen_per_point"
                label={t('points.defaultRate')}
                extra={t('points.defaultRateHint')}
              >
                <YuanInput min={0.01} suffix={t('points.perPoint')} />
              </Form.Item>
              <Form.Item label={t('points.categories')} extra={t('points.categoriesHint')}>
                <CategoryRules />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="expiry_policy" label={t('points.expiry')}>
                <Radio.Group
                  options={(['never', 'months_after', 'year_end_after'] as const).map((p) => ({
                    value: p,
                    label: t(`points.expiryPolicy.${p}`),
                  }))}
                />
              </Form.Item>
              {policy === 'months_after' && (
                <Form.Item
                  name="expiry_months"
                  label={t('points.expiryMonths')}
                  rules={[{ required: true }]}
                >
                  <InputNumber min={1} max={120} precision={0} style={{ width: 160 }} />
                </Form.Item>
              )}
              <Space size={16}>
                <Form.Item name="activation_bonus" label={t('points.activationBonus')}>
                  <InputNumber min={0} precision={0} style={{ width: 160 }} />
                </Form.Item>
                <Form.Item name="profile_bonus" label={t('points.profileBonus')}>
                  <InputNumber min={0} precision={0} style={{ width: 160 }} />
                </Form.Item>
              </Space>
              <Form.Item label={t('points.grantCeilings')} extra={t('points.grantCeilingsHint')}>
                <Space wrap>
                  {ROLES.map((role) => (
                    <Form.Item key={role} name={['grant_ceilings', role]} noStyle>
                      <InputNumber
                        min={0}
                        precision={0}
                        prefix={`${role === 'api_key' ? t('points.apiKey') : t(`role.${role}`)}:`}
                        style={{ width: 200 }}
                      />
                    </Form.Item>
                  ))}
                </Space>
              </Form.Item>
            </Col>
          </Row>
        </Form>
      </Card>
      <CampaignsCard />
    </Space>
  );
}
