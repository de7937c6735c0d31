import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, InputNumber, Modal, Radio, Space, Switch } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Reward, RewardKind } from '../../wire-types.ts';
import { errorText, showLoyaltyFieldError } from './loyalty-format.tsx';

const FIELDS = [
  'kind',
  'name',
  'description',
  'points_price',
  'stock',
  'per_member_limit',
  'starts_on',
  'ends_on',
  'active',
];

interface RewardForm {
  kind: RewardKind;
  name: string;
  description?: string;
  points_price: number;
  stock?: number | null;
  per_member_limit?: number | null;
  starts_on?: Dayjs | null;
  ends_on?: Dayjs | null;
  active: boolean;
}

const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : null);

const toBody = ({ kind, ...v }: RewardForm, creating: boolean) => ({
  ...(creating ? { kind } : {}),
  name: v.name,
  description: v.description?.trim() || null,
  points_price: v.points_price,
  stock: v.stock ?? null,
  per_member_limit: v.per_member_limit ?? null,
  starts_on: day(v.starts_on),
  ends_on: day(v.ends_on),
  active: v.active,
});

const toForm = (r: Reward): RewardForm => ({
  ...r,
  description: r.description ?? '',
  starts_on: r.starts_on ? dayjs(r.starts_on) : null,
  ends_on: r.ends_on ? dayjs(r.ends_on) : null,
});

/** Add or edit a points mall reward; coupon rewards wait for the coupons module. */
export function RewardFormModal(props: { editing: Reward | 'new' | null; onClose(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<RewardForm>();
  const queryClient = useQueryClient();
  const { editing } = props;
  const creating = editing === 'new';
  useEffect(() => {
    if (!editing) return;
    form.resetFields();
    form.setFieldsValue(
      editing === 'new' ? { kind: 'goods', active: true, stock: null } : toForm(editing),
    );
  }, [editing, form]);
  const save = useMutation({
    mutationFn: (v: RewardForm) =>
      editing === 'new' || !editing
        ? api.post<Reward>('/mall/rewards', toBody(v, true))
        : api.patch<Reward>(`/mall/rewards/${editing.id}`, toBody(v, false)),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['mall'] });
      props.onClose();
    },
    onError: (error) => {
      if (!showLoyaltyFieldError(form, error, FIELDS, t)) void message.error(errorText(error, t));
    },
  });

  return (
    <Modal
      title={creating ? t('mall.new') : t('common.edit')}
      open={editing !== null}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      forceRender
    >
      <Form<RewardForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
        <Form.Item name="kind" label={t('mall.kind')}>
          <Radio.Group
            disabled={!creating}
            optionType="button"
            options={(['goods', 'service', 'coupon'] as const).map((k) => ({
              value: k,
              label: t(`mall.kinds.${k}`),
              disabled: k === 'coupon',
            }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('mall.name')} rules={[{ required: true }]}>
          <Input maxLength={64} />
        </Form.Item>
        <Form.Item name="description" label={t('mall.description')}>
          <Input.TextArea maxLength={1000} rows={2} />
        </Form.Item>
        <Space size={16} align="start">
          <Form.Item name="points_price" label={t('mall.pointsPrice')} rules={[{ required: true }]}>
            <InputNumber min={1} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="stock" label={t('mall.stock')} extra={t('mall.stockHint')}>
            <InputNumber min={0} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="per_member_limit" label={t('mall.perMemberLimit')}>
            <InputNumber min={1} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Space size={16}>
          <Form.Item name="starts_on" label={t('mall.startsOn')}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="ends_on" label={t('mall.endsOn')}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="active" label={t('mall.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
      </Form>
    </Modal>
  );
}
