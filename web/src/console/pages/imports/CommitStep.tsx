import { Progress, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '../../wire-types.ts';

export function CommitStep({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const percent = job.total_rows > 0 ? Math.floor((job.processed_rows / job.total_rows) * 100) : 0;
  return (
    <Space orientation="vertical" style={{ width: '100%', maxWidth: 640 }}>
      <Typography.Text>{t('imports.committing')}</Typography.Text>
      <Progress percent={percent} status="active" data-testid="import-progress" />
      <Typography.Text type="secondary">
        {t('imports.processed', { processed: job.processed_rows, total: job.total_rows })}
      </Typography.Text>
    </Space>
  );
}
