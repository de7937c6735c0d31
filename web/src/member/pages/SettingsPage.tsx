import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Form, Input, List, Popup, Switch, Toast } from 'antd-mobile';
import { useState } from 'react';
import { ApiError, api, setToken } from '../api.ts';
import { useT } from '../i18n.ts';
import type { Me } from '../types.ts';

const fail = (e: unknown) => {
  Toast.show({ content: e instanceof ApiError ? e.message : String(e) });
};

/** Set or change the payment password: a one-time code to the member's phone proves it is them. */
function PasswordForm({ onDone }: { onDone: () => void }) {
  const t = useT();
  const [code, setCode] = useState('');
  const [password, setPassword] = useState('');
  const send = async () => {
    await api('POST', '/member/payment-password/code').catch(fail);
  };
  const save = async () => {
    try {
      await api('PUT', '/member/payment-password', { code, password });
      Toast.show({ content: t('password_set') });
      onDone();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <Form layout="horizontal" style={{ padding: 12 }}>
      <Form.Item
        label={t('code')}
        extra={
          <Button size="small" onClick={send}>
            {t('get_code')}
          </Button>
        }
      >
        <Input
          aria-label={t('code')}
          inputMode="numeric"
          maxLength={6}
          value={code}
          onChange={setCode}
        />
      </Form.Item>
      <Form.Item label={t('new_password')}>
        <Input
          aria-label={t('new_password')}
          type="password"
          inputMode="numeric"
          maxLength={6}
          value={password}
          onChange={setPassword}
        />
      </Form.Item>
      <Button
        block
        color="primary"
        onClick={save}
        disabled={code.length !== 6 || password.length !== 6}
      >
        {t('save')}
      </Button>
    </Form>
  );
}

function ProfileForm({ me }: { me: Me }) {
  const t = useT();
  const client = useQueryClient();
  const [name, setName] = useState(me.card?.name ?? '');
  const [birthday, setBirthday] = useState(me.card?.birthday ?? '');
  const save = async () => {
    try {
      await api('PATCH', '/member/profile', {
        ...(name ? { name } : {}),
        ...(birthday && !me.card?.birthday ? { birthday } : {}),
      });
      Toast.show({ content: t('saved') });
      void client.invalidateQueries({ queryKey: ['me'] });
    } catch (e) {
      fail(e);
    }
  };
  return (
    <List header={t('profile')}>
      <List.Item title={t('name')}>
        <Input value={name} onChange={setName} maxLength={64} />
      </List.Item>
      <List.Item title={t('birthday')}>
        <Input
          type="date"
          value={birthday}
          onChange={setBirthday}
          disabled={Boolean(me.card?.birthday)}
        />
      </List.Item>
      <List.Item>
        <Button size="small" onClick={save}>
          {t('save')}
        </Button>
      </List.Item>
    </List>
  );
}

export default function SettingsPage({ onSignedOut }: { onSignedOut: () => void }) {
  const t = useT();
  const client = useQueryClient();
  const [password, setPassword] = useState(false);
  const me = useQuery({ queryKey: ['me'], queryFn: () => api<Me>('GET', '/member/me') });
  const requests = useQuery({
    queryKey: ['privacy'],
    enabled: Boolean(me.data?.member_id),
    queryFn: () =>
      api<{
        items: { id: string; kind: 'export' | 'erasure'; status: 'open' | 'done' | 'refused' }[];
      }>('GET', '/member/privacy-requests'),
  });
  const marketing = useMutation({
    mutationFn: (on: boolean) => api('PUT', '/member/marketing', { opted_out: !on }),
    onSuccess: (_, on) => {
      if (!on) Toast.show({ content: t('marketing_off') });
      void client.invalidateQueries({ queryKey: ['me'] });
    },
    onError: fail,
  });
  const ask = useMutation({
    mutationFn: (kind: 'export' | 'erasure') => api('POST', '/member/privacy-requests', { kind }),
    onSuccess: () => {
      Toast.show({ content: t('requested') });
      void client.invalidateQueries({ queryKey: ['privacy'] });
    },
    onError: fail,
  });
  const download = async () => {
    try {
      const data = await api('GET', '/member/export');
      const url = URL.createObjectURL(
        new Blob([JSON.stringify(data, null, 2)], { type: 'application/json' }),
      );
      const a = document.createElement('a');
      a.href = url;
      a.download = 'my-data.json';
      a.click();
      URL.revokeObjectURL(url);
    } catch (e) {
      fail(e);
    }
  };
  const signOut = async () => {
    await api('DELETE', '/member/session').catch(() => undefined);
    setToken(null);
    client.clear();
    onSignedOut();
  };
  const card = me.data?.card;
  return (
    <div>
      {card && (
        <>
          <List header={t('payment_password')}>
            <List.Item onClick={() => setPassword(true)}>{t('set_password')}</List.Item>
          </List>
          <List>
            <List.Item
              description={t('marketing_hint')}
              extra={
                <Switch
                  aria-label={t('marketing')}
                  checked={card.marketing_consent}
                  loading={marketing.isPending}
                  onChange={(on) => marketing.mutate(on)}
                />
              }
            >
              {t('marketing')}
            </List.Item>
          </List>
          {me.data && <ProfileForm me={me.data} />}
          <List header={t('privacy')}>
            <List.Item onClick={download}>{t('export')}</List.Item>
            <List.Item onClick={() => ask.mutate('erasure')}>{t('erase')}</List.Item>
            {requests.data?.items.map((r) => (
              <List.Item key={r.id}>
                {t('request_status', {
                  kind: t(r.kind === 'export' ? 'export' : 'erase'),
                  status: t(r.status),
                })}
              </List.Item>
            ))}
          </List>
        </>
      )}
      <div style={{ padding: 12 }}>
        <Button block onClick={signOut}>
          {t('sign_out')}
        </Button>
      </div>
      <Popup visible={password} onMaskClick={() => setPassword(false)}>
        <PasswordForm onDone={() => setPassword(false)} />
      </Popup>
    </div>
  );
}
