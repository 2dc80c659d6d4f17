/**
 * The app's languages and their catalogs, shared by the web app and the server (push texts,
 * share cards). One JSON file per language under locales/; English is the reference catalog.
 */

import { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language } from './codes';
import en from './locales/en.json';
import es from './locales/es.json';
import nl from './locales/nl.json';

export { DEFAULT_LANGUAGE, isLanguage, LANGUAGES, type Language };

/** Each language's name in itself, for the language switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', nl: 'Nederlands', es: 'Español' };

export type Catalog = typeof en;
export const catalogs: Record<Language, Catalog> = { en, nl, es };
/** i18next's `resources` option: one namespace, `translation`. */
export const resources = Object.fromEntries(LANGUAGES.map((l) => [l, { translation: catalogs[l] }])) as Record<
  Language,
  { translation: Catalog }
>;

/** The supported language a tag such as "nl-BE" or "es" stands for, if any. */
export function languageOf(tag: string | null | undefined): Language | null {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : null;
}

/** The best supported language of an Accept-Language header (RFC 9110 §12.5.4), else English. */
export function fromAcceptLanguage(header: string | undefined): Language {
  const ranked = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag, q: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((r) => Number.isFinite(r.q) && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const r of ranked) {
    const language = languageOf(r.tag);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}
