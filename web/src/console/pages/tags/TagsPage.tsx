import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Form, Input, InputNumber, Modal, Select, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { tagsZhCN } from '../../i18n/tags-zh-CN.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import {
  INTERACTIONS,
  ruleOf,
  type TagGroup,
  type TagKind,
  type TagView,
  TEMPLATES,
  type TemplateValues,
} from './tag-types.ts';

addPageMessages(tagsZhCN);

type Refreshed = { added: number; removed: number };

/** 标签管理: groups with their colours, tags with member counts, rule tags from templates. */
export default function TagsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const admin = can('campaigns.admin');
  const { message } = App.useApp();
  const client = useQueryClient();
  const groups = useQuery({
    queryKey: ['tag-groups'],
    queryFn: () => api.get<TagGroup[]>('/tag-groups'),
  });
  const tags = useQuery({ queryKey: ['tags'], queryFn: () => api.get<TagView[]>('/tags') });
  const refresh = () => client.invalidateQueries({ queryKey: ['tags'] });
  const [creating, setCreating] = useState(false);
  const [bulk, setBulk] = useState<TagView | null>(null);
  const groupOf = (id: string | null) => groups.data?.find((g) => g.id === id);

  const refreshTag = useMutation({
    mutationFn: async (id?: string) =>
      id
        ? [await api.post<Refreshed>(`/tags/${id}/refresh`)]
        : api.post<Refreshed[]>('/tags/refresh'),
    onSuccess: (list) => {
      const sum = (k: 'added' | 'removed') => list.reduce((s, x) => s + x[k], 0);
      message.success(t('tags.refreshed', { added: sum('added'), removed: sum('removed') }));
      refresh();
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  const toggle = useMutation({
    mutationFn: (tag: TagView) => api.patch(`/tags/${tag.id}`, { active: !tag.active }),
    onSuccess: refresh,
    onError: (e) => message.error(errorText(e, t)),
  });

  return (
    <Flex vertical gap={16}>
      <GroupsCard groups={groups.data ?? []} admin={admin} />
      <Card
        title={t('tags.title')}
        extra={
          admin && (
            <Flex gap={8}>
              <Button onClick={() => refreshTag.mutate(undefined)} loading={refreshTag.isPending}>
                {t('tags.refreshAll')}
              </Button>
              <Button type="primary" onClick={() => setCreating(true)}>
                {t('tags.newTag')}
              </Button>
            </Flex>
          )
        }
      >
        <Table<TagView>
          rowKey="id"
          size="small"
          loading={tags.isLoading}
          dataSource={tags.data ?? []}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            {
              title: t('tags.name'),
              render: (_, tag) => (
                <Tag color={groupOf(tag.group_id)?.color}>
                  {tag.name}
                  {!tag.active && ` · ${t('tags.inactive')}`}
                </Tag>
              ),
            },
            {
              title: t('tags.group'),
              render: (_, tag) => groupOf(tag.group_id)?.name ?? t('tags.noGroup'),
            },
            {
              title: t('tags.kind'),
              render: (_, tag) =>
                tag.kind === 'interaction'
                  ? `${t('tags.kinds.interaction')} · ${t(`tags.interactions.${tag.interaction}`)}`
                  : t(`tags.kinds.${tag.kind}`),
            },
            { title: t('tags.members'), dataIndex: 'member_count', align: 'right' },
            {
              title: t('tags.refreshedAt'),
              render: (_, tag) => (tag.kind === 'rule' ? formatTime(tag.refreshed_at) : '—'),
            },
            {
              title: t('common.actions'),
              render: (_, tag) =>
                admin && (
                  <Flex gap={4} wrap>
                    {tag.kind === 'rule' && tag.active && (
                      <Button size="small" onClick={() => refreshTag.mutate(tag.id)}>
                        {t('tags.refresh')}
                      </Button>
                    )}
                    {tag.kind === 'manual' && tag.active && (
                      <Button size="small" onClick={() => setBulk(tag)}>
                        {t('tags.bulkAdd')}
                      </Button>
                    )}
                    <Button size="small" type="link" onClick={() => toggle.mutate(tag)}>
                      {tag.active ? t('tags.deactivate') : t('tags.activate')}
                    </Button>
                  </Flex>
                ),
            },
          ]}
        />
      </Card>
      {creating && <NewTagModal groups={groups.data ?? []} onClose={() => setCreating(false)} />}
      {bulk && <BulkModal tag={bulk} onClose={() => setBulk(null)} />}
    </Flex>
  );
}

