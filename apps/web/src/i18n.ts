import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language, resources } from '@earshot/i18n';
import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';

const STORAGE_KEY = 'earshot.language';

/**
 * The app's one i18next instance: the language chosen in Settings (kept in localStorage), else
 * the browser's, else English. Catalogs are bundled: three small JSON files, no loading state.
 */
void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources,
    supportedLngs: [...LANGUAGES],
    nonExplicitSupportedLngs: true,
    load: 'languageOnly',
    fallbackLng: DEFAULT_LANGUAGE,
    initAsync: false,
    interpolation: { escapeValue: false }, // React escapes
    detection: { order: ['localStorage', 'navigator'], lookupLocalStorage: STORAGE_KEY, caches: ['localStorage'] },
  });

const setDocumentLanguage = (language: string) => {
  document.documentElement.lang = language;
};
setDocumentLanguage(currentLanguage());
i18n.on('languageChanged', setDocumentLanguage);

/** The active language, one of LANGUAGES ("nl-BE" in the browser counts as nl). */
export function currentLanguage(): Language {
  const resolved = i18n.resolvedLanguage ?? i18n.language;
  return isLanguage(resolved) ? resolved : DEFAULT_LANGUAGE;
}

/**
 * The locale for Intl (dates, numbers): the browser's own tag when it is of the app's language
 * ("en-GB" writes 1 December, "nl-BE" its own way), else the language itself.
 */
export function intlLocale(): string {
  const language = currentLanguage();
  return navigator.languages?.find((tag) => tag.toLowerCase().split('-')[0] === language) ?? language;
}

/** Switches the app's language and remembers it on this device. */
export function setLanguage(language: Language) {
  return i18n.changeLanguage(language);
}

export { i18n };
