import { useQuery } from '@tanstack/react-query';
import { Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { type AuditEntry, api } from '../../api.ts';
import { formatSeconds } from '../../format.ts';

const compact = (value: unknown) =>
  value === null || value === undefined ? '' : JSON.stringify(value);

export function AuditTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const audit = useQuery({
    queryKey: ['member', memberId, 'audit'],
    queryFn: () => api.get<AuditEntry[]>(`/members/${memberId}/audit`),
  });
  return (
    <Table<AuditEntry>
      rowKey="id"
      size="small"
      loading={audit.isLoading}
      dataSource={audit.data ?? []}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      data-testid="audit-table"
      columns={[
        { title: t('member.time'), dataIndex: 'created_at', width: 180, render: formatSeconds },
        {
          title: t('member.actor'),
          dataIndex: 'actor_kind',
          width: 110,
          render: (k: string) => t(`actorKind.${k}`, { defaultValue: k }),
        },
        {
          title: t('member.action'),
          dataIndex: 'action',
          width: 140,
          render: (a: string) => t(`auditAction.${a}`, { defaultValue: a }),
        },
        {
          title: t('member.changes'),
          key: 'changes',
          render: (_: unknown, e: AuditEntry) => (
            <Typography.Text
              code
              ellipsis={{ tooltip: `${compact(e.before)} → ${compact(e.after)}` }}
              style={{ maxWidth: 520 }}
            >
              {e.before ? `${compact(e.before)} → ` : ''}
              {compact(e.after)}
            </Typography.Text>
          ),
        },
      ]}
    />
  );
}
