import { LANGUAGE_NAMES, LANGUAGES, type Language } from '@earshot/i18n';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAnnounce } from './announcer';
import { api } from './api';
import { ErrorNote } from './components/Status';
import { currentLanguage, i18n, setLanguage } from './i18n';
import { useSession } from './session';

/**
 * The language switch (Settings): changes the app at once, remembers it on this device and, when
 * signed in, on the account (the server writes pushes in it; another device picks it up).
 */
export function LanguageSettings() {
  const { t } = useTranslation();
  const { user, setUser } = useSession();
  const announce = useAnnounce();
  const [error, setError] = useState<unknown>(null);

  async function choose(language: Language) {
    setError(null);
    await setLanguage(language);
    announce(i18n.t('settings.language.changed'));
    if (!user) return;
    try {
      setUser((await api.updateMe({ language })).user);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section className="card" aria-labelledby="language-heading">
      <h2 id="language-heading">{t('settings.language.title')}</h2>
      <div className="field">
        <label htmlFor="language">{t('settings.language.label')}</label>
        <select
          id="language"
          value={currentLanguage()}
          onChange={(e) => void choose(e.target.value as Language)}
          aria-describedby="language-hint"
        >
          {LANGUAGES.map((language) => (
            <option key={language} value={language} lang={language}>
              {LANGUAGE_NAMES[language]}
            </option>
          ))}
        </select>
        <small id="language-hint" className="hint">
          {t('settings.language.hint')}
        </small>
      </div>
      <ErrorNote error={error} />
    </section>
  );
}
