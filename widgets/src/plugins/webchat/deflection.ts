/**
 * Chat deflection (`webchat.deflection.enabled`): while the visitor types the registration
 * form's subject or a first message, offer a few matching knowledge articles, each opening in
 * the KnowledgeCenter panel. Suggestions come from KnowledgeCenterService over the bus; when it
 * is missing or not configured, the command fails and nothing is shown.
 */
import { h, type ComponentChild } from 'preact';
import { isRecord } from '../../core/common';
import type { WebChat } from './context';
import type { T, WebChatActions, WebChatView } from './view';

export interface Article {
  kbId: string;
  docId: string;
  title: string;
}

const DEBOUNCE_MS = 400;
const MIN_QUERY = 3;

/** The articles of a `getSuggestions` reply, checked one by one. */
export function articlesOf(reply: unknown, max: number): Article[] {
  const documents =
    isRecord(reply) && Array.isArray(reply['documents']) ? (reply['documents'] as unknown[]) : [];
  const found: Article[] = [];
  for (const doc of documents) {
    if (!isRecord(doc)) continue;
    const { kbId, docId, title } = doc;
    if (
      typeof kbId === 'string' &&
      typeof docId === 'string' &&
      typeof title === 'string' &&
      title &&
      docId
    ) {
      found.push({ kbId, docId, title });
    }
  }
  return found.slice(0, max);
}

/** What typing in the subject or the first message calls: asks for articles after a pause. */
export function createDeflection(c: WebChat): (text: string) => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  return (text) => {
    clearTimeout(timer);
    if (c.option('deflection.enabled') !== true) return;
    const query = text.trim().slice(0, 200);
    const turn = ++asked;
    if (query.length < MIN_QUERY) {
      if (c.view.articles.length) {
        c.view.articles = [];
        c.draw();
      }
      return;
    }
    const given = Number(c.option('deflection.maxArticles'));
    const max = Number.isInteger(given) && given > 0 ? Math.min(given, 10) : 3;
    timer = setTimeout(() => {
      c.plugin
        .command('KnowledgeCenterService.getSuggestions', { query, maxSearchResults: max })
        .done((reply: unknown) => {
          if (turn !== asked) return;
          c.view.articles = articlesOf(reply, max);
          c.draw();
        })
        .fail(() => undefined);
    }, DEBOUNCE_MS);
  };
}

/** The offered articles, as a short list of links to the KnowledgeCenter panel. */
export function deflectionView(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (!view.articles.length) return null;
  return h(
    'nav',
    { class: 'fd-wc-deflect', 'aria-labelledby': 'fd-wc-deflect-title' },
    h('p', { id: 'fd-wc-deflect-title' }, t('DeflectionTitle')),
    h(
      'ul',
      null,
      view.articles.map((article) =>
        h(
          'li',
          { key: `${article.kbId}/${article.docId}` },
          h(
            'button',
            {
              type: 'button',
              class: 'fd-plain fd-wc-article',
              onClick: () => actions.openArticle(article),
            },
            article.title,
          ),
        ),
      ),
    ),
  );
}
