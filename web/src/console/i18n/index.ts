import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import { zhCN } from './zh-CN.ts';

export type Language = 'zh-CN' | 'en';
const LANGUAGE_KEY = 'regulars.language';

function savedLanguage(): Language {
  return localStorage.getItem(LANGUAGE_KEY) === 'en' ? 'en' : 'zh-CN';
}

// English is a chunk of its own, fetched when chosen: most tills never load it
async function loadLanguage(language: Language): Promise<void> {
  if (language === 'en' && !i18n.hasResourceBundle('en', 'translation'))
    i18n.addResourceBundle('en', 'translation', (await import('./en.ts')).en);
}

/** Resolves when the saved language's messages are in: the console renders after it. */
export const i18nReady: Promise<void> = i18n
  .use(initReactI18next)
  .init({
    resources: { 'zh-CN': { translation: zhCN } },
    lng: 'zh-CN',
    fallbackLng: 'zh-CN',
    interpolation: { escapeValue: false },
  })
  .then(async () => {
    if (savedLanguage() === 'en') await changeLanguage('en');
  });

export const currentLanguage = (): Language => (i18n.language === 'en' ? 'en' : 'zh-CN');

export async function changeLanguage(language: Language): Promise<void> {
  await loadLanguage(language);
  localStorage.setItem(LANGUAGE_KEY, language);
  document.documentElement.lang = language;
  await i18n.changeLanguage(language);
}

/**
 * A page's own zh-CN messages, merged in when its chunk loads, so the first load does not carry
 * them; English is a chunk of its own already and holds every page's messages.
 */
export const addPageMessages = (messages: object) =>
  i18n.addResourceBundle('zh-CN', 'translation', messages, true, true);

export { i18n };
