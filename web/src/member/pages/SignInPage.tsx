import { Button, Form, Input, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { ApiError, api, merchantId, setToken, storeId } from '../api.ts';
import { useT } from '../i18n.ts';
import { shareCode } from '../share-link.ts';

const fail = (e: unknown) => Toast.show({ content: e instanceof ApiError ? e.message : String(e) });

/** Phone and one-time code; a phone that is no member yet signs in too (it claims to join). */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const t = useT();
  const [phone, setPhone] = useState('');
  const [code, setCode] = useState('');
  const [wait, setWait] = useState(0);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (wait <= 0) return;
    const timer = setTimeout(() => setWait(wait - 1), 1000);
    return () => clearTimeout(timer);
  }, [wait]);

  const askCode = async () => {
    try {
      const sent = await api<{ resend_after_seconds: number }>(
        'POST',
        `/member/m/${merchantId}/codes`,
        { phone },
      );
      setWait(sent.resend_after_seconds);
    } catch (e) {
      fail(e);
    }
  };
  const signIn = async () => {
    setBusy(true);
    try {
      const session = await api<{ token: string }>('POST', `/member/m/${merchantId}/sessions`, {
        phone,
        code,
        ...(storeId ? { store_id: storeId } : {}),
        ...(shareCode() ? { share_code: shareCode() } : {}),
      });
      setToken(session.token);
      onSignedIn();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ padding: 16 }}>
      <h2 style={{ textAlign: 'center' }}>{t('sign_in')}</h2>
      <Form layout="horizontal">
        <Form.Item label={t('phone')}>
          <Input
            aria-label={t('phone')}
            type="tel"
            value={phone}
            onChange={setPhone}
            placeholder="13800138000"
            clearable
          />
        </Form.Item>
        <Form.Item
          label={t('code')}
          extra={
            <Button size="small" disabled={wait > 0 || phone.length < 5} onClick={askCode}>
              {wait > 0 ? t('resend_in', { s: wait }) : t('get_code')}
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
      </Form>
      <Button
        block
        color="primary"
        size="large"
        style={{ marginTop: 16 }}
        loading={busy}
        disabled={code.length !== 6}
        onClick={signIn}
      >
        {t('sign_in')}
      </Button>
      <p style={{ color: '#999', fontSize: 13, textAlign: 'center' }}>{t('sign_in_hint')}</p>
    </div>
  );
}
