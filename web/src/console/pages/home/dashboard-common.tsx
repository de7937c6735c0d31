import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Static, TSchema } from 'typebox';
import type {
  DashboardQuery,
  DashboardTable,
} from '../../../../../src/core/reports/dashboard.schema.ts';
import { api } from '../../api.ts';
import type { Wire } from '../../wire-types.ts';

/** The filter every tile reads: a store (or all) and a period preset or from/to. */
export type DashboardFilter = DashboardQuery;
export type TileOf<S extends TSchema> = Wire<Static<S>>;

/** One tile's figures: its own request, so a slow tile holds up only itself. */
export function useTile<T>(path: string, filter: DashboardFilter) {
  return useQuery({
    queryKey: ['dashboard', path, filter],
    queryFn: () => api.get<T>(`/dashboard/${path}`, filter),
  });
}

/**
 * CSV or XLSX of one dashboard table, for the same store and period as on screen: two plain
 * buttons (one click each, and no dropdown menu for the first screen to load).
 */
export function ExportButton({
  table,
  filter,
}: {
  table: DashboardTable;
  filter: DashboardFilter;
}) {
  const { t } = useTranslation();
  const download = (format: 'csv' | 'xlsx') =>
    void api.download(
      `/dashboard/${table.replaceAll('_', '-')}/export`,
      { ...filter, format },
      `dashboard-${table}.${format}`,
    );
  return (
    <Space.Compact size="small" title={t('dashboard.export')}>
      <Button
        icon={<DownloadOutlined />}
        onClick={() => download('csv')}
        data-testid={`export-${table}-csv`}
      >
        {t('dashboard.csv')}
      </Button>
      <Button onClick={() => download('xlsx')} data-testid={`export-${table}-xlsx`}>
        {t('dashboard.xlsx')}
      </Button>
    </Space.Compact>
  );
}

export const percentOf = (bp: number | null) => (bp === null ? '–' : `${(bp / 100).toFixed(1)}%`);
