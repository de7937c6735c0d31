import { Skeleton } from 'antd';
import { type ReactNode, Suspense, useEffect, useRef, useState } from 'react';

/**
 * Renders its children (a lazy chunk and the requests its tiles make) only once the place they
 * go scrolls into view, so a first load carries the filters and KPI cards alone. Until
 * then it holds `minHeight`, so the sections after it stay further down.
 */
export function OnView(props: { minHeight: number; testId: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (seen || !element) return;
    const observer = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && setSeen(true),
      // a quarter of the way up the screen: what only peeks in under the cards waits for a scroll
      { rootMargin: '0px 0px -25% 0px' },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [seen]);
  return (
    <div
      ref={ref}
      data-testid={props.testId}
      style={seen ? undefined : { minHeight: props.minHeight }}
    >
      {seen && <Suspense fallback={<Skeleton active />}>{props.children}</Suspense>}
    </div>
  );
}
