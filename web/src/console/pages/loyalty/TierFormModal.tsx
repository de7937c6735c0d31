import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Form, Input, InputNumber, Modal, Space } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Tier, TierRight } from '../../wire-types.ts';
import {
  DiscountInput,
  errorText,
  fenToYuan,
  showLoyaltyFieldError,
  timesToBp,
  toFen,
  YuanInput,
} from './loyalty-format.tsx';

const FIELDS = [
  'name',
  'threshold',
  'discount_bp',
  'points_multiplier_bp',
  'birthday_multiplier_bp',
  'rights',
];

/** What the form holds: threshold in yuan when tiers go by spend, discount_bp as is (shown as 折), ×. */
interface TierForm {
  name: string;
  threshold: number;
  discount_bp: number;
  points_multiplier_bp: number;
  birthday_multiplier_bp: number;
  rights: (Omit<TierRight, 'code'> & { code?: string })[];
}

const toForm = (tier: Tier, spend: boolean): TierForm => ({
  name: tier.name,
  threshold: spend ? (fenToYuan(tier.threshold) ?? 0) : tier.threshold,
  discount_bp: tier.discount_bp,
  points_multiplier_bp: tier.points_multiplier_bp / 10_000,
  birthday_multiplier_bp: tier.birthday_multiplier_bp / 10_000,
  rights: tier.rights,
});

const toBody = (v: TierForm, spend: boolean) => ({
  name: v.name,
  threshold: spend ? toFen(v.threshold) : Math.round(v.threshold ?? 0),
  discount_bp: v.discount_bp ?? 0,
  points_multiplier_bp: timesToBp(v.points_multiplier_bp),
  birthday_multiplier_bp: timesToBp(v.birthday_multiplier_bp),
  rights: withCodes(v.rights ?? []),
});

const CODE = /^[a-z][a-z0-9_]{0,39}$/;

/**
 * A right's code is what its monthly uses are counted by, so it is made once from the name (a
 * Latin name gives a readable slug, any other name a short random code) and kept on every edit.
 */
export function withCodes(rights: { code?: string; name: string; monthly_uses: number }[]) {
  const taken = new Set(rights.map((r) => r.code).filter(Boolean));
  return rights.map((r) => {
    const name = r.name.trim();
    if (r.code) return { ...r, name, code: r.code };
    const slug = name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 32);
    let code = CODE.test(slug) && !taken.has(slug) ? slug : '';
    while (!code || taken.has(code)) code = `r_${Math.random().toString(36).slice(2, 8)}`;
    taken.add(code);
    return { ...r, name, code };
  });
}

const EMPTY: TierForm = {
  name: '',
  threshold: 0,
  discount_bp: 0,
  points_multiplier_bp: 1,
  birthday_multiplier_bp: 1,
  rights: [],
};

export function TierFormModal(props: {
  editing: Tier | 'new' | null;
  spend: boolean;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<TierForm>();
  const queryClient = useQueryClient();
  const { editing, spend } = props;
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(editing === 'new' ? EMPTY : toForm(editing, spend));
  }, [editing, spend, form]);
  const save = useMutation({
    mutationFn: (values: TierForm) =>
      editing === 'new' || !editing
        ? api.post<Tier>('/tiers', toBody(values, spend))
        : api.patch<Tier>(`/tiers/${editing.id}`, toBody(values, spend)),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['tiers'] });
      props.onClose();
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Modal
      title={editing === 'new' ? t('tiers.new') : t('common.edit')}
      open={editing !== null}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      width={620}
      forceRender
    >
      <Form<TierForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="name" label={t('tiers.name')} rules={[{ required: true }]}>
          <Input maxLength={32} />
        </Form.Item>
        <Form.Item
          name="threshold"
          label={spend ? t('tiers.thresholdSpend') : t('tiers.thresholdGrowth')}
          extra={t('tiers.thresholdHint')}
          rules={[{ required: true }]}
        >
          {spend ? <YuanInput /> : <InputNumber min={0} precision={0} style={{ width: '100%' }} />}
        </Form.Item>
        <Space size={16} style={{ display: 'flex' }} align="start">
          <Form.Item
            name="discount_bp"
            label={t('tiers.discountPercent')}
            extra={t('tiers.discountHint')}
          >
            <DiscountInput />
          </Form.Item>
          <Form.Item name="points_multiplier_bp" label={t('tiers.pointsMultiplier')}>
            <InputNumber min={0} max={10} step={0.1} suffix="×" style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="birthday_multiplier_bp" label={t('tiers.birthdayMultiplier')}>
            <InputNumber min={0} max={10} step={0.1} suffix="×" style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Form.Item label={t('tiers.rights')} extra={t('tiers.rightsHint')}>
          <Form.List name="rights">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field) => (
                  <Space key={field.key} align="baseline" style={{ display: 'flex' }}>
                    <Form.Item name={[field.name, 'code']} hidden>
                      <Input />
                    </Form.Item>
                    <Form.Item name={[field.name, 'name']} rules={[{ required: true }]}>
                      <Input placeholder={t('tiers.rightName')} style={{ width: 200 }} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'monthly_uses']} rules={[{ required: true }]}>
                      <InputNumber
                        min={1}
                        max={1000}
                        precision={0}
                        placeholder={t('tiers.monthlyUses')}
                        style={{ width: 130 }}
                      />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => remove(field.name)} />
                  </Space>
                ))}
                <Button
                  type="dashed"
                  icon={<PlusOutlined />}
                  onClick={() => add({ name: '', monthly_uses: 1 })}
                >
                  {t('tiers.addRight')}
                </Button>
              </>
            )}
          </Form.List>
        </Form.Item>
      </Form>
    </Modal>
  );
}
