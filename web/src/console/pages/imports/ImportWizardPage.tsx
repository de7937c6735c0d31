import { Alert, Card, Spin, Steps, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { addPageMessages } from '../../i18n/index.ts';
import { orderImportZhCN } from '../../i18n/order-import-zh-CN.ts';
import type { ImportJob } from '../../wire-types.ts';
import { CommitStep } from './CommitStep.tsx';
import { DryRunStep } from './DryRunStep.tsx';
import { useImportJob } from './import-api.ts';
import { MappingStep } from './MappingStep.tsx';
import { ResultStep } from './ResultStep.tsx';
import { UploadStep } from './UploadStep.tsx';

addPageMessages(orderImportZhCN);

/** The step follows the job's status, so a reload or a visit from the list resumes where it is. */
function stepOf(job: ImportJob, remapping: boolean): number {
  if (remapping && (job.status === 'dry_run_done' || job.status === 'failed')) return 1;
  switch (job.status) {
    case 'uploaded':
      return 1;
    case 'dry_running':
    case 'dry_run_done':
      return 2;
    case 'committing':
      return 3;
    case 'done':
    case 'failed':
      return 4;
  }
}

export default function ImportWizardPage() {
  const { id } = useParams();
  const { t } = useTranslation();
  const navigate = useNavigate();
  const job = useImportJob(id);
  const [remapping, setRemapping] = useState(false);
  const step = id && job.data ? stepOf(job.data, remapping) : 0;
  const steps = ['stepUpload', 'stepMapping', 'stepDryRun', 'stepCommit', 'stepResult'];

  const body = () => {
    if (!id) return <UploadStep onUploaded={(created) => navigate(`/imports/${created.id}`)} />;
    if (job.error) return <Alert type="error" showIcon title={job.error.message} />;
    if (!job.data) return <Spin />;
    const remap = () => setRemapping(true);
    if (step === 1) return <MappingStep job={job.data} onStarted={() => setRemapping(false)} />;
    if (step === 2) return <DryRunStep job={job.data} onRemap={remap} />;
    if (step === 3) return <CommitStep job={job.data} />;
    return <ResultStep job={job.data} onRemap={remap} />;
  };

  return (
    <Card>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        {job.data?.kind === 'orders' ? t('orderImport.title') : t('imports.title')}
        {job.data && (
          <Typography.Text type="secondary" style={{ fontSize: 14, marginLeft: 12 }}>
            {job.data.file_name}
          </Typography.Text>
        )}
      </Typography.Title>
      <Steps
        current={step}
        status={job.data?.status === 'failed' ? 'error' : undefined}
        items={steps.map((s) => ({ title: t(`imports.${s}`) }))}
        style={{ margin: '16px 0 32px' }}
      />
      {body()}
    </Card>
  );
}
