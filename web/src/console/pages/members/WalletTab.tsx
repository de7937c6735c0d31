import { Col, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatTime, yuan } from '../../format.ts';
import type { RechargeSummary, WalletPayment } from '../../wire-types.ts';
import { useRechargePlans } from '../loyalty/loyalty-queries.ts';
import { BonusPartsTable } from '../wallet/BonusPartsTable.tsx';
import { useRecharges, useWallet, useWalletPayments } from '../wallet/wallet-queries.ts';

function PasswordState({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const p = useWallet(memberId).data?.payment_password;
  if (!p) return null;
  if (p.locked_until && new Date(p.locked_until) > new Date())
    return (
      <Tag color="red">{t('walletTab.passwordLocked', { time: formatTime(p.locked_until) })}</Tag>
    );
  return p.set ? (
    <Tag color="green">{t('walletTab.passwordSet')}</Tag>
  ) : (
    <Tag>{t('walletTab.passwordNotSet')}</Tag>
  );
}

/** Stored value: principal and bonus apart, the monthly bonus parts, recharges and payments. */
export function WalletTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const wallet = useWallet(memberId);
  const recharges = useRecharges(memberId);
  const payments = useWalletPayments(memberId);
  const plans = useRechargePlans().data ?? [];
  const planName = (id: string | null) =>
    id ? (plans.find((p) => p.id === id)?.name ?? '—') : t('walletTab.noPlan');
  const w = wallet.data;
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="wallet-tab">
      <Row gutter={16}>
        <Col span={5}>
          <Statistic title={t('wallet.principal')} value={yuan(w?.principal_fen ?? 0)} />
        </Col>
        <Col span={5}>
          <Statistic title={t('wallet.bonusNow')} value={yuan(w?.bonus_fen ?? 0)} />
        </Col>
        <Col span={5}>
          <Statistic title={t('wallet.bonusPending')} value={yuan(w?.bonus_pending_fen ?? 0)} />
        </Col>
        <Col span={5}>
          <Statistic title={t('wallet.spendable')} value={yuan(w?.spendable_fen ?? 0)} />
        </Col>
        <Col span={4}>
          <Typography.Text type="secondary">{t('walletTab.password')}</Typography.Text>
          <div style={{ marginTop: 8 }}>
            <PasswordState memberId={memberId} />
          </div>
        </Col>
      </Row>
      <Typography.Text strong>{t('walletTab.parts')}</Typography.Text>
      <BonusPartsTable parts={w?.parts ?? []} />
      <Typography.Text strong>{t('walletTab.recharges')}</Typography.Text>
      <Table<RechargeSummary>
        rowKey="id"
        size="small"
        loading={recharges.isLoading}
        dataSource={recharges.data ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="recharges-table"
        columns={[
          { title: t('member.time'), dataIndex: 'created_at', render: formatTime },
          { title: t('recharge.plan'), dataIndex: 'plan_id', render: planName },
          { title: t('walletTab.paid'), dataIndex: 'price_fen', align: 'right', render: yuan },
          { title: t('walletTab.bonus'), dataIndex: 'bonus_fen', align: 'right', render: yuan },
          {
            title: t('member.status'),
            dataIndex: 'status',
            render: (s: RechargeSummary['status']) => (
              <Tag color={s === 'refunded' ? 'red' : 'green'}>{t(`walletTab.recharge.${s}`)}</Tag>
            ),
          },
        ]}
      />
      <Typography.Text strong>{t('walletTab.payments')}</Typography.Text>
      <Table<WalletPayment>
        rowKey="id"
        size="small"
        loading={payments.isLoading}
        dataSource={payments.data ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        data-testid="payments-table"
        columns={[
          { title: t('member.time'), dataIndex: 'created_at', render: formatTime },
          { title: t('pay.orderRef'), dataIndex: 'order_ref' },
          { title: t('pay.amount'), dataIndex: 'amount_fen', align: 'right', render: yuan },
          {
            title: t('wallet.principal'),
            dataIndex: 'principal_fen',
            align: 'right',
            render: yuan,
          },
          { title: t('walletTab.bonus'), dataIndex: 'bonus_fen', align: 'right', render: yuan },
          {
            title: t('walletTab.auth'),
            dataIndex: 'auth',
            render: (a: WalletPayment['auth']) => t(`walletTab.auths.${a}`),
          },
        ]}
      />
    </Space>
  );
}
