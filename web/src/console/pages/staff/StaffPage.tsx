import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Card, Flex, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useStores } from '../../queries.ts';
import type { Staff } from '../../wire-types.ts';
import { StaffFormModal } from './StaffFormModal.tsx';

export default function StaffPage() {
  const { t } = useTranslation();
  const { nameOf } = useStores();
  const staff = useQuery({ queryKey: ['staff'], queryFn: () => api.get<Staff[]>('/staff') });
  const [editing, setEditing] = useState<Staff | 'new' | null>(null);

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('staff.title')}
        </Typography.Title>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('staff.new')}
        </Button>
      </Flex>
      <Table<Staff>
        rowKey="id"
        loading={staff.isLoading}
        dataSource={staff.data ?? []}
        pagination={false}
        columns={[
          { title: t('staff.login'), dataIndex: 'login' },
          { title: t('staff.displayName'), dataIndex: 'display_name' },
          { title: t('staff.role'), dataIndex: 'role', render: (r: string) => t(`role.${r}`) },
          {
            title: t('staff.store'),
            dataIndex: 'store_id',
            render: (id: string | null) => (id ? nameOf(id) : t('staff.allStores')),
          },
          {
            title: t('staff.active'),
            key: 'active',
            render: (_: unknown, s) => (
              <Tag color={s.active ? 'green' : 'default'}>
                {s.active ? t('common.yes') : t('common.no')}
              </Tag>
            ),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_: unknown, s) => (
              <Button size="small" onClick={() => setEditing(s)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <StaffFormModal editing={editing} onClose={() => setEditing(null)} />
    </Card>
  );
}
