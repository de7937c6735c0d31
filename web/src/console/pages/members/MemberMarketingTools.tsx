import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, DatePicker, Dropdown, Form, Input, Modal, Radio, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { guidesZhCN } from '../../i18n/guides-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import type { CouponTemplate } from '../../wire-types.ts';
import { KINDS, useGuides } from '../guides/guide-queries.ts';
import type { MemberFilter } from './MemberFilters.tsx';

addPageMessages(guidesZhCN);

// The member list's marketing filters and bulk actions: a lazy chunk, so the list's first load
// (a cashier's) does not carry them.

const RFM_GROUPS = [
  'important_value',
  'important_develop',
  'important_keep',
  'important_retain',
  'general_value',
  'general_develop',
  'general_keep',
  'general_retain',
] as const;
const STAGES = ['new', 'active', 'core', 'dormant', 'churned'] as const;
/** What the list's URL filter holds that the bulk routes' `filter` does not take. */
const NOT_FILTERS = new Set(['sort', 'order', 'cursor', 'limit']);

type Action = 'tag' | 'coupon' | 'task';

export default function MemberMarketingTools(props: {
  filter: MemberFilter;
  onFilter(next: MemberFilter): void;
  selected: string[];
  total: number | undefined;
}) {
  return (
    <Space wrap>
      <MarketingFilters value={props.filter} onChange={props.onFilter} />
      <BulkActions {...props} />
    </Space>
  );
}

function MarketingFilters(props: { value: MemberFilter; onChange(next: MemberFilter): void }) {
  const { t } = useTranslation();
  const { value } = props;
  const set = (patch: MemberFilter) => props.onChange({ ...value, ...patch });
  const tags = useQuery({
    queryKey: ['tags'],
    queryFn: () => api.get<{ id: string; name: string }[]>('/tags'),
  });
  const segments = useQuery({
    queryKey: ['segments'],
    queryFn: () => api.get<{ id: string; name: string }[]>('/segments'),
  });
  return (
    <>
      <Select
        mode="multiple"
        allowClear
        placeholder={t('memberBulk.tagsFilter')}
        style={{ minWidth: 160 }}
        value={value.tag_ids ? value.tag_ids.split(',') : []}
        options={(tags.data ?? []).map((tag) => ({ value: tag.id, label: tag.name }))}
        onChange={(ids: string[]) => set({ tag_ids: ids.join(',') || undefined })}
        data-testid="filter-tag_ids"
      />
      <Select
        allowClear
        placeholder={t('memberBulk.segment')}
        style={{ width: 140 }}
        value={value.segment_id}
        options={(segments.data ?? []).map((s) => ({ value: s.id, label: s.name }))}
        onChange={(id?: string) => set({ segment_id: id })}
        data-testid="filter-segment_id"
      />
      <Select
        allowClear
        placeholder={t('memberBulk.rfmGroup')}
        style={{ width: 140 }}
        value={value.rfm_group}
        options={RFM_GROUPS.map((g) => ({ value: g, label: t(`memberBulk.rfmGroups.${g}`) }))}
        onChange={(g?: string) => set({ rfm_group: g })}
        data-testid="filter-rfm_group"
      />
      <Select
        allowClear
        placeholder={t('memberBulk.lifecycle')}
        style={{ width: 120 }}
        value={value.lifecycle}
        options={STAGES.map((s) => ({ value: s, label: t(`member360.stages.${s}`) }))}
        onChange={(s?: string) => set({ lifecycle: s })}
        data-testid="filter-lifecycle"
      />
    </>
  );
}

/** The route's `filter`: the list's filter with its numbers and booleans typed again. */
function bodyFilter(filter: MemberFilter) {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(filter)) {
    if (raw === undefined || NOT_FILTERS.has(key)) continue;
    out[key] =
      key === 'marketing_consent'
        ? raw === 'true'
        : /_(min|max)(_fen)?$|^birthday_month$/.test(key)
          ? Number(raw)
          : raw;
  }
  return out;
}

function BulkActions(props: {
  filter: MemberFilter;
  selected: string[];
  total: number | undefined;
}) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const [action, setAction] = useState<Action | null>(null);
  const items = [
    ...(can('campaigns.admin')
      ? [
          { key: 'tag', label: t('memberBulk.tag') },
          { key: 'coupon', label: t('memberBulk.coupon') },
        ]
      : []),
    ...(can('guides.admin') ? [{ key: 'task', label: t('memberBulk.task') }] : []),
  ];
  if (items.length === 0) return null;
  return (
    <>
      <Dropdown
        menu={{ items, onClick: ({ key }) => setAction(key as Action) }}
        trigger={['click']}
      >
        <Button data-testid="bulk-actions">
          {t('memberBulk.button')}
          {props.selected.length > 0 &&
            ` · ${t('memberBulk.selected', { count: props.selected.length })}`}
        </Button>
      </Dropdown>
      {action && <BulkModal action={action} {...props} onClose={() => setAction(null)} />}
    </>
  );
}

