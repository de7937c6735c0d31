import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Alert,
  App,
  Button,
  Card,
  Flex,
  Input,
  Popconfirm,
  Statistic,
  Table,
  Typography,
} from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime } from '../../format.ts';
import { addPageMessages } from '../../i18n/index.ts';
import { segmentsZhCN } from '../../i18n/segments-zh-CN.ts';
import { errorText } from '../loyalty/loyalty-format.tsx';
import { RuleBuilder } from './RuleBuilder.tsx';
import {
  emptyGroup,
  FIELDS,
  fromRule,
  type Node,
  nextKey,
  type Preview,
  type SegmentView,
  toRule,
} from './segment-types.ts';

addPageMessages(segmentsZhCN);

interface Draft {
  id?: string;
  name: string;
  root: Node;
}

const newDraft = (): Draft => ({
  name: '',
  root: emptyGroup([{ kind: 'leaf', key: nextKey(), negate: false, leaf: { ...FIELDS.orders! } }]),
});

/** The rule as JSON once the marketer stops typing for a moment. */
function useDebounced(value: string, ms: number) {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** 客户分群: build a rule visually, see its exact count and a sample as it changes, save it. */
export default function SegmentsPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const admin = can('campaigns.admin');
  const { message } = App.useApp();
  const client = useQueryClient();
  const [draft, setDraft] = useState<Draft>(newDraft);
  const ruleJson = useDebounced(JSON.stringify(toRule(draft.root)), 400);
  const segments = useQuery({
    queryKey: ['segments'],
    queryFn: () => api.get<SegmentView[]>('/segments'),
  });
  const preview = useQuery({
    queryKey: ['segment-preview', ruleJson],
    queryFn: () => api.post<Preview>('/segments/preview', { rule: JSON.parse(ruleJson) }),
    retry: false,
  });
  const save = useMutation({
    mutationFn: () => {
      const body = { name: draft.name, rule: toRule(draft.root) };
      return draft.id
        ? api.patch<SegmentView>(`/segments/${draft.id}`, body)
        : api.post<SegmentView>('/segments', body);
    },
    onSuccess: (saved) => {
      message.success(t('segments.saved'));
      setDraft({ ...draft, id: saved.id });
      client.invalidateQueries({ queryKey: ['segments'] });
    },
    onError: (e) => message.error(errorText(e, t)),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/segments/${id}`),
    onSuccess: () => client.invalidateQueries({ queryKey: ['segments'] }),
    onError: (e) => message.error(errorText(e, t)),
  });
  const problem = preview.error instanceof ApiError ? preview.error : undefined;

  return (
    <Flex vertical gap={16}>
      <Card
        title={draft.id ? t('segments.editTitle', { name: draft.name }) : t('segments.newTitle')}
        extra={<Button onClick={() => setDraft(newDraft())}>{t('segments.new')}</Button>}
      >
        <Flex vertical gap={12}>
          <RuleBuilder root={draft.root} onChange={(root) => setDraft({ ...draft, root })} />
          {problem ? (
            <Alert type="error" showIcon message={problem.message} description={problem.field} />
          ) : (
            <Flex gap={24} wrap align="center">
              <Statistic
                title={t('segments.count')}
                value={preview.data?.count ?? '—'}
                loading={preview.isFetching && !preview.data}
                valueStyle={{ fontSize: 28 }}
              />
              <Flex vertical>
                <Typography.Text type="secondary">{t('segments.sentence')}</Typography.Text>
                <Typography.Text strong data-testid="segment-sentence">
                  {preview.data?.sentence}
                </Typography.Text>
                {preview.data && (
                  <Typography.Text type="secondary">
                    {t('segments.took', { ms: preview.data.took_ms })}
                  </Typography.Text>
                )}
              </Flex>
            </Flex>
          )}
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={preview.data?.sample ?? []}
            columns={[
              { title: t('segments.cardNo'), dataIndex: 'card_no' },
              { title: t('segments.memberName'), dataIndex: 'name' },
              { title: t('segments.phone'), dataIndex: 'phone' },
            ]}
            locale={{ emptyText: t('segments.noSample') }}
          />
          {admin && (
            <Flex gap={8}>
              <Input
                style={{ maxWidth: 280 }}
                placeholder={t('segments.name')}
                aria-label={t('segments.name')}
                maxLength={64}
                value={draft.name}
                onChange={(e) => setDraft({ ...draft, name: e.target.value })}
              />
              <Button
                type="primary"
                disabled={!draft.name.trim()}
                loading={save.isPending}
                onClick={() => save.mutate()}
              >
                {t('segments.save')}
              </Button>
            </Flex>
          )}
        </Flex>
      </Card>
      <Card title={t('segments.savedTitle')}>
        <Table<SegmentView>
          rowKey="id"
          size="small"
          loading={segments.isLoading}
          dataSource={segments.data ?? []}
          columns={[
            { title: t('segments.name'), dataIndex: 'name' },
            { title: t('segments.sentence'), dataIndex: 'sentence' },
            {
              title: t('segments.updatedAt'),
              dataIndex: 'updated_at',
              render: (v: string) => formatTime(v),
            },
            {
              title: '',
              key: 'actions',
              render: (_, s) => (
                <Flex gap={8}>
                  <Button
                    size="small"
                    onClick={() => setDraft({ id: s.id, name: s.name, root: fromRule(s.rule) })}
                  >
                    {t('segments.edit')}
                  </Button>
                  {admin && (
                    <Popconfirm
                      title={t('segments.confirmDelete')}
                      onConfirm={() => remove.mutate(s.id)}
                    >
                      <Button size="small" danger>
                        {t('segments.delete')}
                      </Button>
                    </Popconfirm>
                  )}
                </Flex>
              ),
            },
          ]}
        />
      </Card>
    </Flex>
  );
}
