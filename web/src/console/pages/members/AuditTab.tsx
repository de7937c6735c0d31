import { useQuery } from '@tanstack/react-query';
import { Table, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatSeconds, showPhone, yuan } from '../../format.ts';
import type { AuditEntry } from '../../wire-types.ts';

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** money fields whose names do not end in `_fen` */
const FEN_KEYS = new Set(['principal_after', 'bonus_after']);

/** One value as a merchant reads it: fen in yuan, phones as written, yes/no, lists joined. */
function showValue(key: string, value: unknown, t: TFunction): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'number' && (key.endsWith('_fen') || FEN_KEYS.has(key))) return yuan(value);
  if (key === 'method' && typeof value === 'string')
    return t(`tender.methods.${value}`, { defaultValue: value });
  if (typeof value === 'boolean') return value ? t('common.yes') : t('common.no');
  if (key === 'phone' && typeof value === 'string') return showPhone(value);
  if (key === 'gender' && typeof value === 'string') return t(`gender.${value}`);
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map((v) => showValue(key, v, t)).join('、');
  if (isRecord(value))
    return Object.entries(value)
      .map(([k, v]) => `${fieldName(k, t)} ${showValue(k, v, t)}`)
      .join('，');
  return String(value);
}

const fieldName = (key: string, t: TFunction) => t(`auditField.${key}`, { defaultValue: key });

/** "姓名：李四 → 李小四" per changed field; a field only after the change shows its new value. */
function changes(entry: AuditEntry, t: TFunction): string[] {
  const before = isRecord(entry.before) ? entry.before : {};
  const after = isRecord(entry.after) ? entry.after : {};
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  return keys.map((key) => {
    const next = showValue(key, after[key], t);
    return key in before
      ? `${fieldName(key, t)}：${showValue(key, before[key], t)} → ${next}`
      : `${fieldName(key, t)}：${next}`;
  });
}

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
      scroll={{ x: 'max-content' }}
      data-testid="audit-table"
      columns={[
        { title: t('member.time'), dataIndex: 'created_at', width: 170, render: formatSeconds },
        {
          title: t('member.actor'),
          key: 'actor',
          width: 180,
          render: (_: unknown, e: AuditEntry) => (
            <>
              {e.actor_name ?? t(`actorKind.${e.actor_kind}`, { defaultValue: e.actor_kind })}
              {e.store_name && (
                <Typography.Text type="secondary" style={{ display: 'block', fontSize: 12 }}>
                  {e.store_name}
                </Typography.Text>
              )}
            </>
          ),
        },
        {
          title: t('member.action'),
          dataIndex: 'action',
          width: 130,
          render: (a: string) => t(`auditAction.${a}`, { defaultValue: a }),
        },
        {
          title: t('member.changes'),
          key: 'changes',
          render: (_: unknown, e: AuditEntry) => (
            <div data-testid="audit-changes">
              {changes(e, t).map((line) => (
                <div key={line}>{line}</div>
              ))}
            </div>
          ),
        },
      ]}
    />
  );
}
