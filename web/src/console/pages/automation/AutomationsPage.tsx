import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../../api.ts';
import { formatTime } from '../../format.ts';
import { automationZhCN } from '../../i18n/automation-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { AutomationBuilder } from './AutomationBuilder.tsx';
import type { Automation } from './automation-types.ts';
import { HolidayCalendar } from './HolidayCalendar.tsx';

addPageMessages(automationZhCN);

export const STATUS_COLORS = { active: 'green', paused: 'default' } as const;

export default function AutomationsPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const list = useQuery({
    queryKey: ['automations'],
    queryFn: () => api.get<{ items: Automation[] }>('/automations'),
  });
  const automations = (
    <Flex vertical gap={12}>
      <Typography.Text type="secondary">{t('automation.hint')}</Typography.Text>
      <Table<Automation>
        rowKey="id"
        loading={list.isLoading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="automation-list"
        onRow={(row) => ({ onClick: () => navigate(`/automation/${row.id}`) })}
        columns={[
          { title: t('automation.name'), dataIndex: 'name' },
          {
            title: t('automation.trigger'),
            render: (_, a) => t(`automation.triggers.${a.trigger.kind}`),
          },
          {
            title: t('automation.status'),
            dataIndex: 'status',
            render: (s: Automation['status']) => (
              <Tag color={STATUS_COLORS[s]}>{t(`automation.statuses.${s}`)}</Tag>
            ),
          },
          {
            title: t('automation.counts'),
            render: (_, a) => `${a.counts.reached} / ${a.counts.skipped} / ${a.counts.pending}`,
          },
          {
            title: t('automation.createdAt'),
            dataIndex: 'created_at',
            render: (v: string) => formatTime(v),
          },
        ]}
      />
    </Flex>
  );
  return (
    <Card
      title={t('automation.title')}
      extra={
        <Button type="primary" onClick={() => setCreating(true)} data-testid="automation-create">
          {t('automation.create')}
        </Button>
      }
    >
      <Tabs
        items={[
          { key: 'automations', label: t('automation.tabs.automations'), children: automations },
          { key: 'holidays', label: t('automation.tabs.holidays'), children: <HolidayCalendar /> },
        ]}
      />
      <AutomationBuilder
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(id) => navigate(`/automation/${id}`)}
      />
    </Card>
  );
}
