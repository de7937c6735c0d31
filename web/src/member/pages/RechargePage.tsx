import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, List, Toast } from 'antd-mobile';
import { ApiError, api } from '../api.ts';
import { useT, yuan } from '../i18n.ts';

interface Plan {
  id: string;
  name: string;
  price_fen: number;
  bonus_fen: number;
}
interface Payment {
  id: string;
  amount_fen: number;
  status: string;
}

const fail = (e: unknown) => Toast.show({ content: e instanceof ApiError ? e.message : String(e) });

/**
 * A recharge with a plan through the payment provider. The development provider completes on
 * its button; a real gateway (WeChat Pay, Alipay) would open the payer's wallet here instead.
 */
export default function RechargePage() {
  const t = useT();
  const client = useQueryClient();
  const plans = useQuery({
    queryKey: ['plans'],
    queryFn: () => api<{ items: Plan[] }>('GET', '/member/recharge-plans'),
  });
  const payments = useQuery({
    queryKey: ['payments'],
    queryFn: () => api<{ items: Payment[] }>('GET', '/member/payments'),
  });
  const start = useMutation({
    mutationFn: (plan: string) =>
      api(
        'POST',
        '/member/payments',
        { plan_id: plan, provider: 'development' },
        { idempotent: true },
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: ['payments'] }),
    onError: fail,
  });
  const complete = useMutation({
    mutationFn: (id: string) =>
      api('POST', `/member/payments/${id}/complete`, undefined, { idempotent: true }),
    onSuccess: () => {
      Toast.show({ content: t('paid') });
      void client.invalidateQueries();
    },
    onError: fail,
  });
  const pending = payments.data?.items.filter((p) => p.status === 'pending') ?? [];
  return (
    <>
      <List header={t('plans')}>
        {plans.data?.items.map((p) => (
          <List.Item
            key={p.id}
            description={p.bonus_fen ? `${t('bonus')} ${yuan(p.bonus_fen)}` : undefined}
            extra={
              <Button size="small" color="primary" onClick={() => start.mutate(p.id)}>
                {t('pay')}
              </Button>
            }
          >
            {p.name} {yuan(p.price_fen)}
          </List.Item>
        ))}
      </List>
      <List>
        {pending.map((p) => (
          <List.Item
            key={p.id}
            extra={
              <Button size="small" color="warning" onClick={() => complete.mutate(p.id)}>
                {t('complete_dev')}
              </Button>
            }
          >
            {t('pending_payment', { amount: yuan(p.amount_fen) })}
          </List.Item>
        ))}
      </List>
    </>
  );
}
