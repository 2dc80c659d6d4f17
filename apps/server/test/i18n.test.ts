import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { catalogs, fromAcceptLanguage, LANGUAGES, type Language, translator } from '@earshot/i18n';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const PLURAL = /_(zero|one|two|few|many|other)$/;

/** Every leaf of a catalog as "a.b.c" → text. */
function leaves(tree: unknown, prefix = '', out = new Map<string, string>()) {
  for (const [key, value] of Object.entries(tree as Record<string, unknown>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(name, value);
    else if (value && typeof value === 'object') leaves(value, name, out);
    else assert.fail(`${name} is neither text nor a group`);
  }
  return out;
}

/** The keys code can ask for: plain keys, and plural keys by their base ("space.listening"). */
function askable(language: Language) {
  const keys = new Set<string>();
  for (const key of leaves(catalogs[language]).keys()) keys.add(key.replace(PLURAL, ''));
  return keys;
}

/** {{name}} variables and <tag>s of a text: a translation must keep the same ones. */
const slots = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)[^}]*\}\}|<\/?(\w+)>/g)].map((m) => m[1] ?? `<${m[2]}>`).sort();

function sourceFiles(dir: string, out: string[] = []) {
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) sourceFiles(file, out);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(file);
  }
  return out;
}

type Use = { key: string; pattern: RegExp | null; where: string };

/**
 * The keys a source text asks for: t('…'), tr('…'), i18n.t('…'), t(`…${x}…`) and i18nKey="…".
 * A template key becomes a pattern (${…} = one key segment or more).
 */
