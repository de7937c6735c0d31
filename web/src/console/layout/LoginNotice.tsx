import { App } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../format.ts';
import type { Me } from '../wire-types.ts';

/**
 * Once per session: tells the staff member that wrong passwords were tried on their account
 * between their previous login and this one (GET /api/me), so an attack does not go unseen.
 */
export function LoginNotice({ me, token }: { me: Me; token: string }) {
  const { notification } = App.useApp();
  const { t } = useTranslation();
  const count = me.failed_logins_since_last_login;
  const last = me.last_failed_login_at;
  useEffect(() => {
    const key = `regulars.login-notice.${token.slice(0, 12)}`;
    if (count === 0 || sessionStorage.getItem(key)) return;
    sessionStorage.setItem(key, '1');
    notification.warning({
      key,
      title: t('login.attackedTitle'),
      description: (
        <span data-testid="login-notice">
          {t('login.attacked', { count, time: formatTime(last) })}
        </span>
      ),
      duration: 0,
    });
  }, [count, last, token, notification, t]);
  return null;
}
