import 'i18next';
import type { Catalog } from './languages';

// Keys are checked by the compiler against the English catalog: a typo in t('…') does not build.
declare module 'i18next' {
  interface CustomTypeOptions {
    defaultNS: 'translation';
    resources: { translation: Catalog };
  }
}
