import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useCursorPages } from '../../cursor-pages.tsx';
import { formatTime } from '../../format.ts';
import type { Delivery } from './webhook-types.ts';

const COLORS = {
  pending: 'blue',
  retrying: 'orange',
  sent: 'green',
  dead: 'red',
  skipped: 'default',
};

export function DeliveryLog() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<string | undefined>();
  const { cursor, reset, pager } = useCursorPages();
  const log = useQuery({
    queryKey: ['webhooks', 'deliveries', status, cursor],
    queryFn: () =>
      api.get<{ items: Delivery[]; next_cursor: string | null }>('/webhooks/deliveries', {
        status,
        cursor,
      }),
  });
  const replay = useMutation({
    mutationFn: (id: string) => api.post<Delivery>(`/webhooks/deliveries/${id}/replay`),
    onSuccess: () => {
      void message.success(t('webhooks.replayed'));
      void queryClient.invalidateQueries({ queryKey: ['webhooks', 'deliveries'] });
    },
    onError: (error) => void message.error(error.message),
  });
  const statuses = ['pending', 'retrying', 'sent', 'dead'] as const;
  return (
    <Flex vertical gap={12}>
      <Flex gap={8}>
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('webhooks.allStatuses')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            reset();
          }}
          options={statuses.map((s) => ({ value: s, label: t(`webhooks.statuses.${s}`) }))}
        />
        <Button onClick={() => void log.refetch()}>↻</Button>
      </Flex>
      <Table<Delivery>
        rowKey="id"
        data-testid="webhook-deliveries"
        loading={log.isLoading}
        dataSource={log.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('webhooks.createdAt'), dataIndex: 'created_at', render: formatTime },
          { title: t('webhooks.event'), dataIndex: 'event_type' },
          { title: t('webhooks.subscription'), dataIndex: 'subscription_name' },
          {
            title: t('webhooks.status'),
            dataIndex: 'status',
            render: (s: Delivery['status']) => (
              <Tag color={COLORS[s]}>{t(`webhooks.statuses.${s}`)}</Tag>
            ),
          },
          { title: t('webhooks.statusCode'), dataIndex: 'status_code' },
          { title: t('webhooks.attempts'), dataIndex: 'attempts' },
          {
            title: t('webhooks.lastError'),
            dataIndex: 'last_error',
            render: (e: string | null) =>
              e ? <Typography.Text type="danger">{e}</Typography.Text> : null,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, d) => (
              <Button
                size="small"
                disabled={d.status === 'pending'}
                onClick={() => replay.mutate(d.id)}
              >
                {t('webhooks.replay')}
              </Button>
            ),
          },
        ]}
      />
      {pager(log.data?.next_cursor)}
    </Flex>
  );
}
