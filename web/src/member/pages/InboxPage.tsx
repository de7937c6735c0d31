import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Badge, Button, Empty, List } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { api, base } from '../api.ts';
import { day, useT } from '../i18n.ts';

interface Message {
  id: string;
  title: string;
  body: string;
  ref_type: string | null;
  read_at: string | null;
  created_at: string;
}

export default function InboxPage() {
  const t = useT();
  const client = useQueryClient();
  const navigate = useNavigate();
  const messages = useQuery({
    queryKey: ['messages'],
    queryFn: () => api<{ items: Message[] }>('GET', '/member/messages'),
  });
  const read = useMutation({
    mutationFn: (id: string) => api('POST', `/member/messages/${id}/read`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['messages'] }),
  });
  // a campaign's call to action: the tap is recorded (campaign_click), then its coupons are shown
  const act = useMutation({
    mutationFn: (id: string) => api('POST', `/member/messages/${id}/click`),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ['messages'] });
      navigate(`${base}/coupons`);
    },
  });
  if (messages.data?.items.length === 0) return <Empty description={t('no_messages')} />;
  return (
    <List>
      {messages.data?.items.map((m) => (
        <List.Item
          key={m.id}
          description={
            <>
              <div>{m.body}</div>
              {m.ref_type === 'campaign' && (
                <Button
                  size="mini"
                  color="primary"
                  fill="outline"
                  style={{ marginTop: 8 }}
                  loading={act.isPending && act.variables === m.id}
                  onClick={(e) => {
                    e.stopPropagation();
                    act.mutate(m.id);
                  }}
                >
                  {t('view_coupons')}
                </Button>
              )}
            </>
          }
          extra={day(m.created_at)}
          onClick={() => !m.read_at && read.mutate(m.id)}
        >
          {m.read_at ? m.title : <Badge content={Badge.dot}>{m.title}</Badge>}
        </List.Item>
      ))}
    </List>
  );
}
