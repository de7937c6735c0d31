import { Card, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * The card number. The dynamic member code is minted only by the member's own channel (it
 * authorises a payment), so the console shows no live code: the till scans the member's.
 */
export function MemberCodeCard({ cardNo }: { cardNo: string }) {
  const { t } = useTranslation();
  return (
    <Card title={t('member.card')} size="small">
      <Typography.Title level={4} copyable style={{ marginTop: 0 }} data-testid="member-card-no">
        {cardNo}
      </Typography.Title>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('member.codeHint')}
      </Typography.Text>
    </Card>
  );
}
