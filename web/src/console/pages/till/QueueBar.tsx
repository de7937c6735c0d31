import { Alert, App, Button, Space } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { clearRefused, queuedSales, refusedSales, replayQueue } from './offline-queue.ts';

const EVERY_MS = 5_000;

/**
 * What waits in the offline queue, replayed when the browser says it is back online, every
 * few seconds while anything waits, and on demand; refused replays stay listed for the cashier.
 */
export function QueueBar({ onReplayed }: { onReplayed(): void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [counts, setCounts] = useState({ queued: 0, refused: 0 });
  const refresh = useCallback(
    () => setCounts({ queued: queuedSales().length, refused: refusedSales().length }),
    [],
  );
  const replay = useCallback(async () => {
    if (queuedSales().length === 0) return;
    const sent = await replayQueue();
    refresh();
    if (sent.length > 0) {
      void message.success(t('till.queue.replayed', { count: sent.length }));
      onReplayed();
    }
  }, [message, t, refresh, onReplayed]);

  useEffect(() => {
    refresh();
    const onQueued = () => refresh();
    const onOnline = () => void replay();
    window.addEventListener('till-queued', onQueued);
    window.addEventListener('online', onOnline);
    const timer = setInterval(() => void replay(), EVERY_MS);
    void replay();
    return () => {
      window.removeEventListener('till-queued', onQueued);
      window.removeEventListener('online', onOnline);
      clearInterval(timer);
    };
  }, [refresh, replay]);

  if (counts.queued === 0 && counts.refused === 0) return null;
  return (
    <Space direction="vertical" style={{ width: '100%', marginTop: 8 }} data-testid="till-queue">
      {counts.queued > 0 && (
        <Alert
          type="warning"
          showIcon
          message={t('till.queue.pending', { count: counts.queued })}
          action={
            <Button size="small" onClick={() => void replay()}>
              {t('till.queue.replay')}
            </Button>
          }
        />
      )}
      {counts.refused > 0 && (
        <Alert
          type="error"
          showIcon
          message={t('till.queue.refused', { count: counts.refused })}
          description={refusedSales()
            .map((s) => `${s.queued_at.slice(11, 19)} ${s.message}`)
            .join('；')}
          action={
            <Button
              size="small"
              onClick={() => {
                clearRefused();
                refresh();
              }}
            >
              {t('till.queue.clear')}
            </Button>
          }
        />
      )}
    </Space>
  );
}
