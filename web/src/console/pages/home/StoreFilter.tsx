import { Segmented } from 'antd';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { useStores } from '../../queries.ts';

// A few stores read best side by side; a long list needs the (heavier) searchable select.
const FEW_STORES = 3;
const StoreSelect = lazy(() =>
  import('./DashboardMore.tsx').then((m) => ({ default: m.StoreSelect })),
);
const ALL = '';

/** The dashboard's store filter: all stores or one. */
export function StoreFilter(props: {
  value: string | undefined;
  onChange: (storeId: string | undefined) => void;
}) {
  const { t } = useTranslation();
  const { stores } = useStores();
  if (stores.length === 0) return null;
  if (stores.length > FEW_STORES) {
    return (
      <Suspense fallback={null}>
        <StoreSelect stores={stores} {...props} />
      </Suspense>
    );
  }
  return (
    <Segmented<string>
      value={props.value ?? ALL}
      onChange={(v) => props.onChange(v === ALL ? undefined : v)}
      options={[
        { value: ALL, label: t('dashboard.allStores') },
        ...stores.map((s) => ({ value: s.id, label: s.name })),
      ]}
      data-testid="dashboard-store"
    />
  );
}
