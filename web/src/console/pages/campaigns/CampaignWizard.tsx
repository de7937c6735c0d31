import { useMutation, useQuery } from '@tanstack/react-query';
import { App, DatePicker, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { showFieldError } from '../../form-errors.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { segmentsZhCN } from '../../i18n/segments-zh-CN.ts';
import { useMerchant } from '../../queries.ts';
import { StepsModal } from '../../StepsModal.tsx';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { RuleBuilder } from '../segments/RuleBuilder.tsx';
import {
  emptyGroup,
  FIELDS,
  type Node,
  nextKey,
  type Rule,
  toRule,
} from '../segments/segment-types.ts';
import type { Campaign } from './campaign-types.ts';
import { CapFields } from './DefaultCapModal.tsx';

addPageMessages(segmentsZhCN);

interface WizardForm {
  name: string;
  segment_id: string;
  coupon_template_id?: string;
  points?: number | null;
  points_expiry_days?: number | null;
  message_title?: string;
  message_body?: string;
  task_kind?: string;
  task_title?: string;
  task_script?: string;
  task_due_days?: number;
  control_percent: number;
  cap_max?: number | null;
  cap_days?: number | null;
  budget_coupons?: number | null;
  budget_points?: number | null;
  budget_cost_yuan?: number | null;
  schedule?: Dayjs | null;
}

const TASK_KINDS = ['call', 'message', 'invite_back', 'birthday', 'follow_up'];

const given = (v: number | null | undefined) => v !== null && v !== undefined;

/** A saved segment, or a rule built here for this campaign only. */
function toBody(v: WizardForm, rule?: Rule) {
  const actions: Record<string, unknown> = {};
  if (v.coupon_template_id) actions.coupon_template_id = v.coupon_template_id;
  if (v.points)
    actions.points = {
      amount: v.points,
      ...(v.points_expiry_days ? { expiry_days: v.points_expiry_days } : {}),
    };
  if (v.message_title && v.message_body)
    actions.message = { title: v.message_title, body: v.message_body };
  if (v.task_kind && v.task_title)
    actions.task = {
      kind: v.task_kind,
      title: v.task_title,
      ...(v.task_script ? { script: v.task_script } : {}),
      due_days: v.task_due_days ?? 3,
    };
  const budget: Record<string, number> = {};
  if (given(v.budget_coupons)) budget.coupons = v.budget_coupons!;
  if (given(v.budget_points)) budget.points = v.budget_points!;
  if (given(v.budget_cost_yuan)) budget.cost_fen = Math.round(v.budget_cost_yuan! * 100);
  return {
    name: v.name,
    target: rule ? { rule } : { segment_id: v.segment_id },
    actions,
    control_bp: Math.round(v.control_percent * 100),
    // sent as null when cleared: an omitted cap would take the merchant's default
    cap: v.cap_max && v.cap_days ? { max: v.cap_max, days: v.cap_days } : null,
    budget,
    // the picker shows the merchant's zone; the server reads the wall-clock time in it
    ...(v.schedule ? { schedule_local: v.schedule.format('YYYY-MM-DDTHH:mm') } : {}),
  };
}

type Listed<T> = T[] | { items: T[] };
const itemsOf = <T,>(x: Listed<T> | undefined): T[] => (Array.isArray(x) ? x : (x?.items ?? []));

export function CampaignWizard(props: {
  open: boolean;
  onClose(): void;
  onCreated(id: string): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<WizardForm>();
  const [step, setStep] = useState(0);
  const [targetBy, setTargetBy] = useState<'segment' | 'rule'>('segment');
  const [root, setRoot] = useState<Node>(() =>
    emptyGroup([{ kind: 'leaf', key: nextKey(), negate: false, leaf: { ...FIELDS.orders! } }]),
  );
  const segments = useQuery({
    queryKey: ['segments'],
    queryFn: () => api.get<Listed<{ id: string; name: string }>>('/segments'),
    enabled: props.open,
    retry: false,
  });
  const templates = useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api.get<{ id: string; name: string; active: boolean }[]>('/coupon-templates'),
    enabled: props.open,
  });
  // the merchant's frequency cap across campaigns, filled in for the marketer to keep or change
  const merchant = useMerchant(props.open);
  const defaultCap = merchant.data?.campaign_cap;
  useEffect(() => {
    if (props.open && defaultCap && form.getFieldValue('cap_max') === undefined)
      form.setFieldsValue({ cap_max: defaultCap.max, cap_days: defaultCap.days });
  }, [props.open, defaultCap, form]);
  const save = useMutation({
    mutationFn: (v: WizardForm) =>
      api.post<Campaign>('/campaigns', toBody(v, targetBy === 'rule' ? toRule(root) : undefined)),
    onSuccess: (c) => {
      void message.success(t('campaigns.created'));
      form.resetFields();
      setStep(0);
      props.onClose();
      props.onCreated(c.id);
    },
    onError: (error) => {
      if (!showFieldError(form, error, ['name', 'segment_id']))
        void message.error(errorText(error, t));
    },
  });
  const section = (n: number) => ({ style: { display: step === n ? 'block' : 'none' } });
  const segmentOptions = itemsOf(segments.data).map((s) => ({ value: s.id, label: s.name }));
  return (
    <StepsModal
      title={t('campaigns.create')}
      open={props.open}
      onClose={props.onClose}
      width={760}
      steps={[
        t('campaigns.steps.target'),
        t('campaigns.steps.actions'),
        t('campaigns.steps.rules'),
      ]}
      step={step}
      onStep={setStep}
      saveLabel={t('campaigns.save')}
      saving={save.isPending}
      onSave={() => form.submit()}
      testId="wizard"
    >
      <Form<WizardForm>
        form={form}
        layout="vertical"
        initialValues={{ control_percent: 10, task_due_days: 3 }}
        onFinish={(v) => save.mutate(v)}
        onFinishFailed={(e) => {
          const first = String(e.errorFields[0]?.name[0] ?? '');
          setStep(first === 'name' || first === 'segment_id' ? 0 : 2);
        }}
      >
        <div {...section(0)}>
          <Form.Item name="name" label={t('campaigns.name')} rules={[{ required: true }]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item label={t('campaigns.targetBy')}>
            <Radio.Group
              optionType="button"
              value={targetBy}
              onChange={(e) => setTargetBy(e.target.value)}
              options={[
                { value: 'segment', label: t('campaigns.segment') },
                { value: 'rule', label: t('campaigns.ownRule') },
              ]}
            />
          </Form.Item>
          {targetBy === 'segment' ? (
            <Form.Item
              name="segment_id"
              label={t('campaigns.segment')}
              extra={segmentOptions.length ? t('campaigns.segmentHelp') : t('campaigns.noSegments')}
              rules={[{ required: true }]}
            >
              <Select options={segmentOptions} showSearch optionFilterProp="label" />
            </Form.Item>
          ) : (
            <Form.Item extra={t('campaigns.ownRuleHelp')}>
              <RuleBuilder root={root} onChange={setRoot} />
            </Form.Item>
          )}
        </div>
        <div {...section(1)}>
          <Form.Item name="coupon_template_id" label={t('campaigns.coupon')}>
            <Select
              allowClear
              options={(templates.data ?? [])
                .filter((x) => x.active)
                .map((x) => ({ value: x.id, label: x.name }))}
            />
          </Form.Item>
          <Space wrap>
            <Form.Item name="points" label={t('campaigns.points')}>
              <InputNumber min={1} max={1_000_000} precision={0} />
            </Form.Item>
            <Form.Item
              name="points_expiry_days"
              label={t('campaigns.pointsExpiry')}
              tooltip={t('campaigns.pointsExpiryHelp')}
            >
              <InputNumber min={1} max={3660} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="message_title" label={t('campaigns.messageTitle')}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="message_body" label={t('campaigns.messageBody')}>
            <Input.TextArea maxLength={2000} rows={2} />
          </Form.Item>
          <Space wrap>
            <Form.Item name="task_kind" label={t('campaigns.taskKind')}>
              <Select
                allowClear
                style={{ width: 140 }}
                options={TASK_KINDS.map((k) => ({
                  value: k,
                  label: t(`campaigns.taskKinds.${k}`),
                }))}
              />
            </Form.Item>
            <Form.Item name="task_title" label={t('campaigns.taskTitle')}>
              <Input maxLength={100} />
            </Form.Item>
            <Form.Item name="task_due_days" label={t('campaigns.taskDue')}>
              <InputNumber min={0} max={365} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="task_script" label={t('campaigns.taskScript')}>
            <Input.TextArea maxLength={2000} rows={2} />
          </Form.Item>
        </div>
        <div {...section(2)}>
          <Form.Item
            name="control_percent"
            label={t('campaigns.control')}
            extra={t('campaigns.controlHelp')}
            rules={[{ required: true }]}
          >
            <InputNumber min={0} max={50} precision={2} />
          </Form.Item>
          <CapFields max="cap_max" days="cap_days" />
          <Space wrap>
            <Form.Item name="budget_coupons" label={t('campaigns.budgetCoupons')}>
              <InputNumber min={0} precision={0} />
            </Form.Item>
            <Form.Item name="budget_points" label={t('campaigns.budgetPoints')}>
              <InputNumber min={0} precision={0} />
            </Form.Item>
            <Form.Item
              name="budget_cost_yuan"
              label={t('campaigns.budgetCost')}
              tooltip={t('campaigns.budgetHelp')}
            >
              <InputNumber min={0} precision={2} />
            </Form.Item>
          </Space>
          <Form.Item
            name="schedule"
            label={t('campaigns.schedule')}
            extra={t('campaigns.scheduleHelp')}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
          </Form.Item>
        </div>
      </Form>
    </StepsModal>
  );
}
