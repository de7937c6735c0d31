import { PhoneOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  App,
  Button,
  Card,
  Empty,
  Flex,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Segmented,
  Select,
  Space,
  Tag,
  Typography,
} from 'antd';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime, showPhone } from '../../format.ts';
import { guidesZhCN } from '../../i18n/guides-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { type Guide, type GuideTask, OUTCOMES, useGuides } from './guide-queries.ts';

addPageMessages(guidesZhCN);

// the manager's panel (assignment, report) is fetched only for those who may use it
const GuideAdminPanel = lazy(() => import('./GuideAdminPanel.tsx'));

type View = 'open' | 'today' | 'overdue' | 'done';

/** 导购任务: a guide's list as cards that work on a phone; managers also assign and read results. */
export default function GuideTasksPage() {
  const { t } = useTranslation();
  const { can, me } = useAuth();
  const admin = can('guides.admin');
  const [view, setView] = useState<View>('today');
  const [staffId, setStaffId] = useState<string | undefined>(undefined);
  const guides = useGuides(admin);
  const tasks = useInfiniteQuery({
    queryKey: ['guide-tasks', view, staffId ?? (admin ? 'all' : 'mine')],
    queryFn: ({ pageParam }) =>
      api.get<{ items: GuideTask[]; next_cursor: string | null }>('/guide-tasks', {
        view,
        staff_id: staffId,
        cursor: pageParam,
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = tasks.data?.pages.flatMap((p) => p.items) ?? [];
  const [completing, setCompleting] = useState<GuideTask | null>(null);

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Typography.Title level={3} style={{ margin: 0 }}>
        {t('guides.title')}
      </Typography.Title>
      <Flex gap={8} wrap>
        <Segmented<View>
          value={view}
          onChange={setView}
          options={(['today', 'overdue', 'open', 'done'] as const).map((v) => ({
            value: v,
            label: t(`guides.views.${v}`),
          }))}
        />
        {admin && (
          <Select
            allowClear
            style={{ minWidth: 160 }}
            placeholder={t('guides.allGuides')}
            value={staffId}
            onChange={setStaffId}
            options={(guides.data ?? []).map((g: Guide) => ({
              value: g.id,
              label: g.id === me?.actor.id ? `${g.display_name} ★` : g.display_name,
            }))}
          />
        )}
      </Flex>
      {items.length === 0 && !tasks.isLoading && <Empty description={t('guides.empty')} />}
      <Flex vertical gap={12} data-testid="guide-task-list">
        {items.map((task) => (
          <TaskCard key={task.id} task={task} onDone={() => setCompleting(task)} />
        ))}
      </Flex>
      {tasks.hasNextPage && (
        <Button block onClick={() => tasks.fetchNextPage()} loading={tasks.isFetchingNextPage}>
          {t('guides.more')}
        </Button>
      )}
      {completing && <DoneModal task={completing} onClose={() => setCompleting(null)} />}
      {(admin || can('reports.read')) && (
        <Suspense fallback={null}>
          <GuideAdminPanel />
        </Suspense>
      )}
    </Space>
  );
}

function TaskCard({ task, onDone }: { task: GuideTask; onDone: () => void }) {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const cancel = useMutation({
    mutationFn: () => api.post(`/guide-tasks/${task.id}/cancel`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['guide-tasks'] }),
    onError: (e) => message.error(e.message),
  });
  const overdue = task.status === 'open' && new Date(task.due_at) < new Date();
  // a whole number only for roles that may see it; the link dials on a phone with one tap
  const phone = can('members.pii') && task.member_phone ? showPhone(task.member_phone) : null;
  return (
    <Card size="small" data-testid="guide-task">
      <Flex vertical gap={6}>
        <Flex justify="space-between" align="center" gap={8} wrap>
          <Typography.Text strong>{task.title}</Typography.Text>
          <Tag color={task.status === 'done' ? 'green' : overdue ? 'red' : 'orange'}>
            {task.status === 'done' && task.outcome
              ? t(`guides.outcomes.${task.outcome}`)
              : t(`guides.kinds.${task.kind}`)}
          </Tag>
        </Flex>
        <Typography.Text>
          <Link to={`/members/${task.member_id}`}>{task.member_name ?? task.member_card_no}</Link>{' '}
          <Typography.Text type="secondary">{task.member_card_no}</Typography.Text>
        </Typography.Text>
        <Typography.Text type="secondary">
          {t('guides.due')} {formatTime(task.due_at)} · {t('guides.guide')} {task.staff_name}
        </Typography.Text>
        {task.script && (
          <Typography.Paragraph
            type="secondary"
            style={{ margin: 0, whiteSpace: 'pre-wrap' }}
            ellipsis={{ rows: 3, expandable: true }}
          >
            {t('guides.script')}：{task.script}
          </Typography.Paragraph>
        )}
        {task.note && <Typography.Text italic>{task.note}</Typography.Text>}
        {task.status === 'open' && (
          <Flex gap={8} wrap>
            {phone ? (
              <Button icon={<PhoneOutlined />} href={`tel:${phone}`} data-testid="task-call">
                {phone}
              </Button>
            ) : (
              task.member_phone && <Button disabled>{task.member_phone}</Button>
            )}
            <Button type="primary" onClick={onDone}>
              {t('guides.markDone')}
            </Button>
            {can('guides.admin') && (
              <Popconfirm title={t('guides.cancelConfirm')} onConfirm={() => cancel.mutate()}>
                <Button danger type="text">
                  {t('guides.cancel')}
                </Button>
              </Popconfirm>
            )}
          </Flex>
        )}
      </Flex>
    </Card>
  );
}

function DoneModal({ task, onClose }: { task: GuideTask; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [form] = Form.useForm<{ outcome: string; note?: string }>();
  const done = useMutation({
    mutationFn: (values: { outcome: string; note?: string }) =>
      api.post(`/guide-tasks/${task.id}/done`, {
        outcome: values.outcome,
        ...(values.note ? { note: values.note } : {}),
      }),
    onSuccess: () => {
      message.success(t('guides.done'));
      queryClient.invalidateQueries({ queryKey: ['guide-tasks'] });
      onClose();
    },
    onError: (e) => message.error(e.message),
  });
  return (
    <Modal
      open
      title={task.title}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('guides.markDone')}
      confirmLoading={done.isPending}
    >
      <Form form={form} layout="vertical" onFinish={(v) => done.mutate(v)}>
        <Form.Item name="outcome" label={t('guides.outcome')} rules={[{ required: true }]}>
          <Radio.Group>
            <Flex vertical gap={8}>
              {OUTCOMES.map((o) => (
                <Radio key={o} value={o}>
                  {t(`guides.outcomes.${o}`)}
                </Radio>
              ))}
            </Flex>
          </Radio.Group>
        </Form.Item>
        <Form.Item name="note" label={t('guides.note')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
