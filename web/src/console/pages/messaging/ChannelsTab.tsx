import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Card, Flex, Input, InputNumber, Select, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { type ChannelSetting, PROVIDERS } from './messaging-types.ts';

interface Settings {
  quiet_start_minute: number | null;
  quiet_end_minute: number | null;
  daily_marketing_cap: number | null;
}

const hhmm = (m: number | null) =>
  m === null
    ? ''
    : `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const minutes = (s: string) => {
  const match = /^(\d{1,2}):(\d{2})$/.exec(s.trim());
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
};

function ChannelCard({ setting }: { setting: ChannelSetting }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const queryClient = useQueryClient();
  const [enabled, setEnabled] = useState(setting.enabled);
  const [provider, setProvider] = useState(setting.provider);
  const [config, setConfig] = useState(JSON.stringify(setting.config, null, 2));
  const save = useMutation({
    mutationFn: () =>
      api.put(`/messaging/channels/${setting.channel}`, {
        enabled,
        provider,
        config: JSON.parse(config),
      }),
    onSuccess: () => {
      void message.success(t('common.saved'));
      void queryClient.invalidateQueries({ queryKey: ['messaging', 'channels'] });
    },
    onError: (error) =>
      void message.error(error instanceof SyntaxError ? t('messaging.invalidJson') : error.message),
  });
  return (
    <Card
      size="small"
      title={t(`messaging.channels.${setting.channel}`)}
      data-testid={`channel-${setting.channel}`}
    >
      <Flex vertical gap={8}>
        <Flex gap={8} align="center">
          <Switch checked={enabled} onChange={setEnabled} />
          <span>{t('messaging.enabled')}</span>
          <Select
            style={{ width: 140 }}
            value={provider}
            onChange={setProvider}
            options={PROVIDERS[setting.channel].map((p) => ({ value: p, label: p }))}
          />
        </Flex>
        <Typography.Text type="secondary">{t('messaging.config')}</Typography.Text>
        <Input.TextArea rows={5} value={config} onChange={(e) => setConfig(e.target.value)} />
        <Flex justify="end">
          <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
            {t('common.save')}
          </Button>
        </Flex>
      </Flex>
    </Card>
  );
}

function QuietHours() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const settings = useQuery({
    queryKey: ['messaging', 'settings'],
    queryFn: () => api.get<Settings>('/messaging/settings'),
  });
  const [start, setStart] = useState('');
  const [end, setEnd] = useState('');
  const [cap, setCap] = useState<number | null>(null);
  useEffect(() => {
    if (!settings.data) return;
    setStart(hhmm(settings.data.quiet_start_minute));
    setEnd(hhmm(settings.data.quiet_end_minute));
    setCap(settings.data.daily_marketing_cap);
  }, [settings.data]);
  const save = useMutation({
    mutationFn: () =>
      api.put('/messaging/settings', {
        quiet_start_minute: minutes(start),
        quiet_end_minute: minutes(end),
        daily_marketing_cap: cap,
      }),
    onSuccess: () => void message.success(t('common.saved')),
    onError: (error) => void message.error(error.message),
  });
  return (
    <Card size="small" title={t('messaging.quietHours')}>
      <Flex gap={8} align="center" wrap>
        <span>{t('messaging.quietStart')}</span>
        <Input
          style={{ width: 90 }}
          placeholder="21:00"
          value={start}
          onChange={(e) => setStart(e.target.value)}
        />
        <span>{t('messaging.quietEnd')}</span>
        <Input
          style={{ width: 90 }}
          placeholder="08:00"
          value={end}
          onChange={(e) => setEnd(e.target.value)}
        />
        <span>{t('messaging.dailyCap')}</span>
        <InputNumber min={1} max={100} value={cap} onChange={(v) => setCap(v ?? null)} />
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()}>
          {t('common.save')}
        </Button>
      </Flex>
    </Card>
  );
}

/** 渠道设置: each push channel's provider and its config, quiet hours and the daily cap. */
export function ChannelsTab() {
  const channels = useQuery({
    queryKey: ['messaging', 'channels'],
    queryFn: () => api.get<ChannelSetting[]>('/messaging/channels'),
  });
  return (
    <Flex vertical gap={12}>
      <QuietHours />
      {(channels.data ?? []).map((s) => (
        <ChannelCard key={`${s.channel}:${s.provider}:${s.enabled}`} setting={s} />
      ))}
    </Flex>
  );
}
