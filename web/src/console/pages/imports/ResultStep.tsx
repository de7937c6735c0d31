import { DownloadOutlined } from '@ant-design/icons';
import { App, Button, Result } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { ImportJob } from '../../wire-types.ts';
import { ImportReport } from './ImportReport.tsx';
import { downloadBadRows } from './import-api.ts';

export function ResultStep({ job, onRemap }: { job: ImportJob; onRemap(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const failed = job.status === 'failed';
  const actions = [
    job.bad_rows > 0 && (
      <Button
        key="bad"
        icon={<DownloadOutlined />}
        onClick={() => downloadBadRows(job).catch((e: Error) => message.error(e.message))}
        data-testid="download-bad-rows"
      >
        {t('imports.downloadBad')}
      </Button>
    ),
    failed && (
      <Button key="remap" onClick={onRemap}>
        {t('imports.remap')}
      </Button>
    ),
    <Link key="members" to="/members">
      <Button type="primary">{t('nav.members')}</Button>
    </Link>,
    <Link key="again" to="/imports/new">
      <Button>{t('imports.again')}</Button>
    </Link>,
  ];
  return (
    <>
      <Result
        status={failed ? 'error' : 'success'}
        title={failed ? t('imports.failed') : t('imports.done')}
        subTitle={
          failed
            ? (job.error ?? '')
            : job.kind === 'orders'
              ? t('orderImport.doneSummary', {
                  orders: job.committed?.orders_created ?? 0,
                  lines: job.committed?.lines_created ?? 0,
                  bad: job.bad_rows,
                })
              : t('imports.doneSummary', {
                  ok: job.ok_rows,
                  created: job.new_members,
                  existing: job.existing_members,
                  bad: job.bad_rows,
                })
        }
        extra={actions}
      />
      <ImportReport job={job} />
    </>
  );
}
