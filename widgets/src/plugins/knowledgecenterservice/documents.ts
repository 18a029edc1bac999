/**
 * The shapes KnowledgeCenterService hands to the page, read from the server's replies. A reply
 * is trusted for nothing: every field is checked and anything missing or odd becomes empty, so
 * a broken or hostile server can make the panel show less but never makes it throw.
 */
import { isRecord } from '../../core/common';

/** One article as KnowledgeCenterService publishes it. */
export interface KnowledgeDocument {
  kbId: string;
  docId: string;
  title: string;
  /** A short extract; matched words sit between `\u0002` and `\u0003` (see `highlightParts`). */
  snippet: string;
  /** The full Markdown body; only in `getFullContent` replies. */
  body: string;
  categories: string[];
  lang: string;
  score: number;
}

export interface KnowledgeCategory {
  id: string;
  name: string;
  count: number;
}

export interface SearchResult {
  query: string;
  documents: KnowledgeDocument[];
  total: number;
}

const HIGHLIGHT_START = '\u0002';
const HIGHLIGHT_END = '\u0003';
const MAX_TEXT = 200_000;

const text = (value: unknown): string =>
  typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
const id = (value: unknown): string =>
  typeof value === 'number' && Number.isFinite(value) ? String(value) : text(value).slice(0, 200);
const first = (record: Record<string, unknown>, names: string[]): unknown =>
  names.map((name) => record[name]).find((value) => value !== undefined && value !== null);

/** The payload of a reply: Genesys servers wrap it in `{status, response}`; bare is fine too. */
export function payloadOf(body: unknown): unknown {
  return isRecord(body) && 'response' in body ? body['response'] : body;
}

/** The list in a reply: a bare array, or the first array under one of `names`. */
export function listOf(body: unknown, names: string[]): unknown[] {
  const payload = payloadOf(body);
  if (Array.isArray(payload)) return payload;
  if (!isRecord(payload)) return [];
  const found = first(payload, names);
  return Array.isArray(found) ? found : [];
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/** Text of HTML-escaped text: the named entities an escaper writes, and numeric ones. */
export function unescapeEntities(escaped: string): string {
  return escaped.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, name: string) => {
    if (name[0] !== '#') return ENTITIES[name.toLowerCase()] ?? whole;
    const code =
      name[1] === 'x' || name[1] === 'X'
        ? parseInt(name.slice(2), 16)
        : parseInt(name.slice(1), 10);
    // Control characters stay out: an escaped \u0002 must not become a highlight marker.
    return code >= 0x20 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)
      ? String.fromCodePoint(code)
      : '';
  });
}

/**
 * A server snippet is escaped text with `<mark>` around matched words (`docs/api/knowledge.md`).
 * The marks become the private control characters `\u0002` / `\u0003` and the rest is unescaped
 * to plain text, so the snippet is never parsed as HTML; control characters already in the text
 * are dropped first, so the text cannot fake a highlight.
 */
export function markHighlights(snippet: string): string {
  return unescapeEntities(
    snippet
      .replace(/[\u0002\u0003]/g, '')
      .replace(/<mark>/gi, HIGHLIGHT_START)
      .replace(/<\/mark>/gi, HIGHLIGHT_END)
      .replace(/<[^>]{0,100}>/g, ''),
  );
}

/** A snippet as alternating plain and highlighted parts: `[{text, hit}]`, hits balanced. */
export function highlightParts(snippet: string): { text: string; hit: boolean }[] {
  const parts: { text: string; hit: boolean }[] = [];
  let hit = false;
  for (const piece of snippet.split(/([\u0002\u0003])/)) {
    if (piece === HIGHLIGHT_START) hit = true;
    else if (piece === HIGHLIGHT_END) hit = false;
    else if (piece) parts.push({ text: piece, hit });
  }
  return parts;
}

const categoryNames = (value: unknown): string[] =>
  Array.isArray(value)
    ? value
        .map((item) => (isRecord(item) ? text(first(item, ['name', 'id'])) : text(item)))
        .filter(Boolean)
        .slice(0, 20)
    : [];

/** One article from a reply, or undefined when it has no ids. */
export function documentOf(raw: unknown, fallbackKb = ''): KnowledgeDocument | undefined {
  if (!isRecord(raw)) return undefined;
  const docId = id(first(raw, ['docId', 'id', 'documentId']));
  const kbId = id(first(raw, ['kbId', 'knowledgebase', 'knowledgeBaseId', 'kb'])) || fallbackKb;
  if (!docId || !kbId) return undefined;
  const score = Number(first(raw, ['score', 'confidence']));
  return {
    kbId,
    docId,
    title: text(first(raw, ['title', 'question'])),
    snippet: markHighlights(text(first(raw, ['snippet', 'highlight', 'summary']))),
    body: text(first(raw, ['body', 'answer', 'content'])),
    categories: categoryNames(raw['categories']),
    lang: text(raw['lang'] ?? raw['language']),
    score: Number.isFinite(score) ? score : 0,
  };
}

/** The articles of a search, suggest or trending reply. */
export function documentsOf(body: unknown): KnowledgeDocument[] {
  return listOf(body, ['documents', 'docs', 'results', 'items'])
    .map((raw) => documentOf(raw))
    .filter((doc): doc is KnowledgeDocument => doc !== undefined);
}

/** The total hit count of a reply, or the number of articles when it gives none. */
export function totalOf(body: unknown, documents: KnowledgeDocument[]): number {
  const payload = payloadOf(body);
  const total = isRecord(payload) ? Number(first(payload, ['total', 'count'])) : NaN;
  return Number.isFinite(total) && total >= documents.length ? total : documents.length;
}

/** The categories of a categories reply. */
export function categoriesOf(body: unknown): KnowledgeCategory[] {
  return listOf(body, ['categories', 'cats', 'items']).flatMap((raw) => {
    if (typeof raw === 'string') return raw ? [{ id: raw, name: raw, count: 0 }] : [];
    if (!isRecord(raw)) return [];
    const key = id(first(raw, ['id', 'categoryId', 'name']));
    const count = Number(first(raw, ['count', 'articles', 'documents', 'size']));
    return key
      ? [{ id: key, name: text(raw['name']) || key, count: Number.isFinite(count) ? count : 0 }]
      : [];
  });
}

const SUGGESTION_LISTS = ['suggestions', 'documents', 'docs', 'results', 'items'];

/** Suggested query completions: the plain strings of a suggest reply. */
export function suggestionsOf(body: unknown): string[] {
  return listOf(body, SUGGESTION_LISTS)
    .map((raw) => text(raw).slice(0, 300))
    .filter(Boolean);
}

/** Suggested articles: the entries of a suggest reply that name an article. */
export function suggestedDocumentsOf(body: unknown): KnowledgeDocument[] {
  return listOf(body, SUGGESTION_LISTS)
    .map((raw) => documentOf(raw))
    .filter((doc): doc is KnowledgeDocument => doc !== undefined);
}
