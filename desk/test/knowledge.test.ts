import { describe, expect, it } from 'vitest';
import { ApiError } from '../src/api';
import {
  changedFields,
  draftOf,
  fieldErrors,
  fieldsOf,
  filterArticles,
  helpfulShare,
  parseLabels,
} from '../src/knowledge';
import type { Article } from '../src/knowledge_api';

function article(id: number, title: string, changes: Partial<Article> = {}): Article {
  return {
    id,
    kbId: 'help',
    externalId: `a-${id}`,
    lang: 'en',
    title,
    body: 'Body',
    categories: ['Account'],
    tags: ['login'],
    views: 0,
    votes: { helpful: 0, unhelpful: 0 },
    updatedAt: '2026-11-29T21:00:00+00:00',
    ...changes,
  };
}

describe('filterArticles', () => {
  const articles = [
    article(1, 'Zahlung per Überweisung'),
    article(2, 'I forgot my password'),
    article(3, 'Reset the password'),
  ];

  it('keeps titles with every word, ignoring case and accents, sorted by title', () => {
    expect(filterArticles(articles, '').map((a) => a.id)).toEqual([2, 3, 1]);
    expect(filterArticles(articles, 'PASSWORD').map((a) => a.id)).toEqual([2, 3]);
    expect(filterArticles(articles, 'reset pass').map((a) => a.id)).toEqual([3]);
    expect(filterArticles(articles, 'uberweisung').map((a) => a.id)).toEqual([1]);
    expect(filterArticles(articles, 'teleporter')).toEqual([]);
  });
});

describe('the draft', () => {
  it('splits labels on commas and semicolons, each once', () => {
    expect(parseLabels(' Account, Billing;billing ;; Account ,')).toEqual([
      'Account',
      'Billing',
      'billing',
    ]);
    expect(parseLabels('   ')).toEqual([]);
  });

  it('starts empty in the knowledge base’s language, or from the article', () => {
    expect(draftOf(null, 'de')).toEqual({
      title: '',
      body: '',
      lang: 'de',
      categories: '',
      tags: '',
    });
    const held = article(4, 'Returns', { categories: ['Orders', 'Returns'], tags: [] });
    expect(draftOf(held, 'de')).toEqual({
      title: 'Returns',
      body: 'Body',
      lang: 'en',
      categories: 'Orders, Returns',
      tags: '',
    });
    expect(fieldsOf(draftOf(held, 'de'))).toEqual({
      title: 'Returns',
      body: 'Body',
      lang: 'en',
      categories: ['Orders', 'Returns'],
      tags: [],
    });
  });

  it('sends only what changed', () => {
    const held = article(5, 'Returns');
    expect(changedFields(held, draftOf(held, 'en'))).toEqual({});
    const draft = {
      ...draftOf(held, 'en'),
      title: 'Returns and refunds',
      tags: 'login, refund',
      lang: ' de ',
    };
    expect(changedFields(held, draft)).toEqual({
      title: 'Returns and refunds',
      tags: ['login', 'refund'],
      lang: 'de',
    });
  });
});

describe('fieldErrors', () => {
  it('puts the server’s problems next to the fields it names', () => {
    const error = new ApiError('invalid_input', 'The request is not valid.', 422, {
      fields: [
        { field: 'title', problem: '1-300 characters' },
        { field: 'language', problem: 'not a language tag' },
        { field: 'categories.2', problem: 'String should have at most 100 characters' },
        { field: 'tags', problem: 'at most 20' },
      ],
    });
    expect(fieldErrors(error)).toEqual({
      title: '1-300 characters',
      lang: 'not a language tag',
      categories: 'String should have at most 100 characters',
      tags: 'at most 20',
    });
  });

  it('keeps unknown fields and field-less errors for the form', () => {
    const unknown = new ApiError('invalid_input', 'x', 422, {
      fields: [{ field: 'externalId', problem: 'taken' }, 'junk'],
    });
    expect(fieldErrors(unknown)).toEqual({ form: 'externalId: taken; invalid' });
    expect(fieldErrors(new ApiError('forbidden', 'Admins only.', 403))).toEqual({
      form: 'Admins only.',
    });
    expect(fieldErrors(new TypeError('Failed to fetch'))).toEqual({
      form: 'The server could not be reached.',
    });
  });
});

describe('helpfulShare', () => {
  it('is a rounded share of helpful votes, or a dash without votes', () => {
    expect(helpfulShare(0, 0)).toBe('—');
    expect(helpfulShare(2, 1)).toBe('67% helpful');
    expect(helpfulShare(0, 3)).toBe('0% helpful');
  });
});
