import { Alert, Button, Col, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ImportJob } from '../../wire-types.ts';
import { useImportErrors } from './import-api.ts';

type ErrorRow = ImportJob['errors'][number];
type DuplicateRow = ImportJob['duplicates'][number];

/** Counts, then every bad row (paged in) and the duplicates: what a dry run found and a commit did. */
export function ImportReport({ job }: { job: ImportJob }) {
  const { t } = useTranslation();
  const all = useImportErrors(job);
  const errors = all.data ? all.data.pages.flatMap((p) => p.items) : job.errors;
  const orders = job.orders;
  const counts: [string, number][] = orders
    ? [
        ['imports.total', job.total_rows],
        ['imports.ok', job.ok_rows],
        ['imports.bad', job.bad_rows],
        ['orderImport.orders', orders.orders],
        ['orderImport.lines', orders.lines],
        ['orderImport.existingOrders', orders.existing_orders],
        ['orderImport.members', orders.members],
        ['orderImport.guestOrders', orders.guest_orders],
      ]
    : [
        ['imports.total', job.total_rows],
        ['imports.ok', job.ok_rows],
        ['imports.bad', job.bad_rows],
        ['imports.newMembers', job.new_members],
        ['imports.existing', job.existing_members],
        ['imports.duplicates', job.duplicate_rows],
      ];
  return (
    <>
      <Row gutter={16} data-testid="import-counts">
        {counts.map(([label, value]) => (
          <Col span={4} key={label}>
            <Statistic title={t(label)} value={value} />
          </Col>
        ))}
        {orders && (
          <Col span={4}>
            <Statistic
              title={t('orderImport.amount')}
              value={(orders.amount_fen / 100).toFixed(2)}
            />
          </Col>
        )}
      </Row>
      {job.kind === 'orders' && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
          {job.award ? t('orderImport.award') : t('orderImport.awardOff')}
        </Typography.Paragraph>
      )}
      {errors.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('imports.errors', { count: errors.length })}
          </Typography.Title>
          <Table<ErrorRow>
            rowKey={(e) => `${e.line}:${e.column ?? ''}:${e.code}`}
            size="small"
            dataSource={errors}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            data-testid="import-errors"
            columns={[
              { title: t('imports.line'), dataIndex: 'line', width: 90 },
              {
                title: t('imports.column'),
                dataIndex: 'column',
                width: 160,
                render: (c: string | null) => c ?? '—',
              },
              { title: t('imports.reason'), dataIndex: 'message' },
            ]}
          />
          {all.hasNextPage && (
            <Button
              onClick={() => all.fetchNextPage()}
              loading={all.isFetchingNextPage}
              data-testid="import-errors-more"
            >
              {t('common.loadMore')}
            </Button>
          )}
        </>
      )}
      {job.duplicates.length > 0 && (
        <>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('imports.duplicates')}
          </Typography.Title>
          {job.merge_rule && (
            <Alert type="info" showIcon title={job.merge_rule} style={{ marginBottom: 12 }} />
          )}
          <Table<DuplicateRow>
            rowKey={(d) => `${d.line}:${d.kind}`}
            size="small"
            dataSource={job.duplicates}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            data-testid="import-duplicates"
            columns={[
              { title: t('imports.line'), dataIndex: 'line', width: 90 },
              { title: t('members.phone'), dataIndex: 'phone', width: 160 },
              {
                title: t('imports.dupKind'),
                dataIndex: 'kind',
                width: 160,
                render: (k: string) =>
                  k === 'in_file' ? t('imports.inFile') : t('imports.existingMember'),
              },
              { title: t('imports.rule'), dataIndex: 'rule' },
            ]}
          />
        </>
      )}
    </>
  );
}
