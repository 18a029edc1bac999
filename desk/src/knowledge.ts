/** Pure helpers of the Knowledge view: filtering, the editor's draft, and the server's field errors. */

import { ApiError } from './api';
import type { Article, ArticleFields } from './knowledge_api';

/** The editor's fields as typed: labels are one line of text, separated by commas. */
export interface Draft {
  title: string;
  body: string;
  lang: string;
  categories: string;
  tags: string;
}

export type DraftField = keyof Draft;

/** Problems by editor field; `form` holds what belongs to no field. */
export type FieldErrors = Partial<Record<DraftField | 'form', string>>;

const fold = (text: string): string =>
  text.normalize('NFKD').replace(/\p{M}/gu, '').toLocaleLowerCase();

/** The articles whose title has every word of the filter (case and accents ignored), by title. */
export function filterArticles(articles: readonly Article[], filter: string): Article[] {
  const words = fold(filter).split(/\s+/).filter(Boolean);
  return articles
    .filter((article) => {
      const title = fold(article.title);
      return words.every((word) => title.includes(word));
    })
    .sort((a, b) => a.title.localeCompare(b.title) || a.id - b.id);
}

/** "Account, billing;  returns" as a list: split on commas and semicolons, trimmed, each once. */
export function parseLabels(text: string): string[] {
  return [
    ...new Set(
      text
        .split(/[,;]/)
        .map((label) => label.trim())
        .filter(Boolean),
    ),
  ];
}

export const formatLabels = (labels: readonly string[]): string => labels.join(', ');

export function draftOf(article: Article | null, defaultLang: string): Draft {
  if (!article) return { title: '', body: '', lang: defaultLang, categories: '', tags: '' };
  return {
    title: article.title,
    body: article.body,
    lang: article.lang,
    categories: formatLabels(article.categories),
    tags: formatLabels(article.tags),
  };
}

export function fieldsOf(draft: Draft): ArticleFields {
  return {
    title: draft.title,
    body: draft.body,
    lang: draft.lang.trim(),
    categories: parseLabels(draft.categories),
    tags: parseLabels(draft.tags),
  };
}

/** Only what the draft changes in the article, for a PATCH that leaves the rest alone. */
export function changedFields(article: Article, draft: Draft): Partial<ArticleFields> {
  const next = fieldsOf(draft);
  const changes: Partial<ArticleFields> = {};
  if (next.title !== article.title) changes.title = next.title;
  if (next.body !== article.body) changes.body = next.body;
  if (next.lang !== article.lang) changes.lang = next.lang;
  if (formatLabels(next.categories) !== formatLabels(article.categories))
    changes.categories = next.categories;
  if (formatLabels(next.tags) !== formatLabels(article.tags)) changes.tags = next.tags;
  return changes;
}

/** The server's names for fields (`language` from the checks, `categories.3` from the schema) to the editor's. */
function editorField(name: string): DraftField | null {
  const head = name.split('.')[0] ?? '';
  if (head === 'language' || head === 'lang') return 'lang';
  if (head === 'title' || head === 'body' || head === 'categories' || head === 'tags') return head;
  return null;
}

/** A failed save as messages next to the fields it names, and the rest for the whole form. */
export function fieldErrors(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return { form: 'The server could not be reached.' };
  const listed = error.details['fields'];
  const found: FieldErrors = {};
  const other: string[] = [];
  if (Array.isArray(listed)) {
    for (const entry of listed as unknown[]) {
      const { field, problem } = (entry ?? {}) as { field?: unknown; problem?: unknown };
      const text = typeof problem === 'string' ? problem : 'invalid';
      const name = typeof field === 'string' ? editorField(field) : null;
      if (name) found[name] = found[name] ? `${found[name]}; ${text}` : text;
      else other.push(typeof field === 'string' && field ? `${field}: ${text}` : text);
    }
  }
  if (other.length > 0) found.form = other.join('; ');
  else if (Object.keys(found).length === 0) found.form = error.message;
  return found;
}

/** "75% helpful" from the votes, or an em dash without any. */
export function helpfulShare(helpful: number, unhelpful: number): string {
  const total = helpful + unhelpful;
  return total === 0 ? '—' : `${Math.round((helpful / total) * 100)}% helpful`;
}
