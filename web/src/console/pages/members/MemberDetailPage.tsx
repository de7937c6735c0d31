import { DeleteOutlined, EditOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Card, Col, Result, Row, Space, Spin, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { AuditTab } from './AuditTab.tsx';
import { BalancesCard } from './BalancesCard.tsx';
import { EditProfileModal } from './EditProfileModal.tsx';
import { IdentitiesTab } from './IdentitiesTab.tsx';
import { LedgerTab } from './LedgerTab.tsx';
import { MemberCodeCard } from './MemberCodeCard.tsx';
import { MergeDialog } from './MergeDialog.tsx';
import { MergeHistoryTab } from './MergeHistoryTab.tsx';
import { memberKey, useMemberDetail } from './member-queries.ts';
import { ProfileCard } from './ProfileCard.tsx';

function MergedBanner({ survivorId }: { survivorId: string }) {
  const { t } = useTranslation();
  const survivor = useMemberDetail(survivorId);
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
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
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const detail = useMemberDetail(id);
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const erase = useMutation({
    mutationFn: () => api.post(`/members/${id}/erase`),
    onSuccess: () => {
      void message.success(t('member.erased'));
      void queryClient.invalidateQueries({ queryKey: memberKey(id) });
    },
    onError: (error) => void message.error(error.message),
  });

  if (detail.isLoading) return <Spin />;
  if (!detail.data)
    return <Result status="404" title={detail.error?.message ?? t('common.notFound')} />;
  const { member, identities, balances, merges } = detail.data;
  const active = member.status === 'active';
  const writable = active && can('members.write');

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
          {writable && (
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t('member.editProfile')}
            </Button>
          )}
          {active && can('members.merge') && (
            <Button icon={<MergeCellsOutlined />} onClick={() => setMerging(true)}>
              {t('member.merge')}
            </Button>
          )}
          {member.status !== 'erased' && can('members.erase') && (
            <Button
              danger
              icon={<DeleteOutlined />}
              loading={erase.isPending}
              onClick={() =>
                modal.confirm({
                  title: t('member.erase'),
                  content: t('member.eraseConfirm'),
                  okButtonProps: { danger: true },
                  onOk: () => erase.mutateAsync(),
                })
              }
            >
              {t('member.erase')}
            </Button>
          )}
        </Space>
      </Space>
      <Row gutter={16}>
        <Col span={17}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <ProfileCard member={member} />
            <BalancesCard balances={balances} />
          </Space>
        </Col>
        <Col span={7}>
          {active ? (
            <MemberCodeCard memberId={member.id} cardNo={member.card_no} />
          ) : (
            <Typography.Title level={4}>{member.card_no}</Typography.Title>
          )}
        </Col>
      </Row>
      <Card size="small">
        <Tabs
          items={[
            { key: 'ledger', label: t('member.ledger'), children: <LedgerTab memberId={id} /> },
            {
              key: 'identities',
              label: `${t('member.identities')} (${identities.length})`,
              children: <IdentitiesTab memberId={id} identities={identities} editable={writable} />,
            },
            {
              key: 'merges',
              label: `${t('member.merges')} (${merges.length})`,
              children: <MergeHistoryTab memberId={id} merges={merges} />,
            },
            { key: 'audit', label: t('member.audit'), children: <AuditTab memberId={id} /> },
          ]}
        />
      </Card>
      {editing && <EditProfileModal member={member} open onClose={() => setEditing(false)} />}
      {merging && <MergeDialog current={detail.data} onClose={() => setMerging(false)} />}
    </Space>
  );
}
