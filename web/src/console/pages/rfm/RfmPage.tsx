import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Flex,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Statistic,
  Table,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { tagsZhCN } from '../../i18n/tags-zh-CN.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { Chart } from '../reports/Chart.tsx';

addPageMessages(tagsZhCN);

const STAGES = ['new', 'active', 'core', 'dormant', 'churned'] as const;
type Stage = (typeof STAGES)[number];

interface Distribution {
  members: number;
  computed_at: string | null;
  groups: { group: string | null; name: string; count: number }[];
  lifecycle: { stage: Stage; name: string; count: number }[];
  scores: Record<'r' | 'f' | 'm', { score: number; count: number }[]>;
}
interface Transitions {
  from: string;
  to: string;
  items: { from_stage: Stage | null; to_stage: Stage; count: number }[];
}
interface Moved {
  member_id: string;
  name: string | null;
  card_no: string;
  from_stage: Stage | null;
  to_stage: Stage;
  changed_at: string;
}

/** RFM 分析: group, stage and score distributions, and who moved between stages when. */
export default function RfmPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const client = useQueryClient();
  const dist = useQuery({
    queryKey: ['rfm-distribution'],
    queryFn: () => api.get<Distribution>('/rfm/distribution'),
  });
  const recompute = useMutation({
    mutationFn: () => api.post<{ members: number; changes: number }>('/rfm/recompute'),
    onSuccess: (r) => {
      message.success(t('rfm.recomputed', r));
      client.invalidateQueries({ queryKey: ['rfm-distribution'] });
      client.invalidateQueries({ queryKey: ['rfm-transitions'] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  const d = dist.data;
  return (
    <Flex vertical gap={16}>
      <Card
        title={t('rfm.title')}
        extra={
          <Flex gap={12} align="center">
            <span>
              {d?.computed_at
                ? t('rfm.computedAt', { time: formatTime(d.computed_at) })
                : t('rfm.never')}
            </span>
            {can('campaigns.admin') && (
              <Button
                type="primary"
                onClick={() => recompute.mutate()}
                loading={recompute.isPending}
              >
                {t('rfm.recompute')}
              </Button>
            )}
          </Flex>
        }
      >
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <h4>{t('rfm.groups')}</h4>
            <Chart
              testId="rfm-groups"
              option={{
                tooltip: {},
                grid: { left: 110, right: 16, top: 8, bottom: 24 },
                xAxis: { type: 'value' },
                yAxis: {
                  type: 'category',
                  data: (d?.groups ?? []).map((g) => g.name),
                  inverse: true,
                },
                series: [{ type: 'bar', data: (d?.groups ?? []).map((g) => g.count) }],
              }}
            />
          </Col>
          <Col xs={24} lg={12}>
            <h4>{t('rfm.lifecycle')}</h4>
            <Chart
              testId="rfm-lifecycle"
              option={{
                tooltip: {},
                legend: { bottom: 0 },
                series: [
                  {
                    type: 'pie',
                    radius: ['40%', '70%'],
                    data: (d?.lifecycle ?? []).map((l) => ({ name: l.name, value: l.count })),
                  },
                ],
              }}
            />
          </Col>
          <Col xs={24}>
            <h4>{t('rfm.scores')}</h4>
            <Chart
              height={240}
              option={{
                tooltip: {},
                legend: {},
                xAxis: { type: 'category', data: [1, 2, 3, 4, 5].map(String) },
                yAxis: { type: 'value' },
                series: (['r', 'f', 'm'] as const).map((k) => ({
                  type: 'bar',
                  name: k.toUpperCase(),
                  data: (d?.scores[k] ?? []).map((s) => s.count),
                })),
              }}
            />
          </Col>
        </Row>
      </Card>
      <TransitionsCard />
      {can('campaigns.admin') && <SettingsCard />}
    </Flex>
  );
}

function TransitionsCard() {
  const { t } = useTranslation();
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('month'), dayjs()]);
  const [pair, setPair] = useState<[Stage, Stage]>(['active', 'dormant']);
  const query = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const data = useQuery({
    queryKey: ['rfm-transitions', query],
    queryFn: () => api.get<Transitions>('/rfm/transitions', query),
  });
  const moved = useQuery({
    queryKey: ['rfm-transitions', query, pair],
    queryFn: () =>
      api.get<Moved[]>('/rfm/transitions/members', {
        ...query,
        from_stage: pair[0],
        to_stage: pair[1],
      }),
  });
  const stage = (s: Stage | null) => (s ? t(`rfm.stages.${s}`) : '—');
  const items = data.data?.items ?? [];
  const activeToDormant =
    items.find((i) => i.from_stage === 'active' && i.to_stage === 'dormant')?.count ?? 0;
  const stageOptions = STAGES.map((s) => ({ value: s, label: stage(s) }));
  return (
    <Card
      title={t('rfm.transitions')}
      extra={
        <DatePicker.RangePicker
          value={range}
          allowClear={false}
          onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
        />
      }
    >
      <Row gutter={[16, 16]}>
        <Col xs={24} md={6}>
          <Statistic title={t('rfm.activeToDormant')} value={activeToDormant} />
        </Col>
        <Col xs={24} md={18}>
          <Chart
            testId="rfm-transitions"
            height={240}
            option={{
              tooltip: {},
              grid: { left: 110, right: 16, top: 8, bottom: 24 },
              xAxis: { type: 'value' },
              yAxis: {
                type: 'category',
                inverse: true,
                data: items.map((i) => `${stage(i.from_stage)}→${stage(i.to_stage)}`),
              },
              series: [{ type: 'bar', data: items.map((i) => i.count) }],
            }}
          />
        </Col>
        <Col xs={24}>
          <Flex gap={8} align="center" style={{ marginBottom: 8 }}>
            <span>{t('rfm.moved')}</span>
            <Select
              size="small"
              value={pair[0]}
              options={stageOptions}
              onChange={(v) => setPair([v, pair[1]])}
            />
            →
            <Select
              size="small"
              value={pair[1]}
              options={stageOptions}
              onChange={(v) => setPair([pair[0], v])}
            />
          </Flex>
          <Table<Moved>
            rowKey={(r) => `${r.member_id}-${r.changed_at}`}
            size="small"
            loading={moved.isLoading}
            dataSource={moved.data ?? []}
            pagination={{ pageSize: 20 }}
            columns={[
              {
                title: t('rfm.member'),
                render: (_, r) => r.name ?? r.card_no,
              },
              { title: t('rfm.from'), render: (_, r) => stage(r.from_stage) },
              { title: t('rfm.to'), render: (_, r) => stage(r.to_stage) },
              { title: t('rfm.changedAt'), render: (_, r) => formatTime(r.changed_at) },
            ]}
          />
        </Col>
      </Row>
    </Card>
  );
}

interface Setting {
  window_days: number;
  new_days: number;
  dormant_days: number;
  churned_days: number;
  core_min_orders: number;
  recompute_at: string;
}

function SettingsCard() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const setting = useQuery({
    queryKey: ['rfm-setting'],
    queryFn: () => api.get<Setting>('/rfm/setting'),
  });
  const save = useMutation({
    mutationFn: (v: Setting) => api.patch<Setting>('/rfm/setting', v),
    onSuccess: () => {
      message.success(t('common.saved'));
      client.invalidateQueries({ queryKey: ['rfm-setting'] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  if (!setting.data) return null;
  const number = (name: keyof Setting, min: number, max: number) => (
    <Form.Item name={name} label={t(`rfm.${camel(name)}`)}>
      <InputNumber min={min} max={max} />
    </Form.Item>
  );
  return (
    <Card title={t('rfm.settings')} size="small">
      <Form layout="inline" initialValues={setting.data} onFinish={(v) => save.mutate(v)}>
        {number('window_days', 30, 1825)}
        {number('new_days', 1, 365)}
        {number('dormant_days', 7, 1095)}
        {number('churned_days', 14, 1825)}
        {number('core_min_orders', 2, 1000)}
        <Form.Item name="recompute_at" label={t('rfm.recomputeAt')}>
          <Input style={{ width: 80 }} maxLength={5} />
        </Form.Item>
        <Button htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

const camel = (s: string) => s.replace(/_(\w)/g, (_, c: string) => c.toUpperCase());
