import { useQuery } from '@tanstack/react-query';
import { Segmented, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { formatTime, signed, yuan } from '../../format.ts';
import type { LedgerEntry, LedgerName } from '../../wire-types.ts';

const LEDGERS: LedgerName[] = ['points', 'principal', 'bonus'];

/** One ledger's statement; stored value is in fen on the wire and yuan on screen. */
export function LedgerTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const [ledger, setLedger] = useState<LedgerName>('points');
  const entries = useQuery({
    queryKey: ['member', memberId, 'ledger', ledger],
    queryFn: () =>
      api.get<{ items: LedgerEntry[]; next_cursor: string | null }>(`/members/${memberId}/ledger`, {
        ledger,
        limit: 500,
      }),
  });
  const money = ledger !== 'points';
  const show = (n: number) => (money ? yuan(n) : String(n));
  return (
    <>
      <Segmented<LedgerName>
        value={ledger}
        onChange={setLedger}
        options={LEDGERS.map((l) => ({ value: l, label: t(`ledgerName.${l}`) }))}
        style={{ marginBottom: 16 }}
      />
      <Table<LedgerEntry>
        rowKey="id"
        size="small"
        loading={entries.isLoading}
        dataSource={entries.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="ledger-table"
        columns={[
          { title: t('member.time'), dataIndex: 'created_at', render: formatTime },
          {
            title: t('member.ledgerKind'),
            dataIndex: 'kind',
            render: (k: string) => t(`ledgerKind.${k}`, { defaultValue: k }),
          },
          {
            title: t('member.amount'),
            dataIndex: 'amount',
            align: 'right',
            render: (n: number) => (
              <Typography.Text type={n < 0 ? 'danger' : 'success'}>
                {signed(n, show(Math.abs(n)))}
              </Typography.Text>
            ),
          },
          {
            title: t('member.balanceAfter'),
            dataIndex: 'balance_after',
            align: 'right',
            render: show,
          },
          { title: t('member.memo'), dataIndex: 'memo', render: (m: string | null) => m ?? '' },
        ]}
      />
    </>
  );
}
