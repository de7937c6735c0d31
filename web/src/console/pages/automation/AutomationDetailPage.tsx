import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Descriptions, Flex, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { api } from '../../api.ts';
import { formatTime } from '../../format.ts';
import { automationZhCN } from '../../i18n/automation-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { STATUS_COLORS } from './AutomationsPage.tsx';
import { type Automation, OUTCOMES, type Run } from './automation-types.ts';

addPageMessages(automationZhCN);

function actionText(a: Automation, t: (k: string) => string): string {
  const parts: string[] = [];
  if (a.actions.coupon_template_id) parts.push(t('automation.coupon'));
  if (a.actions.points) parts.push(`${t('automation.points')} ${a.actions.points.amount}`);
  if (a.actions.message)
    parts.push(
      `${t(`automation.channels.${a.actions.message.channel}`)} · ${t(`automation.templates.${a.actions.message.template}`)}`,
    );
  if (a.actions.task) parts.push(`${t('automation.task')} · ${a.actions.task.title}`);
  return parts.join('，');
}

export default function AutomationDetailPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { id = '' } = useParams();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useState<string | undefined>();
  const automation = useQuery({
    queryKey: ['automation', id],
    queryFn: () => api.get<Automation>(`/automations/${id}`),
  });
  const runs = useInfiniteQuery({
    queryKey: ['automation-runs', id, outcome],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      api.get<{ items: Run[]; next_cursor: string | null }>(`/automations/${id}/runs`, {
        limit: 50,
        ...(outcome ? { outcome } : {}),
        ...(pageParam ? { cursor: pageParam } : {}),
      }),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const toggle = useMutation({
    mutationFn: (action: 'pause' | 'resume') =>
      api.post<Automation>(`/automations/${id}/${action}`),
    onSuccess: (a) => {
      void message.success(t(a.status === 'paused' ? 'automation.paused' : 'automation.resumed'));
      queryClient.setQueryData(['automation', id], a);
      void queryClient.invalidateQueries({ queryKey: ['automations'] });
    },
    onError: (error) => void message.error(errorText(error, t)),
  });
  const a = automation.data;
  if (!a) return <Card loading />;
  const trigger = t(`automation.triggers.${a.trigger.kind}`);
  const triggerParams =
    a.trigger.days_before !== undefined
      ? `${trigger}（${t('automation.daysBefore')} ${a.trigger.days_before}）`
      : a.trigger.days !== undefined
        ? `${trigger}（${a.trigger.days}）`
        : trigger;
  return (
    <Flex vertical gap={16}>
      <Card
        title={a.name}
        extra={
          <Flex gap={8} align="center">
            <Tag color={STATUS_COLORS[a.status]} data-testid="automation-status">
              {t(`automation.statuses.${a.status}`)}
            </Tag>
            <Button
              loading={toggle.isPending}
              onClick={() => toggle.mutate(a.status === 'active' ? 'pause' : 'resume')}
              data-testid="automation-toggle"
            >
              {t(a.status === 'active' ? 'automation.pause' : 'automation.resume')}
            </Button>
          </Flex>
        }
      >
        <Descriptions
          size="small"
          column={{ xs: 1, sm: 2 }}
          items={[
            { label: t('automation.trigger'), children: triggerParams },
            { label: t('automation.delayDays'), children: a.delay_days },
            {
              label: t('automation.condition'),
              children: a.condition ? t('automation.useCondition') : t('automation.everyone'),
            },
            { label: t('automation.actions'), children: actionText(a, t) },
            { label: t('automation.limit'), children: t(`automation.limits.${a.member_limit}`) },
            { label: t('automation.activatedAt'), children: formatTime(a.activated_at) },
            {
              label: t('automation.counts'),
              children: `${a.counts.reached} / ${a.counts.skipped} / ${a.counts.pending}`,
            },
          ]}
        />
      </Card>
      <Card
        title={t('automation.runs')}
        extra={
          <Select
            allowClear
            placeholder={t('automation.allOutcomes')}
            style={{ width: 200 }}
            value={outcome}
            onChange={setOutcome}
            options={OUTCOMES.map((o) => ({ value: o, label: t(`automation.outcomes.${o}`) }))}
          />
        }
      >
        <Table<Run>
          rowKey="id"
          size="small"
          loading={runs.isLoading}
          pagination={false}
          data-testid="automation-runs"
          dataSource={runs.data?.pages.flatMap((p) => p.items) ?? []}
          columns={[
            { title: t('automation.member'), render: (_, r) => r.member_name ?? r.card_no },
            { title: t('automation.occurrence'), dataIndex: 'occurrence' },
            {
              title: t('automation.dueAt'),
              dataIndex: 'due_at',
              render: (v: string) => formatTime(v),
            },
            {
              title: t('automation.outcome'),
              render: (_, r) =>
                r.outcome ? (
                  <Tag color={r.outcome === 'reached' ? 'green' : 'orange'}>
                    {t(`automation.outcomes.${r.outcome}`)}
                  </Tag>
                ) : (
                  <Tag>{t('automation.pending')}</Tag>
                ),
            },
            {
              title: t('automation.doneAt'),
              dataIndex: 'done_at',
              render: (v: string | null) => formatTime(v),
            },
          ]}
        />
        {runs.hasNextPage && (
          <Button
            style={{ marginTop: 12 }}
            loading={runs.isFetchingNextPage}
            onClick={() => void runs.fetchNextPage()}
          >
            {t('automation.more')}
          </Button>
        )}
      </Card>
    </Flex>
  );
}
