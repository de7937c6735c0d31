import { useQuery } from '@tanstack/react-query';
import { Button, Card, Grid, List, ProgressBar } from 'antd-mobile';
import { useNavigate } from 'react-router';
import { api, base } from '../api.ts';
import { day, useT, yuan } from '../i18n.ts';
import { Qr } from '../Qr.tsx';
import type { Me } from '../types.ts';

/** The dynamic member code: minted by the member's own channel, valid 60 s, refreshed. */
function MemberCode() {
  const t = useT();
  const code = useQuery({
    queryKey: ['member-code'],
    queryFn: () => api<{ code: string; qr_svg: string }>('GET', '/member/code'),
    refetchInterval: 50_000,
    staleTime: 0,
  });
  return (
    <Card title={t('member_code')} style={{ margin: 12 }}>
      <div data-testid="member-code">
        <Qr svg={code.data?.qr_svg} size={200} label={t('member_code')} />
      </div>
      <p style={{ textAlign: 'center', color: '#999', fontSize: 12 }}>{t('code_refresh')}</p>
    </Card>
  );
}

export function CardPage() {
  const t = useT();
  const navigate = useNavigate();
  const me = useQuery({ queryKey: ['me'], queryFn: () => api<Me>('GET', '/member/me') });
  if (!me.data) return null;
  const card = me.data.card;
  if (!card)
    return (
      <Card style={{ margin: 12 }} data-testid="not-member">
        <p>{t('not_member')}</p>
        <Button color="primary" block onClick={() => navigate(`${base}/coupons`)}>
          {t('claim')}
        </Button>
      </Card>
    );
  const progress = card.next_tier
    ? Math.round((100 * card.qualifying_value) / (card.qualifying_value + card.missing || 1))
    : 100;
  return (
    <div data-testid="card">
      <Card
        style={{ margin: 12, background: 'linear-gradient(135deg,#1677ff,#69b1ff)', color: '#fff' }}
      >
        <div style={{ fontSize: 18, fontWeight: 600 }}>{card.tier?.name ?? t('no_tier')}</div>
        <div style={{ opacity: 0.85 }}>
          {t('card_no')} {card.card_no}
        </div>
        <ProgressBar percent={progress} style={{ marginTop: 12, '--fill-color': '#fff' }} />
        <div style={{ fontSize: 12, marginTop: 4 }}>
          {card.next_tier
            ? t('to_next', { tier: card.next_tier.name, n: card.missing })
            : t('top_tier')}
        </div>
      </Card>
      <MemberCode />
      <Grid columns={2} gap={8} style={{ margin: 12 }}>
        <Card title={t('points')}>
          <div style={{ fontSize: 22 }}>{card.points}</div>
        </Card>
        <Card title={t('balance')}>
          <div style={{ fontSize: 22 }}>{yuan(card.principal_fen + card.bonus_fen)}</div>
          <div style={{ fontSize: 12, color: '#999' }}>
            {t('principal')} {yuan(card.principal_fen)} · {t('bonus')} {yuan(card.bonus_fen)}
          </div>
        </Card>
      </Grid>
      <List style={{ margin: 12 }}>
        {card.points_expiring.map((l) => (
          <List.Item key={l.expires_at}>
            {t('expiring', { points: l.points, date: day(l.expires_at) })}
          </List.Item>
        ))}
        {card.bonus_parts
          .filter((p) => p.state === 'pending')
          .map((p) => (
            <List.Item key={`${p.available_from}-${p.amount_fen}`}>
              {t('bonus')}:{' '}
              {t('bonus_part', { amount: yuan(p.amount_fen), date: day(p.available_from) })}
            </List.Item>
          ))}
        <List.Item
          extra={card.paid_member ? t('paid_until', { date: day(card.paid_until) }) : t('not_paid')}
        >
          {t('paid_member')}
        </List.Item>
        <List.Item onClick={() => navigate(`${base}/recharge`)}>{t('recharge')}</List.Item>
        <List.Item onClick={() => navigate(`${base}/share`)}>{t('share')}</List.Item>
      </List>
    </div>
  );
}
