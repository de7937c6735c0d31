import { DownloadOutlined, UserAddOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { App, Button, Card, Flex, Space, Table, Typography } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api } from '../../api.ts';
import { useAuth } from '../../auth.tsx';
import { formatTime, showPhone, yuan } from '../../format.ts';
import { useStores } from '../../queries.ts';
import type { MemberListItem, MemberPage } from '../../wire-types.ts';
import { useTiers } from '../loyalty/loyalty-queries.ts';
import { type MemberFilter, MemberFilters } from './MemberFilters.tsx';

// the registration form (date picker, switches) is fetched when first opened, not with the list
const RegisterMemberDrawer = lazy(() =>
  import('./RegisterMemberDrawer.tsx').then((m) => ({ default: m.RegisterMemberDrawer })),
);

// a marketer's filters (tags, segment, RFM, lifecycle) and bulk actions: their own chunk
const MemberMarketingTools = lazy(() => import('./MemberMarketingTools.tsx'));

const PAGE_SIZE = 50;
/** table column → the API's sort key */
const SORT_KEYS: Record<string, string> = {
  registered_at: 'registered_at',
  points: 'points',
  balance_fen: 'balance',
};

/** A whole mainland mobile number, as a customer tells it at the till. */
const FULL_PHONE = /^(\+?86)?1[3-9]\d{9}$/;

/**
 * Without members.pii the list does not search phones (that would confirm numbers); a whole
 * number goes to the till's lookup instead, which the server audits and limits per staff member.
 */
async function lookupByPhone(filter: MemberFilter & { q: string }): Promise<MemberPage> {
  try {
    const member = await api.get<{ card_no: string }>('/members/lookup', { phone: filter.q });
    // the list row (tier, points, balance) of the member found, by its card number
    return await api.get<MemberPage>('/members', { ...filter, q: member.card_no, limit: 1 });
  } catch (e) {
    if (e instanceof ApiError && e.status === 404)
      return { items: [], next_cursor: null, total: 0 } as MemberPage;
    throw e;
  }
}

export default function MembersPage() {
  const { t } = useTranslation();
  const { can } = useAuth();
  const { message } = App.useApp();
  const { nameOf } = useStores();
  const { tierName } = useTiers();
  const [params, setParams] = useSearchParams();
  const filter: MemberFilter = Object.fromEntries(params);
  const [registering, setRegistering] = useState(false);
  const [selected, setSelected] = useState<string[]>([]);
  const marketer = can('campaigns.admin') || can('guides.admin');
  const list = useInfiniteQuery({
    queryKey: ['members', filter],
    queryFn: ({ pageParam }) =>
      !can('members.pii') && filter.q && FULL_PHONE.test(filter.q.replace(/[\s-]/g, ''))
        ? lookupByPhone({ ...filter, q: filter.q })
        : api.get<MemberPage>('/members', { ...filter, cursor: pageParam, limit: PAGE_SIZE }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const members = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  const sortOrder = (column: string) =>
    SORT_KEYS[column] === (filter.sort ?? 'registered_at')
      ? filter.order === 'asc'
        ? ('ascend' as const)
        : ('descend' as const)
      : null;
  const onSort = (sorter: SorterResult<MemberListItem>) => {
    const column = String(sorter.columnKey ?? '');
    const sort = sorter.order ? SORT_KEYS[column] : undefined;
    setFilter({
      ...filter,
      sort: sort === 'registered_at' ? undefined : sort,
      order: sorter.order === 'ascend' ? 'asc' : undefined,
    });
  };
  const setFilter = (next: MemberFilter) =>
    setParams(Object.fromEntries(Object.entries(next).filter(([, v]) => v)) as never);
  const exportAs = (format: 'csv' | 'xlsx') =>
    api
      .download('/members/export', { ...filter, format }, `members.${format}`)
      .catch((e: Error) => message.error(e.message));

  const columns = [
    {
      title: t('members.cardNo'),
      dataIndex: 'card_no',
      render: (card: string, m: MemberListItem) => <Link to={`/members/${m.id}`}>{card}</Link>,
    },
    { title: t('members.name'), dataIndex: 'name', render: (v: string | null) => v ?? '—' },
    { title: t('members.phone'), dataIndex: 'phone', render: showPhone },
    {
      title: t('members.channel'),
      dataIndex: 'source_channel',
      render: (v: string) => t(`channel.${v}`, { defaultValue: v }),
    },
    { title: t('members.tier'), dataIndex: 'tier_id', render: tierName },
    {
      title: t('members.points'),
      dataIndex: 'points',
      key: 'points',
      align: 'right' as const,
      sorter: true,
      sortOrder: sortOrder('points'),
    },
    {
      title: t('members.balance'),
      dataIndex: 'balance_fen',
      key: 'balance_fen',
      align: 'right' as const,
      render: yuan,
      sorter: true,
      sortOrder: sortOrder('balance_fen'),
    },
    { title: t('members.store'), dataIndex: 'home_store_id', render: nameOf },
    {
      title: t('members.registeredAt'),
      dataIndex: 'registered_at',
      key: 'registered_at',
      render: formatTime,
      sorter: true,
      sortOrder: sortOrder('registered_at'),
    },
  ];

  return (
    <Card>
      <Flex justify="space-between" align="center" style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('members.title')}
        </Typography.Title>
        <Space>
          {can('members.export') && (
            <>
              <Button icon={<DownloadOutlined />} onClick={() => exportAs('csv')}>
                {t('members.exportCsv')}
              </Button>
              <Button icon={<DownloadOutlined />} onClick={() => exportAs('xlsx')}>
                {t('members.exportXlsx')}
              </Button>
            </>
          )}
          {can('members.write') && (
            <Button type="primary" icon={<UserAddOutlined />} onClick={() => setRegistering(true)}>
              {t('members.register')}
            </Button>
          )}
        </Space>
      </Flex>
      <MemberFilters value={filter} onChange={setFilter} />
      {marketer && (
        <Suspense>
          <div style={{ marginTop: 8 }}>
            <MemberMarketingTools
              filter={filter}
              onFilter={setFilter}
              selected={selected}
              total={total ?? undefined}
            />
          </div>
        </Suspense>
      )}
      <Table<MemberListItem>
        style={{ marginTop: 16 }}
        rowKey="id"
        size="middle"
        columns={columns}
        dataSource={members}
        rowSelection={
          marketer
            ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }
            : undefined
        }
        loading={list.isLoading}
        pagination={false}
        scroll={{ x: 'max-content' }}
        sortDirections={['descend', 'ascend']}
        onChange={(_p, _f, sorter) => onSort(sorter as SorterResult<MemberListItem>)}
        data-testid="members-table"
        footer={() => (
          <Flex justify="space-between" align="center">
            <Typography.Text type="secondary">
              {typeof total === 'number'
                ? t('members.total', { total, count: members.length })
                : t('members.count', { count: members.length })}
            </Typography.Text>
            <Button
              onClick={() => list.fetchNextPage()}
              disabled={!list.hasNextPage}
              loading={list.isFetchingNextPage}
            >
              {list.hasNextPage ? t('common.loadMore') : t('common.noMore')}
            </Button>
          </Flex>
        )}
      />
      {registering && (
        <Suspense>
          <RegisterMemberDrawer open onClose={() => setRegistering(false)} />
        </Suspense>
      )}
    </Card>
  );
}
