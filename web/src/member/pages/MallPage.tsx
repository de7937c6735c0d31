import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Empty, List, Toast } from 'antd-mobile';
import { ApiError, api } from '../api.ts';
import { useT } from '../i18n.ts';

interface Reward {
  id: string;
  name: string;
  kind: string;
  points_price: number;
  stock: number | null;
}

/** The points mall: goods, services and coupons for points. */
export default function MallPage() {
  const t = useT();
  const client = useQueryClient();
  const rewards = useQuery({
    queryKey: ['rewards'],
    queryFn: () => api<{ items: Reward[] }>('GET', '/member/mall/rewards'),
  });
  const redeem = useMutation({
    mutationFn: (id: string) =>
      api('POST', `/member/mall/rewards/${id}/redeem`, undefined, { idempotent: true }),
    onSuccess: () => {
      Toast.show({ content: t('redeemed') });
      void client.invalidateQueries();
    },
    onError: (e) => Toast.show({ content: e instanceof ApiError ? e.message : String(e) }),
  });
  if (rewards.data?.items.length === 0) return <Empty />;
  return (
    <List header={t('mall')}>
      {rewards.data?.items.map((r) => (
        <List.Item
          key={r.id}
          description={t('points_price', { n: r.points_price })}
          extra={
            <Button size="small" color="primary" onClick={() => redeem.mutate(r.id)}>
              {t('redeem')}
            </Button>
          }
        >
          {r.name}
        </List.Item>
      ))}
    </List>
  );
}
