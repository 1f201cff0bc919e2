// English and Traditional Chinese. Keys are the English text itself, so an untranslated string
// still reads right; zh-TW.ts holds the translations. The language comes from the browser unless
// the person chose one (kept in localStorage).
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { zhTW } from './locales/zh-TW';

export type Language = 'en' | 'zh-TW';
const STORAGE_KEY = 'lcm.language';

export function detectLanguage(): Language {
  const chosen = globalThis.localStorage?.getItem(STORAGE_KEY);
  if (chosen === 'en' || chosen === 'zh-TW') return chosen;
  const browser = globalThis.navigator?.languages?.[0] ?? globalThis.navigator?.language ?? 'en';
  return browser.toLowerCase().startsWith('zh') ? 'zh-TW' : 'en';
}

export function setLanguage(language: Language): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, language);
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export function initI18n(language: Language = detectLanguage()) {
  if (typeof document !== 'undefined') document.documentElement.lang = language;
  void i18next.use(initReactI18next).init({
    lng: language,
    fallbackLng: 'en',
    resources: { en: { translation: en }, 'zh-TW': { translation: zhTW } },
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    returnEmptyString: false,
  });
  return i18next;
}
