import { useEffect, useRef } from 'react';
import type { EChartsCoreOption } from 'echarts/core';

type ECharts = typeof import('./echarts.js')['echarts'];
let loading: Promise<ECharts> | null = null;
function loadEcharts(): Promise<ECharts> {
  loading ??= import('./echarts.js').then((m) => m.echarts);
  return loading;
}

/**
 * One ECharts chart. Its text alternative is the table the caller renders beneath it, so the
 * figure is labelled and points there (aria-describedby) instead of repeating the numbers.
 */
export function Chart({ option, label, describedBy, height = 280 }: { option: EChartsCoreOption; label: string; describedBy?: string; height?: number }) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ReturnType<ECharts['init']> | null>(null);
  useEffect(() => {
    let disposed = false;
    let observer: ResizeObserver | null = null;
    void loadEcharts().then((echarts) => {
      if (disposed || !ref.current) return;
      chart.current = echarts.init(ref.current, undefined, { renderer: 'svg' });
      chart.current.setOption(option);
      observer = new ResizeObserver(() => chart.current?.resize());
      observer.observe(ref.current);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
    // The chart is created once; option changes are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return <div ref={ref} role="img" aria-label={label} aria-describedby={describedBy} className="chart" style={{ height }} data-chart={label} />;
}
