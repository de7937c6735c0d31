import { Alert, Card, Col, Result, Row, Space, Spin, Tabs, Typography } from 'antd';
import { lazy, type ReactNode, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { useAuth } from '../../auth.tsx';
import { guidesZhCN } from '../../i18n/guides-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { AuditTab } from './AuditTab.tsx';
import { BalancesCard } from './BalancesCard.tsx';
import { IdentitiesTab } from './IdentitiesTab.tsx';
import { LedgerTab } from './LedgerTab.tsx';
import { LoyaltyActions } from './LoyaltyActions.tsx';
import { MemberActions } from './MemberActions.tsx';
import { MemberCodeCard } from './MemberCodeCard.tsx';
import { MergeHistoryTab } from './MergeHistoryTab.tsx';
import { useMemberDetail } from './member-queries.ts';
import { PointsTab } from './PointsTab.tsx';
import { ProfileCard } from './ProfileCard.tsx';
import { TierCard } from './TierCard.tsx';
import { TierHistoryTab } from './TierHistoryTab.tsx';
import { WalletTab } from './WalletTab.tsx';

addPageMessages(guidesZhCN);

// the 360° tabs come in one chunk of their own, fetched when one of them is opened
const tabs360 = () => import('./Member360Tabs.tsx');
const TimelineTab = lazy(() => tabs360().then((m) => ({ default: m.TimelineTab })));
const OrdersTab = lazy(() => tabs360().then((m) => ({ default: m.OrdersTab })));
const CouponsTab = lazy(() => tabs360().then((m) => ({ default: m.CouponsTab })));
const MarketingTab = lazy(() => tabs360().then((m) => ({ default: m.MarketingTab })));
const MessagesTab = lazy(() => import('../messaging/MemberMessagesPanel.tsx'));
const later = (node: ReactNode) => <Suspense fallback={<Spin />}>{node}</Suspense>;

function MergedBanner({ survivorId }: { survivorId: string }) {
  const { t } = useTranslation();
  const survivor = useMemberDetail(survivorId);
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="merged-banner"
      title={t('member.mergedInto', { card: survivor.data?.member.card_no ?? '…' })}
      action={<Link to={`/members/${survivorId}`}>{t('member.openSurvivor')}</Link>}
    />
  );
}

export default function MemberDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useAuth();
  const detail = useMemberDetail(id);

  if (detail.isLoading) return <Spin />;
  if (!detail.data)
    return <Result status="404" title={detail.error?.message ?? t('common.notFound')} />;
  const { member, identities, balances, merges } = detail.data;
  const active = member.status === 'active';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {member.status === 'merged' && member.merged_into_id && (
        <MergedBanner survivorId={member.merged_into_id} />
      )}
      {member.status === 'erased' && (
        <Alert type="info" showIcon title={t('member.erasedBanner')} />
      )}
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="member-title">
          {member.name ?? member.card_no}
        </Typography.Title>
        <Space>
          {active && <LoyaltyActions memberId={member.id} />}
          <MemberActions detail={detail.data} />
        </Space>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={17}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <ProfileCard member={member} />
            <BalancesCard balances={balances} />
          </Space>
        </Col>
        <Col xs={24} lg={7}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {active ? (
              <MemberCodeCard cardNo={member.card_no} />
            ) : (
              <Typography.Title level={4}>{member.card_no}</Typography.Title>
            )}
            <TierCard memberId={member.id} />
          </Space>
        </Col>
      </Row>
      <Card size="small">
        <Tabs
          items={[
            { key: 'ledger', label: t('member.ledger'), children: <LedgerTab memberId={id} /> },
            { key: 'points', label: t('member.pointsTab'), children: <PointsTab memberId={id} /> },
            { key: 'wallet', label: t('member.walletTab'), children: <WalletTab memberId={id} /> },
            {
              key: 'tier',
              label: t('member.tierTab'),
              children: <TierHistoryTab memberId={id} />,
            },
            {
              key: 'identities',
              label: `${t('member.identities')} (${identities.length})`,
              children: (
                <IdentitiesTab
                  memberId={id}
                  identities={identities}
                  editable={active && can('members.write')}
                />
              ),
            },
            {
              key: 'merges',
              label: `${t('member.merges')} (${merges.length})`,
              children: <MergeHistoryTab memberId={id} merges={merges} />,
            },
            { key: 'audit', label: t('member.audit'), children: <AuditTab memberId={id} /> },
            {
              key: 'timeline',
              label: t('member360.timeline'),
              children: later(<TimelineTab memberId={id} />),
            },
            {
              key: 'orders',
              label: t('member360.orders'),
              children: later(<OrdersTab memberId={id} />),
            },
            {
              key: 'coupons',
              label: t('member360.coupons'),
              children: later(<CouponsTab memberId={id} />),
            },
            {
              key: 'marketing',
              label: t('member360.marketing'),
              children: later(<MarketingTab memberId={id} />),
            },
            ...(can('messaging.admin')
              ? [
                  {
                    key: 'messages',
                    label: t('nav.messaging'),
                    children: later(<MessagesTab memberId={id} />),
                  },
                ]
              : []),
          ]}
        />
      </Card>
    </Space>
  );
}
