import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Dialog, Empty, List, Tabs, Tag, Toast } from 'antd-mobile';
import { ApiError, api } from '../api.ts';
import { day, useT } from '../i18n.ts';
import { Qr } from '../Qr.tsx';
import { shareCode } from '../share-link.ts';

const claimUrl = (id: string) => {
  const code = shareCode();
  return `/member/coupon-templates/${id}/claim${code ? `?share_code=${encodeURIComponent(code)}` : ''}`;
};

interface MyCoupon {
  id: string;
  name: string;
  code: string;
  status: string;
  valid_until: string;
}
interface Claimable {
  id: string;
  name: string;
  left: number | null;
}

const fail = (e: unknown) => {
  Toast.show({ content: e instanceof ApiError ? e.message : String(e) });
};

/** The coupon's code and QR for the till's scanner. */
async function showCode(coupon: MyCoupon, title: string) {
  const qr = await api<{ code: string; qr_svg: string }>('GET', `/member/coupons/${coupon.id}/qr`);
  Dialog.alert({
    title,
    content: (
      <div data-testid="coupon-code" style={{ textAlign: 'center' }}>
        <Qr svg={qr.qr_svg} size={200} label={title} />
        <div style={{ fontFamily: 'monospace', fontSize: 16, letterSpacing: 1 }}>{qr.code}</div>
      </div>
    ),
  });
}

export default function CouponsPage() {
  const t = useT();
  const client = useQueryClient();
  const mine = useQuery({
    queryKey: ['coupons'],
    queryFn: () => api<{ items: MyCoupon[] }>('GET', '/member/coupons'),
  });
  const centre = useQuery({
    queryKey: ['coupon-templates'],
    queryFn: () => api<{ items: Claimable[] }>('GET', '/member/coupon-templates'),
  });
  const claim = useMutation({
    mutationFn: (id: string) =>
      api<{ member_created: boolean }>('POST', claimUrl(id), undefined, {
        idempotent: true,
      }),
    onSuccess: (r) => {
      Toast.show({ content: r.member_created ? t('became_member') : t('claimed') });
      void client.invalidateQueries();
    },
    onError: fail,
  });
  return (
    <Tabs defaultActiveKey="mine">
      <Tabs.Tab title={t('mine')} key="mine">
        {mine.data?.items.length === 0 && <Empty description={t('no_coupons')} />}
        <List>
          {mine.data?.items.map((c) => (
            <List.Item
              key={c.id}
              description={t('valid_until', { date: day(c.valid_until) })}
              extra={
                c.status === 'issued' ? (
                  <Button
                    size="small"
                    color="primary"
                    onClick={() => showCode(c, c.name).catch(fail)}
                  >
                    {t('show_code')}
                  </Button>
                ) : (
                  <Tag>{c.status}</Tag>
                )
              }
            >
              {c.name}
            </List.Item>
          ))}
        </List>
      </Tabs.Tab>
      <Tabs.Tab title={t('claim')} key="claim">
        <List>
          {centre.data?.items.map((c) => (
            <List.Item
              key={c.id}
              extra={
                <Button
                  size="small"
                  color="primary"
                  loading={claim.isPending && claim.variables === c.id}
                  onClick={() => claim.mutate(c.id)}
                >
                  {t('claim_it')}
                </Button>
              }
            >
              {c.name}
            </List.Item>
          ))}
        </List>
      </Tabs.Tab>
    </Tabs>
  );
}
