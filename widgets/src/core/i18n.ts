/**
 * Language packs: `pack[lang][namespace][key]`, namespaces lower-case as in Genesys packs
 * (`app`, `console`, `webchat`...). Plugins add their strings with `App.registerI18n`.
 */

export type Strings = Record<string, string>;
export type Pack = Record<string, Record<string, Strings>>;

/** Languages written right to left; their UI roots get `dir="rtl"`. */
const RTL = ['ar', 'fa', 'he', 'ur'];

export function isRightToLeft(lang: string): boolean {
  return RTL.includes(lang.split('-')[0]!.toLowerCase());
}

/** The packs that ship with the core: the App's few strings in three languages. */
export const BUILT_IN: Pack = {
  en: { app: { close: 'Close', minimize: 'Minimize', language: 'English' } },
  de: { app: { close: 'Schließen', minimize: 'Minimieren', language: 'Deutsch' } },
  ar: { app: { close: 'إغلاق', minimize: 'تصغير', language: 'العربية' } },
};

export interface I18n {
  languages(): string[];
  has(lang: string): boolean;
  add(lang: string, namespace: string, strings: unknown): boolean;
  /** Merge a whole pack `{lang: {namespace: {key: text}}}`. */
  merge(pack: unknown): void;
  /** The string for `key` in `lang`, falling back to English, then to the key itself. */
  t(lang: string, namespace: string, key: string): string;
  strings(lang: string): Record<string, Strings>;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function createI18n(): I18n {
  const packs: Pack = {};
  const add = (lang: string, namespace: string, strings: unknown): boolean => {
    if (!lang || !namespace || !isRecord(strings)) return false;
    const ns = namespace.toLowerCase();
    const forLang = (packs[lang] ??= {});
    const target = (forLang[ns] ??= {});
    for (const [key, text] of Object.entries(strings)) {
      if (typeof text === 'string') target[key] = text;
    }
    return true;
  };
  const merge = (pack: unknown): void => {
    if (!isRecord(pack)) return;
    for (const [lang, spaces] of Object.entries(pack)) {
      if (!isRecord(spaces)) continue;
      packs[lang] ??= {};
      for (const [ns, strings] of Object.entries(spaces)) add(lang, ns, strings);
    }
  };
  merge(BUILT_IN);
  return {
    languages: () => Object.keys(packs),
    has: (lang) => Object.prototype.hasOwnProperty.call(packs, lang),
    add,
    merge,
    t: (lang, namespace, key) => {
      const ns = namespace.toLowerCase();
      return packs[lang]?.[ns]?.[key] ?? packs['en']?.[ns]?.[key] ?? key;
    },
    strings: (lang) => packs[lang] ?? {},
  };
}
