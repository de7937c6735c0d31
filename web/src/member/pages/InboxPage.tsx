import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Empty, List } from 'antd-mobile';
import { api } from '../api.ts';
import { day, useT } from '../i18n.ts';

interface Message {
  id: string;
  title: string;
  body: string;
  read_at: string | null;
  created_at: string;
}

export default function InboxPage() {
  const t = useT();
  const client = useQueryClient();
  const messages = useQuery({
    queryKey: ['messages'],
    queryFn: () => api<{ items: Message[] }>('GET', '/member/messages'),
  });
  const read = useMutation({
    mutationFn: (id: string) => api('POST', `/member/messages/${id}/read`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['messages'] }),
  });
  if (messages.data?.items.length === 0) return <Empty description={t('no_messages')} />;
  return (
    <List>
      {messages.data?.items.map((m) => (
        <List.Item
          key={m.id}
          description={m.body}
          extra={day(m.created_at)}
          onClick={() => !m.read_at && read.mutate(m.id)}
        >
          {m.read_at ? m.title : <Badge content={Badge.dot}>{m.title}</Badge>}
        </List.Item>
      ))}
    </List>
  );
}