function keysIn(text: string, file: string): Use[] {
  const used: Use[] = [];
  const calls = /(?<![\w$])(?:t|tr|i18n\.t)\(\s*(['"`])((?:(?!\1)[^\\\n])+)\1|i18nKey=(["'])([^"']+)\3/g;
  for (const m of text.matchAll(calls)) {
    const key = (m[2] ?? m[4]) as string;
    const where = `${file}:${text.slice(0, m.index).split('\n').length}`;
    if (m[1] === '`' && key.includes('${')) {
      const parts = key.split(/\$\{[^}]*\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
      used.push({ key, pattern: new RegExp(`^${parts.join('[\\w.]+')}$`), where });
    } else used.push({ key, pattern: null, where });
  }
  return used;
}

/** Every key used in the web app, the server and the i18n package. */
function keysInCode() {
  const dirs = ['apps/web/src', 'apps/server/src', 'packages/i18n/src'].map((d) => path.join(ROOT, d));
  return dirs
    .flatMap((d) => sourceFiles(d))
    .flatMap((file) => keysIn(readFileSync(file, 'utf8'), path.relative(ROOT, file)));
}

/** The uses whose key the language's catalog lacks, as "file:line key". */
function missingFrom(language: Language, used: Use[]) {
  const keys = [...askable(language)];
  const has = new Set(keys);
  return used
    .filter((u) => (u.pattern ? !keys.some((k) => u.pattern?.test(k)) : !has.has(u.key)))
    .map((u) => `${u.where} ${u.key}`);
}

describe('i18n catalogs', () => {
  const english = leaves(catalogs.en);

  for (const language of LANGUAGES) {
    it(`${language}: has every key of English, no others, and each plural form its language needs`, () => {
      const own = leaves(catalogs[language]);
      const missing = [...askable('en')].filter((k) => !askable(language).has(k));
      const extra = [...askable(language)].filter((k) => !askable('en').has(k));
      assert.deepEqual(missing, [], `missing in ${language}`);
      assert.deepEqual(extra, [], `in ${language} but not in English`);

      const needed = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      const plurals = new Set([...english.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
      for (const base of plurals) {
        const forms = [...own.keys()].filter((k) => k.replace(PLURAL, '') === base && PLURAL.test(k));
        const have = forms.map((k) => (PLURAL.exec(k) as RegExpExecArray)[1]).sort();
        assert.deepEqual(have, [...needed].sort(), `${language} ${base}: plural forms`);
        assert.ok(!own.has(base), `${language} ${base}: both a plain and a plural key`);
      }
    });

    it(`${language}: every text is filled in and keeps English's {{variables}} and <tags>`, () => {
      for (const [key, text] of leaves(catalogs[language])) {
        assert.ok(text.trim(), `${language} ${key} is empty`);
        const source = english.get(key) ?? english.get(key.replace(PLURAL, '_other'));
        assert.ok(source !== undefined, `${language} ${key} has no English`);
        // A plural's "one" may spell the number out ("one follower") but keeps the rest.
        const strip = (s: string[]) => (PLURAL.test(key) ? s.filter((x) => x !== 'count') : s);
        assert.deepEqual(strip(slots(text)), strip(slots(source)), `${language} ${key}: ${text}`);
      }
    });
  }

  it('no <tag> is an HTML void element (Trans closes <link> at once: the link came out empty)', () => {
    const VOID = new Set('area base br col embed hr img input link meta source track wbr'.split(' '));
    for (const language of LANGUAGES) {
      for (const [key, text] of leaves(catalogs[language])) {
        for (const m of text.matchAll(/<(\w+)>/g)) {
          assert.ok(!VOID.has(m[1] as string), `${language} ${key}: <${m[1]}> in ${text}`);
        }
      }
    }
  });

  it('every key the code uses is in every catalog (read from the sources)', () => {
    const used = keysInCode();
    assert.ok(used.length > 300, `found ${used.length} keys in code; the scan is broken`);
    assert.ok(
      used.some((u) => u.pattern),
      'template keys are found too',
    );
    for (const language of LANGUAGES) {
      assert.deepEqual(missingFrom(language, used), [], `keys used in code but missing from ${language}`);
    }
  });

  it('the scan catches a missing key in each way code asks for one', () => {
    const source = [
      "t('home.liveNow'); i18n.t('home.noSuchKey');",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template key
      't(`reports.status.${status}`); tr(`nowhere.${x}.label`);',
      '<Trans i18nKey="home.welcomeBack" /> <Trans i18nKey="home.gone" />',
      "t('space.listening', { count }); t('space.listening_many');",
    ].join('\n');
    assert.deepEqual(missingFrom('en', keysIn(source, 'x.tsx')), [
      'x.tsx:1 home.noSuchKey',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the template key as written
      'x.tsx:2 nowhere.${x}.label',
      'x.tsx:3 home.gone',
      'x.tsx:4 space.listening_many',
    ]);
  });

  it('Spanish uses its "many" form for a million, Dutch and English do not have one', () => {
    const es = translator('es');
    assert.equal(es('card.listeners', { count: 1 }), '1 oyente');
    assert.equal(es('card.listeners', { count: 2 }), '2 oyentes');
    assert.equal(es('card.listeners', { count: 1_000_000 }), '1.000.000 de oyentes');
    assert.equal(es('card.listeners', { count: 1_500_000 }), '1.500.000 oyentes');
    assert.equal(translator('nl')('card.listeners', { count: 1_000_000 }), '1.000.000 luisteraars');
    assert.equal(translator('en')('card.listeners', { count: 1_000_000 }), '1,000,000 listeners');
    assert.equal(translator('en')('card.listeners', { count: 1 }), '1 listener');
  });

  it('falls back to English for an unknown language and picks from Accept-Language', () => {
    assert.equal(fromAcceptLanguage('nl-BE,nl;q=0.9,en;q=0.8'), 'nl');
    assert.equal(fromAcceptLanguage('fr-FR, es;q=0.5, en;q=0.4'), 'es');
    assert.equal(fromAcceptLanguage('de, fr;q=0.5'), 'en');
    assert.equal(fromAcceptLanguage('es;q=0, nl;q=0.1'), 'nl');
    assert.equal(fromAcceptLanguage(undefined), 'en');
  });
});
