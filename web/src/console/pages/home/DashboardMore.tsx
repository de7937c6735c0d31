import { DatePicker, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { DistributionSection } from './DistributionTiles.tsx';
import type { DashboardFilter } from './dashboard-common.tsx';
import { SalesSection } from './SalesTiles.tsx';
import { ValueSection } from './ValueTiles.tsx';

// Everything heavy of the dashboard in one chunk, fetched when it scrolls into view, when 自定义
// is chosen or for a merchant with many stores, so the first screen stays light. One chunk, not
// one per control: the date picker, the select and the table share antd modules that would
// otherwise split off the member list's chunks into extra requests.

/** The custom period's two days. */
export function CustomRange(props: {
  value: [Dayjs, Dayjs] | null;
  onChange: (days: [Dayjs, Dayjs]) => void;
}) {
  return (
    <DatePicker.RangePicker
      value={props.value}
      allowClear={false}
      onChange={(v) => v?.[0] && v[1] && props.onChange([v[0], v[1]])}
      data-testid="dashboard-range"
    />
  );
}

/** The store filter of a merchant with many stores. */
export function StoreSelect(props: {
  stores: readonly { id: string; name: string }[];
  value: string | undefined;
  onChange: (storeId: string | undefined) => void;
}) {
  const { t } = useTranslation();
  return (
    <Select
      style={{ minWidth: 160 }}
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      placeholder={t('dashboard.allStores')}
      value={props.value}
      onChange={props.onChange}
      options={props.stores.map((s) => ({ value: s.id, label: s.name }))}
      data-testid="dashboard-store"
    />
  );
}

/** Everything below the KPI cards: the charts (ECharts) and the tables. */
export default function DashboardMore({ filter }: { filter: DashboardFilter }) {
  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <SalesSection filter={filter} />
      <ValueSection filter={filter} />
      <DistributionSection filter={filter} />
    </Space>
  );
}
