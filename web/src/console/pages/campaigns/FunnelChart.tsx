import { FunnelChart as EFunnel, type FunnelSeriesOption } from 'echarts/charts';
import { TooltipComponent, type TooltipComponentOption } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

const PALETTE = ['#c2410c', '#f59e0b', '#64748b', '#0f766e', '#a3a3a3'];

// Only the funnel is bundled, into the lazily loaded campaigns chunk.
echarts.use([EFunnel, TooltipComponent, CanvasRenderer]);

type Option = echarts.ComposeOption<FunnelSeriesOption | TooltipComponentOption>;

export function FunnelChart({ steps }: { steps: { name: string; value: number }[] }) {
  const option: Option = {
    animation: false,
    color: PALETTE,
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        left: '10%',
        width: '80%',
        minSize: '8%',
        label: { show: true, position: 'inside', formatter: '{b}: {c}' },
        data: steps,
      },
    ],
  };
  return (
    <div data-testid="campaign-funnel">
      <ReactEChartsCore echarts={echarts} option={option} notMerge style={{ height: 280 }} />
    </div>
  );
}