function GroupsCard({ groups, admin }: { groups: TagGroup[]; admin: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ name: string; color: string }>();
  const create = useMutation({
    mutationFn: (v: { name: string; color: string }) => api.post('/tag-groups', v),
    onSuccess: () => {
      form.resetFields();
      client.invalidateQueries({ queryKey: ['tag-groups'] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  return (
    <Card title={t('tags.groups')} size="small">
      <Flex gap={8} wrap style={{ marginBottom: admin ? 12 : 0 }}>
        {groups.map((g) => (
          <Tag key={g.id} color={g.color}>
            {g.name}
          </Tag>
        ))}
      </Flex>
      {admin && (
        <Form
          name="tag-group"
          form={form}
          layout="inline"
          initialValues={{ color: '#c2410c' }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item name="name" rules={[{ required: true, message: t('common.required') }]}>
            <Input placeholder={t('tags.groupName')} maxLength={40} />
          </Form.Item>
          <Form.Item name="color" label={t('tags.color')}>
            <Input type="color" style={{ width: 56 }} />
          </Form.Item>
          <Button htmlType="submit" loading={create.isPending}>
            {t('tags.newGroup')}
          </Button>
        </Form>
      )}
    </Card>
  );
}

type NewTag = {
  name: string;
  group_id?: string;
  kind: TagKind;
  interaction?: string;
} & Partial<TemplateValues>;

function NewTagModal({ groups, onClose }: { groups: TagGroup[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<NewTag>();
  const kind = Form.useWatch('kind', form);
  const template = Form.useWatch('template', form);
  const categories = useQuery({
    queryKey: ['catalogue-categories'],
    queryFn: () => api.get<{ code: string; name: string }[]>('/catalogue/categories'),
  });
  const create = useMutation({
    mutationFn: (v: NewTag) =>
      api.post('/tags', {
        name: v.name,
        kind: v.kind,
        group_id: v.group_id ?? null,
        ...(v.kind === 'rule' ? { rule: ruleOf(v as TemplateValues) } : {}),
        ...(v.kind === 'interaction' ? { interaction: v.interaction } : {}),
      }),
    onSuccess: () => {
      client.invalidateQueries({ queryKey: ['tags'] });
      onClose();
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  const required = [{ required: true, message: t('common.required') }];
  return (
    <Modal
      open
      title={t('tags.newTag')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
    >
      <Form
        name="new-tag"
        form={form}
        layout="vertical"
        initialValues={{ kind: 'manual', template: 'category', days: 90, codes: ['芒果系列'] }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="name" label={t('tags.name')} rules={required}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item name="group_id" label={t('tags.group')}>
          <Select allowClear options={groups.map((g) => ({ value: g.id, label: g.name }))} />
        </Form.Item>
        <Form.Item name="kind" label={t('tags.kind')}>
          <Select
            options={(['manual', 'rule', 'interaction'] as const).map((k) => ({
              value: k,
              label: t(`tags.kinds.${k}`),
            }))}
          />
        </Form.Item>
        {kind === 'interaction' && (
          <Form.Item name="interaction" label={t('tags.interaction')} rules={required}>
            <Select
              options={INTERACTIONS.map((i) => ({ value: i, label: t(`tags.interactions.${i}`) }))}
            />
          </Form.Item>
        )}
        {kind === 'rule' && (
          <>
            <Form.Item name="template" label={t('tags.template')}>
              <Select
                options={TEMPLATES.map((x) => ({ value: x, label: t(`tags.templates.${x}`) }))}
              />
            </Form.Item>
            {template === 'category' && (
              <Form.Item name="codes" label={t('tags.categories')} rules={required}>
                <Select
                  mode="tags"
                  options={(categories.data ?? []).map((c) => ({ value: c.code, label: c.name }))}
                />
              </Form.Item>
            )}
            {template !== 'spend' && (
              <Form.Item name="days" label={t('tags.days')} rules={required}>
                <InputNumber min={1} max={1826} />
              </Form.Item>
            )}
            {template === 'spend' && (
              <Form.Item name="yuan" label={t('tags.spendYuan')} rules={required}>
                <InputNumber min={0} max={1e9} />
              </Form.Item>
            )}
            {template === 'frequency' && (
              <Form.Item name="count" label={t('tags.minOrders')} rules={required}>
                <InputNumber min={1} max={1000} />
              </Form.Item>
            )}
          </>
        )}
      </Form>
    </Modal>
  );
}

function BulkModal({ tag, onClose }: { tag: TagView; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [text, setText] = useState('');
  const run = useMutation({
    mutationFn: (remove: boolean) =>
      api.post<{ changed: number }>(`/tags/${tag.id}/members${remove ? '/remove' : ''}`, {
        member_ids: [...new Set(text.split(/\s+/).filter(Boolean))],
      }),
    onSuccess: (r) => {
      message.success(t('tags.changed', { count: r.changed }));
      client.invalidateQueries({ queryKey: ['tags'] });
      onClose();
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  return (
    <Modal
      open
      title={`${t('tags.bulkAdd')} · ${tag.name}`}
      onCancel={onClose}
      footer={[
        <Button key="remove" danger onClick={() => run.mutate(true)} loading={run.isPending}>
          {t('tags.bulkRemove')}
        </Button>,
        <Button key="add" type="primary" onClick={() => run.mutate(false)} loading={run.isPending}>
          {t('tags.bulkAdd')}
        </Button>,
      ]}
    >
      <Input.TextArea
        rows={6}
        placeholder={t('tags.memberIds')}
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
    </Modal>
  );
}
