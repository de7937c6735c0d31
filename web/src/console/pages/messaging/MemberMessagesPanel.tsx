import { useQuery } from '@tanstack/react-query';
import { Flex, List, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatTime } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { messagingZhCN } from '../../i18n/messaging-zh-CN.ts';
import { type Message, STATUS_COLORS } from './messaging-types.ts';

addPageMessages(messagingZhCN);

interface InboxItem {
  id: string;
  title: string;
  body: string;
  read_at: string | null;
  created_at: string;
}

/** The member 360° 消息 tab: the inbox and every message sent (or not) to the member. */
export default function MemberMessagesPanel({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const data = useQuery({
    queryKey: ['messaging', 'member', memberId],
    queryFn: () =>
      api.get<{ inbox: InboxItem[]; history: Message[] }>(`/members/${memberId}/messages`),
  });
  return (
    <Flex vertical gap={16} data-testid="member-messages">
      <Typography.Title level={5}>{t('messaging.inbox')}</Typography.Title>
      <List
        size="small"
        loading={data.isLoading}
        dataSource={data.data?.inbox ?? []}
        renderItem={(m) => (
          <List.Item>
            <List.Item.Meta title={m.title} description={m.body} />
            <Typography.Text type="secondary">{formatTime(m.created_at)}</Typography.Text>
          </List.Item>
        )}
      />
      <Typography.Title level={5}>{t('messaging.history')}</Typography.Title>
      <Table<Message>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={data.data?.history ?? []}
        columns={[
          { title: t('messaging.createdAt'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('messaging.channel'),
            dataIndex: 'channel',
            render: (c: string) => t(`messaging.channels.${c}`),
          },
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
        ]}
      />
    </Flex>
  );
}
