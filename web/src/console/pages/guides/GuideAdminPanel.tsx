import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  DatePicker,
  Form,
  InputNumber,
  Select,
  Space,
  Table,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { yuan } from '../../format.ts';
import { useStores } from '../../queries.ts';
import { useGuides } from './guide-queries.ts';

interface Figures {
  tasks: number;
  done: number;
  done_rate_bp: number;
  reached_members: number;
  attributed_orders: number;
  attributed_revenue_fen: number;
}
interface Report {
  window_days: number;
  guides: (Figures & { staff_id: string; display_name: string })[];
  stores: (Figures & { store_id: string | null; store_name: string | null })[];
}

/** The manager's part of 导购任务: guides and their members, assignment by store, results. */
export default function GuideAdminPanel() {
  const { can } = useAuth();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {can('guides.admin') && <AssignCard />}
      {can('reports.read') && <ReportCard />}
    </Space>
  );
}

function AssignCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const guides = useGuides();
  const { stores, nameOf } = useStores();
  const [form] = Form.useForm<{ store_id: string; staff_id: string }>();
  const storeId = Form.useWatch('store_id', form);
  const assign = useMutation({
    mutationFn: (body: { store_id: string; staff_id: string }) =>
      api.post<{ assigned: number }>('/guides/store-assignments', body),
    onSuccess: (r) => {
      message.success(t('guides.assigned', { count: r.assigned }));
      queryClient.invalidateQueries({ queryKey: ['guides'] });
    },
    onError: (e) => message.error(e.message),
  });
  return (
    <Card size="small" title={t('guides.manage')}>
      <Typography.Paragraph type="secondary">{t('guides.createHint')}</Typography.Paragraph>
      <Table
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        dataSource={guides.data ?? []}
        columns={[
          { title: t('guides.staff'), dataIndex: 'display_name' },
          { title: t('guides.store'), dataIndex: 'store_id', render: (id) => nameOf(id) },
          { title: t('guides.members'), dataIndex: 'members' },
          { title: t('guides.openTasks'), dataIndex: 'open_tasks' },
        ]}
      />
      <Typography.Title level={5}>{t('guides.assignStore')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('guides.assignStoreHelp')}</Typography.Paragraph>
      <Form form={form} layout="inline" onFinish={(v) => assign.mutate(v)}>
        <Form.Item name="store_id" label={t('guides.store')} rules={[{ required: true }]}>
          <Select
            style={{ minWidth: 140 }}
            options={stores.map((s) => ({ value: s.id, label: s.name }))}
          />
        </Form.Item>
        <Form.Item name="staff_id" label={t('guides.staff')} rules={[{ required: true }]}>
          <Select
            style={{ minWidth: 140 }}
            options={(guides.data ?? [])
              .filter((g) => g.store_id === storeId)
              .map((g) => ({ value: g.id, label: g.display_name }))}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={assign.isPending}>
          {t('guides.assign')}
        </Button>
      </Form>
    </Card>
  );
}

function ReportCard() {
  const { t } = useTranslation();
  const [range, setRange] = useState<[string, string]>([
    dayjs().startOf('month').format('YYYY-MM-DD'),
    dayjs().format('YYYY-MM-DD'),
  ]);
  const report = useQuery({
    queryKey: ['guide-report', range],
    queryFn: () => api.get<Report>('/reports/guides', { from: range[0], to: range[1] }),
  });
  const figures = [
    { title: t('guides.tasks'), dataIndex: 'tasks' },
    { title: t('guides.doneCount'), dataIndex: 'done' },
    {
      title: t('guides.doneRate'),
      dataIndex: 'done_rate_bp',
      render: (bp: number) => `${(bp / 100).toFixed(1)}%`,
    },
    { title: t('guides.reached'), dataIndex: 'reached_members' },
    { title: t('guides.orders'), dataIndex: 'attributed_orders' },
    { title: t('guides.revenue'), dataIndex: 'attributed_revenue_fen', render: yuan },
  ];
  return (
    <Card
      size="small"
      title={t('guides.report')}
      extra={
        <DatePicker.RangePicker
          allowClear={false}
          value={[dayjs(range[0]), dayjs(range[1])]}
          onChange={(v) =>
            v?.[0] && v[1] && setRange([v[0].format('YYYY-MM-DD'), v[1].format('YYYY-MM-DD')])
          }
        />
      }
    >
      <Typography.Paragraph type="secondary">
        {t('guides.reportHelp', { days: report.data?.window_days ?? 7 })}
      </Typography.Paragraph>
      <WindowSetting />
      <Table
        size="small"
        rowKey="staff_id"
        pagination={false}
        scroll={{ x: true }}
        loading={report.isLoading}
        dataSource={report.data?.guides ?? []}
        columns={[{ title: t('guides.guide'), dataIndex: 'display_name' }, ...figures]}
      />
      <Table
        size="small"
        rowKey={(r) => r.store_id ?? 'none'}
        pagination={false}
        scroll={{ x: true }}
        style={{ marginTop: 12 }}
        dataSource={report.data?.stores ?? []}
        columns={[
          {
            title: t('guides.store'),
            dataIndex: 'store_name',
            render: (name: string | null) => name ?? t('guides.noStore'),
          },
          ...figures,
        ]}
      />
    </Card>
  );
}

/** The attribution window, set by whoever hands out guide tasks. */
function WindowSetting() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const setting = useQuery({
    queryKey: ['guide-setting'],
    queryFn: () => api.get<{ attribution_days: number }>('/guides/setting'),
    enabled: can('guides.admin'),
  });
  const [days, setDays] = useState<number | null>(null);
  const save = useMutation({
    mutationFn: (attribution_days: number) => api.put('/guides/setting', { attribution_days }),
    onSuccess: () => {
      message.success(t('guides.windowSaved'));
      queryClient.invalidateQueries({ queryKey: ['guide-setting'] });
      queryClient.invalidateQueries({ queryKey: ['guide-report'] });
    },
    onError: (e) => message.error(e.message),
  });
  if (!can('guides.admin') || !setting.data) return null;
  const value = days ?? setting.data.attribution_days;
  return (
    <Space style={{ marginBottom: 12 }}>
      <InputNumber
        aria-label={t('guides.window')}
        addonBefore={t('guides.window')}
        addonAfter={t('guides.daysUnit')}
        min={1}
        max={90}
        value={value}
        onChange={(v) => setDays(v)}
      />
      <Button
        onClick={() => save.mutate(value)}
        loading={save.isPending}
        disabled={value === setting.data.attribution_days}
      >
        {t('guides.saveWindow')}
      </Button>
    </Space>
  );
}
