import { Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { PointsLiabilityCard } from './PointsLiabilityCard.tsx';
import { WalletLiabilityCard } from './WalletLiabilityCard.tsx';

/**
 * Liability reports: what the merchant still owes in stored value (principal apart from bonus,
 * per store) and in points (issued, spent, expired, outstanding per month). Lazy-loaded with
 * its charts, so ECharts never weighs on the console's first load.
 */
export default function LiabilityReportPage() {
  const { t } = useTranslation();
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        {t('reports.title')}
      </Typography.Title>
      <WalletLiabilityCard />
      <PointsLiabilityCard />
    </Space>
  );
}
