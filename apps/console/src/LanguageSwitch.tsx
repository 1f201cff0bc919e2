import { useTranslation } from 'react-i18next';
import { setLanguage, type Language } from './i18n';

const LANGUAGES: [Language, string][] = [
  ['en', 'English'],
  ['zh-TW', '繁體中文'],
];

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="lang-switch" role="group" aria-label={t('Language')}>
      {LANGUAGES.map(([code, label]) => (
        <button
          key={code}
          type="button"
          lang={code}
          aria-pressed={i18n.language === code}
          onClick={() => setLanguage(code)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}
