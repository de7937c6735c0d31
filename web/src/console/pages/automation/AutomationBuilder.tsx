import { useMutation, useQuery } from '@tanstack/react-query';
import { App, Form, Input, InputNumber, Select, Space, Switch } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { StepsModal } from '../../StepsModal.tsx';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { RuleBuilder } from '../segments/RuleBuilder.tsx';
import { emptyGroup, FIELDS, type Node, nextKey, toRule } from '../segments/segment-types.ts';
import {
  type Automation,
  CHANNELS,
  MESSAGE_TEMPLATES,
  TASK_KINDS,
  TRIGGER_KINDS,
  type TriggerKind,
} from './automation-types.ts';

interface BuilderForm {
  name: string;
  kind: TriggerKind;
  days_before?: number;
  days?: number;
  min_yuan?: number | null;
  to_tier_id?: string;
  delay_days: number;
  coupon_template_id?: string;
  points?: number | null;
  points_expiry_days?: number | null;
  message_template?: string;
  message_channel: string;
  task_kind?: string;
  task_title?: string;
  member_limit: 'once' | 'yearly' | 'unlimited';
}

function triggerOf(v: BuilderForm) {
  if (v.kind === 'birthday' || v.kind === 'points_expiring')
    return { kind: v.kind, days_before: v.days_before ?? 0 };
  if (v.kind === 'no_purchase') return { kind: v.kind, days: v.days ?? 30 };
  if (v.kind === 'recharge')
    return { kind: v.kind, ...(v.min_yuan ? { min_fen: Math.round(v.min_yuan * 100) } : {}) };
  if (v.kind === 'tier_changed')
    return { kind: v.kind, ...(v.to_tier_id ? { to_tier_id: v.to_tier_id } : {}) };
  return { kind: v.kind };
}

function toBody(v: BuilderForm, condition: Node | null) {
  const actions: Record<string, unknown> = {};
  if (v.coupon_template_id) actions.coupon_template_id = v.coupon_template_id;
  if (v.points)
    actions.points = {
      amount: v.points,
      ...(v.points_expiry_days ? { expiry_days: v.points_expiry_days } : {}),
    };
  if (v.message_template)
    actions.message = { template: v.message_template, channel: v.message_channel };
  if (v.task_kind && v.task_title) actions.task = { kind: v.task_kind, title: v.task_title };
  return {
    name: v.name,
    trigger: triggerOf(v),
    delay_days: v.delay_days ?? 0,
    condition: condition ? toRule(condition) : null,
    actions,
    member_limit: v.member_limit,
  };
}

const lifecycleRule = (): Node =>
  emptyGroup([{ kind: 'leaf', key: nextKey(), negate: false, leaf: { ...FIELDS.lifecycle! } }]);

