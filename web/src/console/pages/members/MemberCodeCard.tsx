import { useQuery } from '@tanstack/react-query';
import { Card, Skeleton, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { MemberCode } from '../../wire-types.ts';

/** The dynamic member code lives 60 s; it is fetched again every 50 s so the shown one is valid. */
export function MemberCodeCard({ memberId, cardNo }: { memberId: string; cardNo: string }) {
  const { t } = useTranslation();
  const code = useQuery({
    queryKey: ['member-code', memberId],
    queryFn: () => api.get<MemberCode>(`/members/${memberId}/code`),
    refetchInterval: 50_000,
    refetchIntervalInBackground: false,
  });
  return (
    <Card title={t('member.card')} size="small">
      <Typography.Title level={4} copyable style={{ marginTop: 0 }} data-testid="member-card-no">
        {cardNo}
      </Typography.Title>
      <Typography.Text type="secondary">{t('member.code')}</Typography.Text>
      <div style={{ width: 160, height: 160, margin: '8px 0' }}>
        {code.data ? (
          <img
            alt={t('member.code')}
            width={160}
            height={160}
            src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(code.data.qr_svg)}`}
          />
        ) : (
          <Skeleton.Image active />
        )}
      </div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('member.codeHint')}
      </Typography.Text>
    </Card>
  );
}
