import { DeleteOutlined, EditOutlined, MergeCellsOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { App, Button, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import type { MemberDetail } from '../../wire-types.ts';
import { EditProfileModal } from './EditProfileModal.tsx';
import { MergeDialog } from './MergeDialog.tsx';
import { memberKey } from './member-queries.ts';

/** Edit, merge and erase, each shown only to roles that may do it and only on a live record. */
export function MemberActions({ detail }: { detail: MemberDetail }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message, modal } = App.useApp();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const { member } = detail;
  const active = member.status === 'active';
  const erase = useMutation({
    mutationFn: () => api.post(`/members/${member.id}/erase`),
    onSuccess: () => {
      void message.success(t('member.erased'));
      void queryClient.invalidateQueries({ queryKey: memberKey(member.id) });
    },
    onError: (error) => void message.error(error.message),
  });
  const confirmErase = () =>
    modal.confirm({
      title: t('member.erase'),
      content: t('member.eraseConfirm'),
      okButtonProps: { danger: true },
      onOk: () => erase.mutateAsync(),
    });

  return (
    <Space>
      {active && can('members.write') && (
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
        <Button danger icon={<DeleteOutlined />} loading={erase.isPending} onClick={confirmErase}>
          {t('member.erase')}
        </Button>
      )}
      {editing && <EditProfileModal member={member} open onClose={() => setEditing(false)} />}
      {merging && <MergeDialog current={detail} onClose={() => setMerging(false)} />}
    </Space>
  );
}
