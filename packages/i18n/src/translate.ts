import { createInstance, type TFunction } from 'i18next';
import { DEFAULT_LANGUAGE, LANGUAGES, type Language, resources } from './languages';

const instance = createInstance();
void instance.init({
  resources,
  supportedLngs: [...LANGUAGES],
  fallbackLng: DEFAULT_LANGUAGE,
  initAsync: false,
  interpolation: { escapeValue: false }, // callers escape for their output (HTML, JSON)
});

/** A `t` bound to one language, for text made outside React (server pushes, share cards). */
export function translator(language: Language): TFunction {
  return instance.getFixedT(language);
}