interface BulkValues {
  scope: 'selection' | 'filter';
  tag_id?: string;
  template_id?: string;
  staff_id?: string;
  kind?: string;
  title?: string;
  script?: string;
  due_at?: Dayjs;
}

function BulkModal(props: {
  action: Action;
  filter: MemberFilter;
  selected: string[];
  total: number | undefined;
  onClose(): void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<BulkValues>();
  // one key per opened dialog: a double click or a retry pushes the coupons once
  const [key] = useState(newIdempotencyKey);
  const tags = useQuery({
    queryKey: ['tags'],
    queryFn: () => api.get<{ id: string; name: string; kind: string }[]>('/tags'),
    enabled: props.action === 'tag',
  });
  const templates = useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api.get<CouponTemplate[]>('/coupon-templates'),
    enabled: props.action === 'coupon',
  });
  const guides = useGuides(props.action === 'task');
  const run = useMutation({
    mutationFn: async (v: BulkValues) => {
      const selection =
        v.scope === 'selection'
          ? { member_ids: props.selected }
          : { filter: bodyFilter(props.filter) };
      if (props.action === 'tag')
        return api.post<Record<string, number>>('/members/bulk/tags', {
          ...selection,
          tag_id: v.tag_id,
        });
      if (props.action === 'coupon')
        return api.post<Record<string, number>>(
          '/members/bulk/coupons',
          { ...selection, template_id: v.template_id },
          key,
        );
      return api.post<Record<string, number>>(
        '/members/bulk/guide-tasks',
        {
          ...selection,
          ...(v.staff_id ? { staff_id: v.staff_id } : {}),
          kind: v.kind,
          title: v.title,
          ...(v.script ? { script: v.script } : {}),
          due_at: (v.due_at ?? dayjs()).toISOString(),
        },
        key,
      );
    },
    onSuccess: (result) => {
      const text = { tag: 'tagged', coupon: 'pushed', task: 'tasksCreated' }[props.action];
      message.success(t(`memberBulk.${text}`, result));
      queryClient.invalidateQueries({ queryKey: ['members'] });
      props.onClose();
    },
    onError: (e) => message.error(e.message),
  });
  const hasSelection = props.selected.length > 0;
  return (
    <Modal
      open
      title={t(`memberBulk.${props.action}`)}
      onCancel={props.onClose}
      onOk={() => form.submit()}
      okText={t('memberBulk.run')}
      confirmLoading={run.isPending}
    >
      <Form
        form={form}
        layout="vertical"
        initialValues={{
          scope: hasSelection ? 'selection' : 'filter',
          kind: 'call',
          due_at: dayjs().add(1, 'day'),
        }}
        onFinish={(v) => run.mutate(v)}
      >
        <Form.Item name="scope" label={t('memberBulk.scope')}>
          <Radio.Group>
            <Space orientation="vertical">
              <Radio value="selection" disabled={!hasSelection}>
                {t('memberBulk.scopeSelection', { count: props.selected.length })}
              </Radio>
              <Radio value="filter">
                {t('memberBulk.scopeFilter', { count: props.total ?? 0 })}
              </Radio>
            </Space>
          </Radio.Group>
        </Form.Item>
        {props.action === 'tag' && (
          <Form.Item name="tag_id" label={t('memberBulk.tagField')} rules={[{ required: true }]}>
            <Select
              options={(tags.data ?? [])
                .filter((tag) => tag.kind === 'manual')
                .map((tag) => ({ value: tag.id, label: tag.name }))}
            />
          </Form.Item>
        )}
        {props.action === 'coupon' && (
          <Form.Item
            name="template_id"
            label={t('memberBulk.template')}
            rules={[{ required: true }]}
          >
            <Select
              options={(templates.data ?? []).map((tp) => ({ value: tp.id, label: tp.name }))}
            />
          </Form.Item>
        )}
        {props.action === 'task' && (
          <>
            <Form.Item name="staff_id" label={t('guides.guide')}>
              <Select
                allowClear
                placeholder={t('memberBulk.staffDefault')}
                options={(guides.data ?? []).map((g) => ({ value: g.id, label: g.display_name }))}
              />
            </Form.Item>
            <Form.Item name="kind" label={t('memberBulk.kind')}>
              <Select options={KINDS.map((k) => ({ value: k, label: t(`guides.kinds.${k}`) }))} />
            </Form.Item>
            <Form.Item
              name="title"
              label={t('memberBulk.title')}
              rules={[{ required: true, max: 100 }]}
            >
              <Input />
            </Form.Item>
            <Form.Item name="script" label={t('memberBulk.script')}>
              <Input.TextArea rows={3} maxLength={2000} />
            </Form.Item>
            <Form.Item name="due_at" label={t('memberBulk.dueAt')}>
              <DatePicker showTime />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}
