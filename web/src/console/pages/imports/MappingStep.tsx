import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Checkbox, Select, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { ImportJob } from '../../wire-types.ts';
import { mappingComplete, targetFieldsOf } from './import-api.ts';

interface Row {
  header: string;
  samples: string[];
}

/** File headers → target fields, prefilled with the server's guess from common Chinese headers. */
export function MappingStep({ job, onStarted }: { job: ImportJob; onStarted(): void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [mapping, setMapping] = useState<Record<string, string | null>>(() =>
    Object.fromEntries(job.headers.map((h) => [h, job.mapping[h] ?? null])),
  );
  const [award, setAward] = useState(job.award);
  const orders = job.kind === 'orders';
  const dryRun = useMutation({
    mutationFn: () =>
      api.post<ImportJob>(`/imports/${job.id}/dry-run`, orders ? { mapping, award } : { mapping }),
    onSuccess: (next) => {
      if (next && typeof next === 'object' && 'status' in next)
        queryClient.setQueryData(['import', job.id], next);
      void queryClient.invalidateQueries({ queryKey: ['import', job.id] });
      onStarted();
    },
  });
  const rows: Row[] = job.headers.map((header, i) => ({
    header,
    samples: job.sample_rows.slice(0, 3).map((r) => r[i] ?? ''),
  }));
  const complete = mappingComplete(job.kind, mapping);
  const options = [
    { value: '', label: t('imports.ignore') },
    ...targetFieldsOf(job.kind).map((f) => ({
      value: f.field,
      label: `${t(f.label)} (${f.field})`,
    })),
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Table<Row>
        rowKey="header"
        size="small"
        pagination={false}
        dataSource={rows}
        data-testid="mapping-table"
        columns={[
          { title: t('imports.header'), dataIndex: 'header', width: 200 },
          {
            title: t('imports.target'),
            key: 'target',
            width: 240,
            render: (_: unknown, row) => (
              <Select
                style={{ width: 220 }}
                value={mapping[row.header] ?? ''}
                options={options}
                onChange={(value: string) =>
                  setMapping((m) => ({ ...m, [row.header]: value || null }))
                }
              />
            ),
          },
          {
            title: t('imports.sample'),
            dataIndex: 'samples',
            render: (samples: string[]) => (
              <Typography.Text type="secondary">{samples.join(' · ')}</Typography.Text>
            ),
          },
        ]}
      />
      {!complete && (
        <Alert
          type="warning"
          showIcon
          title={orders ? t('orderImport.required') : t('imports.phoneRequired')}
        />
      )}
      {orders && (
        <Checkbox
          checked={award}
          onChange={(e) => setAward(e.target.checked)}
          data-testid="import-award"
        >
          {t('orderImport.award')}
        </Checkbox>
      )}
      {dryRun.error && <Alert type="error" showIcon title={dryRun.error.message} />}
      <Button
        type="primary"
        disabled={!complete}
        loading={dryRun.isPending}
        onClick={() => dryRun.mutate()}
      >
        {t('imports.runDryRun')}
      </Button>
    </Space>
  );
}