/** The builder: trigger → delay → condition (the segment rule builder) → actions. */
export function AutomationBuilder(props: {
  open: boolean;
  onClose(): void;
  onCreated(id: string): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<BuilderForm>();
  const [step, setStep] = useState(0);
  const [condition, setCondition] = useState<Node | null>(null);
  const kind = Form.useWatch('kind', form);
  const templates = useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api.get<{ id: string; name: string; active: boolean }[]>('/coupon-templates'),
    enabled: props.open,
  });
  const tiers = useQuery({
    queryKey: ['tiers'],
    queryFn: () => api.get<{ id: string; name: string }[]>('/tiers'),
    enabled: props.open && kind === 'tier_changed',
    retry: false,
  });
  const save = useMutation({
    mutationFn: (v: BuilderForm) => api.post<Automation>('/automations', toBody(v, condition)),
    onSuccess: (a) => {
      void message.success(t('automation.created'));
      form.resetFields();
      setCondition(null);
      setStep(0);
      props.onClose();
      props.onCreated(a.id);
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name'])) void message.error(errorText(error, t));
    },
  });
  const section = (n: number) => ({ style: { display: step === n ? 'block' : 'none' } });
  const option = (prefix: string) => (k: string) => ({ value: k, label: t(`${prefix}.${k}`) });
  const tierList = Array.isArray(tiers.data) ? tiers.data : [];
  return (
    <StepsModal
      title={t('automation.create')}
      open={props.open}
      onClose={props.onClose}
      width={720}
      steps={['trigger', 'delay', 'condition', 'actions'].map((s) => t(`automation.${s}`))}
      step={step}
      onStep={setStep}
      saveLabel={t('automation.create')}
      saving={save.isPending}
      onSave={() => form.submit()}
      testId="builder"
    >
      <Form<BuilderForm>
        form={form}
        layout="vertical"
        initialValues={{
          kind: 'birthday',
          days_before: 0,
          days: 30,
          delay_days: 0,
          message_channel: 'inbox',
          member_limit: 'yearly',
        }}
        onFinish={(v) => save.mutate(v)}
      >
        <div {...section(0)}>
          <Form.Item name="name" label={t('automation.name')} rules={[{ required: true }]}>
            <Input maxLength={100} data-testid="automation-name" />
          </Form.Item>
          <Form.Item name="kind" label={t('automation.trigger')}>
            <Select
              data-testid="automation-trigger"
              options={TRIGGER_KINDS.map(option('automation.triggers'))}
            />
          </Form.Item>
          {(kind === 'birthday' || kind === 'points_expiring') && (
            <Form.Item name="days_before" label={t('automation.daysBefore')}>
              <InputNumber min={0} max={kind === 'birthday' ? 60 : 90} />
            </Form.Item>
          )}
          {kind === 'no_purchase' && (
            <Form.Item name="days" label={t('automation.daysWithout')}>
              <InputNumber min={1} max={1825} />
            </Form.Item>
          )}
          {kind === 'recharge' && (
            <Form.Item name="min_yuan" label={t('automation.minRecharge')}>
              <InputNumber min={0} precision={2} />
            </Form.Item>
          )}
          {kind === 'tier_changed' && (
            <Form.Item name="to_tier_id" label={t('automation.toTier')}>
              <Select
                allowClear
                placeholder={t('automation.anyTier')}
                options={tierList.map((x) => ({ value: x.id, label: x.name }))}
              />
            </Form.Item>
          )}
        </div>
        <div {...section(1)}>
          <Form.Item
            name="delay_days"
            label={t('automation.delayDays')}
            extra={t('automation.delayHint')}
          >
            <InputNumber min={0} max={365} />
          </Form.Item>
        </div>
        <div {...section(2)}>
          <Form.Item label={t('automation.useCondition')}>
            <Switch
              checked={condition !== null}
              onChange={(on) => setCondition(on ? lifecycleRule() : null)}
              data-testid="automation-use-condition"
            />
          </Form.Item>
          {condition ? (
            <RuleBuilder root={condition} onChange={setCondition} />
          ) : (
            <span>{t('automation.everyone')}</span>
          )}
        </div>
        <div {...section(3)}>
          <Form.Item name="coupon_template_id" label={t('automation.coupon')}>
            <Select
              allowClear
              data-testid="automation-coupon"
              options={(templates.data ?? [])
                .filter((x) => x.active)
                .map((x) => ({ value: x.id, label: x.name }))}
            />
          </Form.Item>
          <Space>
            <Form.Item name="points" label={t('automation.points')}>
              <InputNumber min={1} max={1_000_000} />
            </Form.Item>
            <Form.Item name="points_expiry_days" label={t('automation.pointsExpiry')}>
              <InputNumber min={1} max={3660} />
            </Form.Item>
          </Space>
          <Space>
            <Form.Item name="message_template" label={t('automation.message')}>
              <Select
                allowClear
                style={{ width: 200 }}
                data-testid="automation-message"
                options={MESSAGE_TEMPLATES.map(option('automation.templates'))}
              />
            </Form.Item>
            <Form.Item name="message_channel" label={t('automation.channel')}>
              <Select
                style={{ width: 120 }}
                options={CHANNELS.map(option('automation.channels'))}
              />
            </Form.Item>
          </Space>
          <Space>
            <Form.Item name="task_kind" label={t('automation.task')}>
              <Select
                allowClear
                style={{ width: 160 }}
                options={TASK_KINDS.map(option('automation.taskKinds'))}
              />
            </Form.Item>
            <Form.Item name="task_title" label={t('automation.taskTitle')}>
              <Input maxLength={100} />
            </Form.Item>
          </Space>
          <Form.Item name="member_limit" label={t('automation.limit')}>
            <Select options={['once', 'yearly', 'unlimited'].map(option('automation.limits'))} />
          </Form.Item>
        </div>
      </Form>
    </StepsModal>
  );
}
