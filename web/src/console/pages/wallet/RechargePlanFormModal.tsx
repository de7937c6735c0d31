import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Form,
  type FormInstance,
  Input,
  InputNumber,
  Modal,
  Radio,
  Space,
  Switch,
  Typography,
} from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { yuan } from '../../format.ts';
import type { BonusMode, InstalmentStart, RechargePlan } from '../../wire-types.ts';
import { type CouponLineForm, CouponPackFields, packToBody } from '../loyalty/CouponPackFields.tsx';
import { errorText, showLoyaltyFieldError, toFen, YuanInput } from '../loyalty/loyalty-format.tsx';

const FIELDS = [
  'name',
  'price_fen',
  'bonus_fen',
  'bonus_mode',
  'bonus_instalments_fen',
  'instalment_start',
  'coupon_pack',
  'refundable',
];

/** Amounts in yuan; `instalment_count` only drives "split evenly" and is not sent. */
interface PlanForm {
  name: string;
  price_fen: number;
  bonus_fen?: number | null;
  bonus_mode: BonusMode;
  instalment_count?: number;
  bonus_instalments_fen?: (number | null)[];
  instalment_start: InstalmentStart;
  coupon_pack?: CouponLineForm[];
  refundable: boolean;
}

const toBody = (v: PlanForm) => ({
  name: v.name,
  price_fen: toFen(v.price_fen),
  bonus_fen: toFen(v.bonus_fen),
  bonus_mode: v.bonus_mode,
  ...(v.bonus_mode === 'monthly'
    ? {
        bonus_instalments_fen: (v.bonus_instalments_fen ?? []).map(toFen),
        instalment_start: v.instalment_start,
      }
    : {}),
  coupon_pack: packToBody(v.coupon_pack),
  refundable: v.refundable,
});

/** Splits the bonus into `count` parts that differ by at most 1 fen, larger ones first. */
function splitEvenly(form: FormInstance<PlanForm>) {
  const bonus = toFen(form.getFieldValue('bonus_fen'));
  const count = form.getFieldValue('instalment_count') ?? 1;
  const base = Math.floor(bonus / count);
  const extra = bonus - base * count;
  form.setFieldValue(
    'bonus_instalments_fen',
    Array.from({ length: count }, (_, i) => (base + (i < extra ? 1 : 0)) / 100),
  );
}

function Instalments({ form }: { form: FormInstance<PlanForm> }) {
  const { t } = useTranslation();
  const parts = Form.useWatch('bonus_instalments_fen', form) ?? [];
  const bonus = toFen(Form.useWatch('bonus_fen', form));
  const sum = parts.reduce<number>((n, p) => n + toFen(p), 0);
  return (
    <>
      <Space align="baseline">
        <Form.Item name="instalment_count" label={t('rechargePlans.instalmentCount')}>
          <InputNumber min={1} max={36} precision={0} style={{ width: 120 }} />
        </Form.Item>
        <Button onClick={() => splitEvenly(form)}>{t('rechargePlans.splitEvenly')}</Button>
        <Form.Item name="instalment_start" label={t('rechargePlans.startLabel')}>
          <Radio.Group
            options={(['next_month', 'this_month'] as const).map((s) => ({
              value: s,
              label: t(`rechargePlans.start.${s}`),
            }))}
          />
        </Form.Item>
      </Space>
      <Form.List name="bonus_instalments_fen">
        {(fields, { add, remove }, { errors }) => (
          <Form.Item
            label={t('rechargePlans.instalments')}
            extra={t('rechargePlans.instalmentsSum', { sum: yuan(sum), bonus: yuan(bonus) })}
          >
            <Space wrap>
              {fields.map((field, i) => (
                <Space.Compact key={field.key}>
                  <Form.Item name={field.name} noStyle rules={[{ required: true }]}>
                    <YuanInput
                      min={0.01}
                      prefix={t('rechargePlans.month', { n: i + 1 })}
                      style={{ width: 150 }}
                    />
                  </Form.Item>
                  <Button icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                </Space.Compact>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add()} />
            </Space>
            <Form.ErrorList errors={errors} />
          </Form.Item>
        )}
      </Form.List>
    </>
  );
}

export function RechargePlanFormModal(props: { open: boolean; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<PlanForm>();
  const mode = Form.useWatch('bonus_mode', form);
  const queryClient = useQueryClient();
  const create = useMutation({
    mutationFn: (v: PlanForm) => api.post<RechargePlan>('/recharge-plans', toBody(v)),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['recharge-plans'] });
      form.resetFields();
      props.onClose();
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Modal
      title={t('rechargePlans.new')}
      open={props.open}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      width={720}
      forceRender
    >
      <Typography.Paragraph type="secondary">{t('rechargePlans.immutable')}</Typography.Paragraph>
      <Form<PlanForm>
        form={form}
        layout="vertical"
        initialValues={{
          bonus_mode: 'immediate',
          instalment_start: 'next_month',
          instalment_count: 5,
          refundable: true,
        }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="name" label={t('rechargePlans.name')} rules={[{ required: true }]}>
          <Input maxLength={64} placeholder={t('rechargePlans.namePlaceholder')} />
        </Form.Item>
        <Space size={16} align="start">
          <Form.Item name="price_fen" label={t('rechargePlans.price')} rules={[{ required: true }]}>
            <YuanInput min={0.01} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="bonus_fen" label={t('rechargePlans.bonusTotal')}>
            <YuanInput style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="bonus_mode" label={t('rechargePlans.mode')}>
            <Radio.Group
              optionType="button"
              options={(['immediate', 'monthly'] as const).map((m) => ({
                value: m,
                label: t(`rechargePlans.modes.${m}`),
              }))}
            />
          </Form.Item>
        </Space>
        {mode === 'monthly' && <Instalments form={form} />}
        <Form.Item label={t('rechargePlans.pack')} extra={t('rechargePlans.packHint')}>
          <CouponPackFields name="coupon_pack" />
        </Form.Item>
        <Form.Item
          name="refundable"
          label={t('rechargePlans.refundable')}
          valuePropName="checked"
          extra={t('rechargePlans.refundHint')}
        >
          <Switch />
        </Form.Item>
      </Form>
    </Modal>
  );
}
