import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { Button, Descriptions, Empty, Flex, List, Table, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { formatTime, signed, yuan } from '../../format.ts';
import { campaignsZhCN } from '../../i18n/campaigns-zh-CN.ts';
import { guidesZhCN } from '../../i18n/guides-zh-CN.ts';
import { addPageMessages } from '../../i18n/index.ts';
import type { MemberCoupon, Order } from '../../wire-types.ts';
import type { GuideTask } from '../guides/guide-queries.ts';

addPageMessages(guidesZhCN);
addPageMessages(campaignsZhCN);

// The member 360° tabs (会员画像), one lazy chunk: the member list's first load stays as it is.

interface TimelineEvent {
  at: string;
  type: string;
  id: string;
  amount: number | null;
  label: string | null;
  detail: string | null;
}
type PageOf<T> = { items: T[]; next_cursor: string | null };

/** Pages of a keyset-paged list under `path`, with a "load more" button. */
function usePaged<T>(key: unknown[], path: string, query: Record<string, string> = {}) {
  return useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => api.get<PageOf<T>>(path, { ...query, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

function More({ list }: { list: ReturnType<typeof usePaged> }) {
  const { t } = useTranslation();
  if (!list.hasNextPage) return null;
  return (
    <Button onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
      {t('member360.more')}
    </Button>
  );
}

/** One line of the timeline in words: what, how much, about what. */
function useDescribe() {
  const { t } = useTranslation();
  return (e: TimelineEvent) => {
    const type = t(`member360.types.${e.type}`, { defaultValue: e.type });
    const label =
      e.type === 'ledger' && e.label
        ? t(`member360.ledgers.${e.label}`, { defaultValue: e.label })
        : e.type === 'lifecycle' && e.label
          ? `${e.detail ? t(`member360.stages.${e.detail}`) : '—'} → ${t(`member360.stages.${e.label}`)}`
          : e.type === 'task_done' && e.detail
            ? `${e.label} · ${t(`guides.outcomes.${e.detail}`, { defaultValue: e.detail })}`
            : e.label;
    const amount =
      e.amount === null
        ? ''
        : e.type !== 'ledger'
          ? yuan(e.amount)
          : e.label === 'points'
            ? signed(e.amount)
            : signed(e.amount, yuan(Math.abs(e.amount)));
    const detail = e.type === 'ledger' || e.type === 'order' || e.type === 'tag' ? e.detail : '';
    return [type, label, amount, detail].filter(Boolean).join(' · ');
  };
}

export function TimelineTab({ memberId }: { memberId: string }) {
  const list = usePaged<TimelineEvent>(['timeline', memberId], `/members/${memberId}/timeline`);
  const describe = useDescribe();
  const items = list.data?.pages.flatMap((p) => p.items) ?? [];
  if (!list.isLoading && items.length === 0) return <Empty />;
  return (
    <Flex vertical gap={8} data-testid="member-timeline">
      <Timeline
        items={items.map((e) => ({
          key: `${e.type}:${e.id}`,
          color: e.type === 'refund' ? 'red' : e.type === 'order' ? 'green' : 'blue',
          content: (
            <>
              <Typography.Text type="secondary">{formatTime(e.at)}</Typography.Text>{' '}
              <Typography.Text>{describe(e)}</Typography.Text>
            </>
          ),
        }))}
      />
      <More list={list} />
    </Flex>
  );
}

export function OrdersTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  type Row = Omit<Order, 'lines' | 'tenders' | 'trace'>;
  const list = usePaged<Row>(['orders', memberId], '/orders', { member_id: memberId });
  return (
    <Flex vertical gap={8}>
      <Table<Row>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        loading={list.isLoading}
        dataSource={list.data?.pages.flatMap((p) => p.items) ?? []}
        columns={[
          { title: t('member360.number'), dataIndex: 'number' },
          { title: t('member360.paidAt'), dataIndex: 'paid_at', render: formatTime },
          { title: t('member360.amount'), dataIndex: 'due_fen', render: yuan },
          { title: t('member360.status'), dataIndex: 'status' },
        ]}
      />
      <More list={list} />
    </Flex>
  );
}

export function CouponsTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const list = usePaged<MemberCoupon>(['member-coupons', memberId], `/members/${memberId}/coupons`);
  return (
    <Flex vertical gap={8}>
      <Table<MemberCoupon>
        size="small"
        rowKey="id"
        pagination={false}
        scroll={{ x: true }}
        loading={list.isLoading}
        dataSource={list.data?.pages.flatMap((p) => p.items) ?? []}
        columns={[
          { title: t('member360.couponCode'), dataIndex: 'code' },
          { title: t('member360.status'), dataIndex: 'status' },
          { title: t('member360.validUntil'), dataIndex: 'valid_until', render: formatTime },
          { title: t('member360.paidAt'), dataIndex: 'created_at', render: formatTime },
        ]}
      />
      <More list={list} />
    </Flex>
  );
}

interface MemberTag {
  tag_id: string;
  name: string;
  color: string | null;
}

function MemberTags({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const tags = useQuery({
    queryKey: ['member-tags', memberId],
    queryFn: () => api.get<MemberTag[]>(`/members/${memberId}/tags`),
  });
  if (!tags.isLoading && (tags.data ?? []).length === 0)
    return <Typography.Text type="secondary">{t('member360.noTags')}</Typography.Text>;
  return (
    <Flex gap={8} wrap data-testid="member-tags">
      {(tags.data ?? []).map((tag) => (
        <Tag key={tag.tag_id} color={tag.color ?? undefined}>
          {tag.name}
        </Tag>
      ))}
    </Flex>
  );
}

interface Marketing {
  rfm: {
    r: number | null;
    f: number | null;
    m: number | null;
    rfm_group: string | null;
    lifecycle: string;
    computed_at: string;
  } | null;
  campaigns: {
    campaign_id: string;
    name: string;
    in_control: boolean;
    outcome: string;
    decided_at: string | null;
    coupon_status: string | null;
  }[];
}

/**
 * 营销: what marketing knows and did about the member, in one tab (tags, RFM and lifecycle,
 * campaigns received, the guide and open tasks), so the member page keeps a tab bar that fits.
 */
export function MarketingTab({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  return (
    <Flex vertical gap={16}>
      <Typography.Text strong>{t('member360.tags')}</Typography.Text>
      <MemberTags memberId={memberId} />
      <MarketingProfile memberId={memberId} />
      <GuideSection memberId={memberId} />
    </Flex>
  );
}

function MarketingProfile({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const data = useQuery({
    queryKey: ['member-marketing', memberId],
    queryFn: () => api.get<Marketing>(`/members/${memberId}/marketing`),
  });
  const rfm = data.data?.rfm;
  return (
    <Flex vertical gap={12}>
      <Descriptions size="small" column={{ xs: 1, sm: 3 }} bordered>
        <Descriptions.Item label={t('member360.lifecycle')}>
          {rfm ? t(`member360.stages.${rfm.lifecycle}`) : t('member360.noRfm')}
        </Descriptions.Item>
        <Descriptions.Item label={t('member360.rfmGroup')}>
          {rfm?.rfm_group ? t(`memberBulk.rfmGroups.${rfm.rfm_group}`) : '—'}
        </Descriptions.Item>
        <Descriptions.Item label={t('member360.rfm')}>
          {rfm?.r ? `R${rfm.r} F${rfm.f} M${rfm.m}` : '—'}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text strong>{t('member360.campaigns')}</Typography.Text>
      <List
        size="small"
        locale={{ emptyText: t('member360.noCampaigns') }}
        dataSource={data.data?.campaigns ?? []}
        renderItem={(c) => (
          <List.Item>
            <Flex gap={8} wrap>
              <Typography.Text>{c.name}</Typography.Text>
              {c.in_control && <Tag>{t('member360.inControl')}</Tag>}
              <Tag color="blue">
                {t(`campaigns.outcomes.${c.outcome}`, { defaultValue: c.outcome })}
              </Tag>
              {c.coupon_status && <Tag color="green">{c.coupon_status}</Tag>}
              <Typography.Text type="secondary">{formatTime(c.decided_at)}</Typography.Text>
            </Flex>
          </List.Item>
        )}
      />
    </Flex>
  );
}

function GuideSection({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const guide = useQuery({
    queryKey: ['member-guide', memberId],
    queryFn: () =>
      api.get<{ guide: { id: string; display_name: string } | null }>(`/members/${memberId}/guide`),
  });
  const tasks = usePaged<GuideTask>(['guide-tasks', 'member', memberId], '/guide-tasks', {
    member_id: memberId,
    view: 'open',
  });
  return (
    <Flex vertical gap={12}>
      <Typography.Text>
        {t('member360.guide')}：{guide.data?.guide?.display_name ?? t('member360.noGuide')}
      </Typography.Text>
      <List
        size="small"
        dataSource={tasks.data?.pages.flatMap((p) => p.items) ?? []}
        renderItem={(task) => (
          <List.Item>
            <Flex gap={8} wrap>
              <Tag>{t(`guides.kinds.${task.kind}`)}</Tag>
              <Typography.Text>{task.title}</Typography.Text>
              <Typography.Text type="secondary">
                {t('guides.due')} {formatTime(task.due_at)} · {task.staff_name}
              </Typography.Text>
            </Flex>
          </List.Item>
        )}
      />
      <Link to="/guide-tasks">{t('guides.nav')}</Link>
    </Flex>
  );
}
