import { Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { changeLanguage } from '../i18n/index.ts';

/** Names the other language, in that language: a tap switches to it. */
export function LanguageSwitch() {
  const { i18n } = useTranslation();
  const english = i18n.language === 'en';
  return (
    <Button
      type="text"
      size="small"
      lang={english ? 'zh-CN' : 'en'}
      onClick={() => void changeLanguage(english ? 'zh-CN' : 'en')}
      data-testid="language-switch"
    >
      {english ? '中文' : 'English'}
    </Button>
  );
}
