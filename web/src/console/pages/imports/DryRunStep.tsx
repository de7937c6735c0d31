import { DownloadOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Popconfirm, Space, Spin } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, newIdempotencyKey } from '../../api.ts';
import type { ImportJob } from '../../wire-types.ts';
import { ImportReport } from './ImportReport.tsx';
import { downloadBadRows } from './import-api.ts';

/** The dry-run report; committing takes one Idempotency-Key per report, so a retry commits once. */
export function DryRunStep({ job, onRemap }: { job: ImportJob; onRemap(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [idempotencyKey] = useState(newIdempotencyKey);
  const commit = useMutation({
    mutationFn: () => api.post<ImportJob>(`/imports/${job.id}/commit`, undefined, idempotencyKey),
    onSuccess: (next) => {
      if (next && typeof next === 'object' && 'status' in next)
        queryClient.setQueryData(['import', job.id], next);
      void queryClient.invalidateQueries({ queryKey: ['import', job.id] });
    },
    onError: (error) => void message.error(error.message),
  });
  if (job.status === 'dry_running')
    return (
      <Spin tip={t('imports.dryRunning')}>
        <div style={{ height: 160 }} />
      </Spin>
    );
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <ImportReport job={job} />
      {job.error && <Alert type="error" showIcon title={job.error} />}
      <Space>
        <Button onClick={onRemap}>{t('imports.remap')}</Button>
        {job.bad_rows > 0 && (
          <Button
            icon={<DownloadOutlined />}
            onClick={() => downloadBadRows(job).catch((e: Error) => message.error(e.message))}
          >
            {t('imports.downloadBad')}
          </Button>
        )}
        <Popconfirm
          title={t('imports.commitConfirm', { count: job.ok_rows })}
          onConfirm={() => commit.mutateAsync()}
        >
          <Button type="primary" loading={commit.isPending} disabled={job.ok_rows === 0}>
            {t('imports.commit')}
          </Button>
        </Popconfirm>
      </Space>
    </Space>
  );
}
