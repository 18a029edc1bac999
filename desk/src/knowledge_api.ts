/** The admins' knowledge API (docs/api/knowledge.md, "Admin API"); admins only, 403 for others. */

import { call } from './api';

export interface KnowledgeBase {
  id: string;
  name: string;
  description: string;
  lang: string;
  articles: number;
}

export interface Article {
  id: number;
  kbId: string;
  externalId: string;
  lang: string;
  title: string;
  body: string;
  categories: string[];
  tags: string[];
  views: number;
  votes: { helpful: number; unhelpful: number };
  updatedAt: string;
}

/** What the editor sends: the fields an admin can change. */
export interface ArticleFields {
  title: string;
  body: string;
  lang: string;
  categories: string[];
  tags: string[];
}

export interface SearchStat {
  query: string;
  searches: number;
  withoutResult: number;
  notFoundReports: number;
  lastAt: string | null;
}

export interface ArticleVotes {
  id: number;
  kbId: string;
  title: string;
  views: number;
  helpful: number;
  unhelpful: number;
}

export interface KnowledgeStats {
  days: number;
  topSearches: SearchStat[];
  withoutResult: SearchStat[];
  votes: ArticleVotes[];
}

const ROOT = '/api/agent/knowledge';
/** The largest page the server hands out. */
export const PAGE_SIZE = 200;

const basePath = (id: string): string => `${ROOT}/bases/${encodeURIComponent(id)}`;
const articlePath = (id: number): string => `${ROOT}/articles/${encodeURIComponent(String(id))}`;

export const listBases = (): Promise<{ knowledgebases: KnowledgeBase[] }> =>
  call('GET', `${ROOT}/bases`);

export const listArticles = (
  kbId: string,
  offset = 0,
  limit = PAGE_SIZE,
): Promise<{ articles: Article[]; total: number }> =>
  call('GET', `${basePath(kbId)}/articles?offset=${offset}&limit=${limit}`);

/** Every article of a knowledge base, a page at a time (the server pages by id, so none is missed twice). */
export async function listAllArticles(kbId: string): Promise<Article[]> {
  const found: Article[] = [];
  for (;;) {
    const page = await listArticles(kbId, found.length);
    found.push(...page.articles);
    if (page.articles.length === 0 || found.length >= page.total) return found;
  }
}

export const createArticle = (kbId: string, fields: ArticleFields): Promise<Article> =>
  call('POST', `${basePath(kbId)}/articles`, fields);

export const updateArticle = (id: number, fields: Partial<ArticleFields>): Promise<Article> =>
  call('PATCH', articlePath(id), fields);

export const deleteArticle = (id: number): Promise<unknown> => call('DELETE', articlePath(id));

export const getStats = (days = 30, limit = 20): Promise<KnowledgeStats> =>
  call('GET', `${ROOT}/stats?days=${days}&limit=${limit}`);
