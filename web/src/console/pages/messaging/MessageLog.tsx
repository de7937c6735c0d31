import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Flex, Select, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useCursorPages } from '../../cursor-pages.tsx';
import { formatTime, showPhone } from '../../format.ts';
import { type Message, STATUS_COLORS } from './messaging-types.ts';

const STATUSES = ['pending', 'retrying', 'sent', 'dead', 'skipped'] as const;
const CHANNELS = ['inbox', 'sms', 'email', 'wechat', 'webhook'] as const;

/** The delivery log (发送记录) with the dead letters (死信) and their retry. */
export function MessageLog() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<string | undefined>();
  const [channel, setChannel] = useState<string | undefined>();
  const { cursor, reset, pager } = useCursorPages();
  const log = useQuery({
    queryKey: ['messaging', 'messages', status, channel, cursor],
    queryFn: () =>
      api.get<{ items: Message[]; next_cursor: string | null }>('/messaging/messages', {
        status,
        channel,
        cursor,
      }),
  });
  const retry = useMutation({
    mutationFn: (id: string) => api.post<Message>(`/messaging/messages/${id}/retry`),
    onSuccess: () => {
      void message.success(t('messaging.retried'));
      void queryClient.invalidateQueries({ queryKey: ['messaging', 'messages'] });
    },
    onError: (error) => void message.error(error.message),
  });
  return (
    <Flex vertical gap={12}>
      <Flex gap={8} wrap>
        <Select
          allowClear
          data-testid="message-status-filter"
          style={{ width: 160 }}
          placeholder={t('messaging.allStatuses')}
          value={status}
          onChange={(v) => {
            setStatus(v);
            reset();
          }}
          options={STATUSES.map((s) => ({ value: s, label: t(`messaging.statuses.${s}`) }))}
        />
        <Select
          allowClear
          style={{ width: 160 }}
          placeholder={t('messaging.allChannels')}
          value={channel}
          onChange={(v) => {
            setChannel(v);
            reset();
          }}
          options={CHANNELS.map((c) => ({ value: c, label: t(`messaging.channels.${c}`) }))}
        />
        <Button onClick={() => void log.refetch()}>↻</Button>
      </Flex>
      <Table<Message>
        rowKey="id"
        data-testid="message-log"
        loading={log.isLoading}
        dataSource={log.data?.items ?? []}
        pagination={false}
        scroll={{ x: 900 }}
        columns={[
          { title: t('messaging.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('messaging.channel'),
            dataIndex: 'channel',
            render: (c: string) => t(`messaging.channels.${c}`),
          },
          {
            title: t('messaging.recipient'),
            key: 'to',
            render: (_: unknown, m) => (m.phone ? showPhone(m.phone) : (m.address ?? '')),
          },
          { title: t('messaging.code'), dataIndex: 'template' },
          { title: t('messaging.titleZh'), dataIndex: 'title', ellipsis: true },
          {
            title: t('messaging.status'),
            dataIndex: 'status',
            render: (s: Message['status'], m) => (
              <Tag color={STATUS_COLORS[s]}>
                {t(`messaging.statuses.${s}`)}
                {m.skip_reason ? ` · ${t(`messaging.skipReasons.${m.skip_reason}`)}` : ''}
              </Tag>
            ),
          },
          { title: t('messaging.attempts'), dataIndex: 'attempts' },
          {
            title: t('messaging.lastError'),
            dataIndex: 'last_error',
            ellipsis: true,
            render: (e: string | null) =>
              e ? <Typography.Text type="danger">{e}</Typography.Text> : null,
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, m) =>
              m.status === 'dead' ? (
                <Button size="small" onClick={() => retry.mutate(m.id)}>
                  {t('messaging.retry')}
                </Button>
              ) : null,
          },
        ]}
      />
      {pager(log.data?.next_cursor)}
    </Flex>
  );
}
