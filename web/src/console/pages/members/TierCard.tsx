import { CrownOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Popconfirm, Progress, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { yuan } from '../../format.ts';
import type { MemberTierStatus } from '../../wire-types.ts';
import { discountText, errorText, localDate, times } from '../loyalty/loyalty-format.tsx';
import { useMembershipStatus, useMemberTier } from '../wallet/wallet-queries.ts';

type Right = MemberTierStatus['rights'][number];

/** A service right this month, and "use once" at the counter (counted by the server). */
function RightLine({ memberId, right }: { memberId: string; right: Right }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { can } = useAuth();
  const queryClient = useQueryClient();
  const use = useMutation({
    // each confirmed use is its own operation, so its own key
    mutationFn: () =>
      api.post(
        `/members/${memberId}/rights/${encodeURIComponent(right.code)}/use`,
        undefined,
        newIdempotencyKey(),
      ),
    onSuccess: () => {
      void message.success(t('tierCard.used', { name: right.name }));
      void queryClient.invalidateQueries({ queryKey: ['member', memberId, 'tier'] });
    },
    onError: (error) => void message.error(errorText(error, t)),
  });
  return (
    <Space>
      <Typography.Text>
        {t('tierCard.right', {
          name: right.name,
          remaining: right.remaining,
          total: right.monthly_uses,
        })}
      </Typography.Text>
      {can('loyalty.operate') && right.remaining > 0 && (
        <Popconfirm
          title={t('tierCard.useConfirm', { name: right.name })}
          onConfirm={() => use.mutateAsync()}
        >
          <Button size="small" type="link" loading={use.isPending}>
            {t('tierCard.use')}
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}

/** The member's tier, how far to the next one, this month's service rights, paid membership. */
export function TierCard({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const status = useMemberTier(memberId);
  const paid = useMembershipStatus(memberId).data;
  const s = status.data;
  const value = (n: number) => (s?.basis === 'spend' ? yuan(n) : n.toLocaleString());
  const unit = s?.basis === 'spend' ? t('tierCard.spend') : t('tierCard.growth');
  const percent =
    s?.next_tier && s.next_tier.threshold > 0
      ? Math.min(100, Math.floor((s.qualifying_value / s.next_tier.threshold) * 100))
      : 100;

  return (
    <Card
      size="small"
      title={t('tierCard.title')}
      loading={status.isLoading}
      data-testid="tier-card"
      extra={paid?.paid_member && <Tag color="purple">{t('tierCard.paidMember')}</Tag>}
    >
      {s && (
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          <Space>
            <Tag icon={<CrownOutlined />} color={s.tier ? 'gold' : 'default'}>
              {s.tier?.name ?? t('tierCard.noTier')}
            </Tag>
            {s.tier && (
              <Typography.Text type="secondary">
                {discountText(s.tier.discount_bp, t)} · {t('tierCard.points')}{' '}
                {times(s.tier.points_multiplier_bp)}
              </Typography.Text>
            )}
          </Space>
          <Typography.Text>
            {unit}: {value(s.qualifying_value)}
          </Typography.Text>
          {s.next_tier ? (
            <>
              <Progress percent={percent} size="small" />
              <Typography.Text type="secondary" data-testid="tier-missing">
                {t(s.basis === 'spend' ? 'tierCard.missingSpend' : 'tierCard.missing', {
                  amount: value(s.missing),
                  tier: s.next_tier.name,
                })}
              </Typography.Text>
            </>
          ) : (
            s.tier && <Typography.Text type="secondary">{t('tierCard.top')}</Typography.Text>
          )}
          {s.review_at && (
            <Typography.Text type="secondary">
              {t('tierCard.review', { date: localDate(s.review_at) })}
            </Typography.Text>
          )}
          {s.rights.map((r) => (
            <RightLine key={r.code} memberId={memberId} right={r} />
          ))}
          {paid?.paid_member && paid.paid_until && (
            <Typography.Text>
              {t('tierCard.paidUntil', { date: localDate(paid.paid_until) })}
            </Typography.Text>
          )}
        </Space>
      )}
    </Card>
  );
}
