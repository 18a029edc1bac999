/**
 * The KnowledgeCenter panel as a Preact view of its state: a search box with a suggestion list
 * (an ARIA combobox), then topics and popular articles, the results, or one article. Server
 * text is always rendered as text: highlights become <mark> elements, bodies go through the
 * Markdown renderer, nothing is ever set as HTML.
 */
import { h, type ComponentChild } from 'preact';
import {
  highlightParts,
  type KnowledgeCategory,
  type KnowledgeDocument,
} from '../knowledgecenterservice/documents';
import { articleBody } from './article';

export type Stage = 'home' | 'results' | 'article';

export interface KnowledgeView {
  open: boolean;
  stage: Stage;
  query: string;
  /** What the suggestion list offers: query completions, then articles. */
  suggestions: { label: string; doc?: KnowledgeDocument }[];
  active: number;
  listOpen: boolean;
  resultsFor: string;
  results: KnowledgeDocument[];
  total: number;
  categories: KnowledgeCategory[];
  trending: KnowledgeDocument[];
  article: KnowledgeDocument | undefined;
  voted: '' | 'helpful' | 'unhelpful';
  busy: boolean;
  error: string;
  announce: string;
}

export interface KnowledgeActions {
  type(value: string): void;
  key(event: KeyboardEvent): void;
  submit(event: Event): void;
  pick(index: number): void;
  category(category: KnowledgeCategory): void;
  show(doc: KnowledgeDocument): void;
  back(): void;
  vote(helpful: boolean): void;
  close(): void;
}

type T = (key: string, fill?: Record<string, string | number>) => string;

const LIST_ID = 'fd-kc-suggestions';
const optionId = (index: number): string => `fd-kc-option-${index}`;

/** A snippet with the server's highlights as <mark> elements around plain text. */
export function snippetView(snippet: string): ComponentChild[] {
  return highlightParts(snippet).map((part) => (part.hit ? h('mark', null, part.text) : part.text));
}

function docList(
  docs: KnowledgeDocument[],
  actions: KnowledgeActions,
  className: string,
  snippets: boolean,
): ComponentChild {
  return h(
    'ul',
    { class: `fd-kc-list ${className}` },
    docs.map((doc) =>
      h(
        'li',
        { key: `${doc.kbId}/${doc.docId}` },
        h(
          'button',
          {
            type: 'button',
            class: 'fd-plain fd-kc-doc',
            'data-doc': doc.docId,
            onClick: () => actions.show(doc),
          },
          h('span', { class: 'fd-kc-doc-title' }, doc.title || doc.docId),
          snippets && doc.snippet
            ? h('span', { class: 'fd-kc-snippet' }, snippetView(doc.snippet))
            : null,
        ),
      ),
    ),
  );
}

function searchBox(view: KnowledgeView, actions: KnowledgeActions, t: T): ComponentChild {
  const expanded = view.listOpen && view.suggestions.length > 0;
  return h(
    'form',
    { class: 'fd-kc-search', role: 'search', onSubmit: actions.submit },
    h('label', { for: 'fd-kc-query', class: 'fd-kc-hidden' }, t('SearchLabel')),
    h(
      'div',
      { class: 'fd-kc-box' },
      h('input', {
        id: 'fd-kc-query',
        type: 'search',
        value: view.query,
        placeholder: t('SearchPlaceholder'),
        autoComplete: 'off',
        maxLength: 500,
        role: 'combobox',
        'aria-autocomplete': 'list',
        'aria-controls': LIST_ID,
        'aria-expanded': String(expanded),
        'aria-activedescendant': expanded && view.active >= 0 ? optionId(view.active) : undefined,
        onInput: (event: Event) => actions.type((event.currentTarget as HTMLInputElement).value),
        onKeyDown: actions.key,
      }),
      h('button', { type: 'submit', id: 'fd-kc-submit' }, t('Search')),
    ),
    h(
      'ul',
      {
        id: LIST_ID,
        role: 'listbox',
        class: 'fd-kc-suggestions',
        'aria-label': t('Suggestions'),
        hidden: !expanded,
      },
      view.suggestions.map((item, index) =>
        h(
          'li',
          {
            id: optionId(index),
            role: 'option',
            'aria-selected': String(index === view.active),
            class: `fd-kc-option${item.doc ? ' fd-kc-option-doc' : ''}`,
            // mousedown, not click: the input must not lose focus before the pick.
            onMouseDown: (event: MouseEvent) => {
              event.preventDefault();
              actions.pick(index);
            },
          },
          item.label,
        ),
      ),
    ),
  );
}

function homeView(view: KnowledgeView, actions: KnowledgeActions, t: T): ComponentChild[] {
  return [
    view.categories.length
      ? h(
          'section',
          { class: 'fd-kc-section', 'aria-labelledby': 'fd-kc-cats' },
          h('h3', { id: 'fd-kc-cats' }, t('Categories')),
          h(
            'ul',
            { class: 'fd-kc-chips' },
            view.categories.map((category) =>
              h(
                'li',
                { key: category.id },
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'fd-plain fd-kc-chip',
                    'data-category': category.id,
                    onClick: () => actions.category(category),
                  },
                  category.name,
                ),
              ),
            ),
          ),
        )
      : null,
    view.trending.length
      ? h(
          'section',
          { class: 'fd-kc-section', 'aria-labelledby': 'fd-kc-trending' },
          h('h3', { id: 'fd-kc-trending' }, t('Trending')),
          docList(view.trending, actions, 'fd-kc-trending', false),
        )
      : null,
  ];
}

function resultsView(view: KnowledgeView, actions: KnowledgeActions, t: T): ComponentChild[] {
  if (view.busy && !view.results.length) return [h('p', { class: 'fd-kc-muted' }, t('Searching'))];
  if (!view.results.length) {
    return [
      h(
        'p',
        { class: 'fd-kc-empty', id: 'fd-kc-empty' },
        t('NoResults', { Query: view.resultsFor }),
      ),
      h('p', { class: 'fd-kc-muted' }, t('NoResultsHint')),
      ...homeView(view, actions, t),
    ];
  }
  return [
    h(
      'p',
      { class: 'fd-kc-muted', id: 'fd-kc-count' },
      t(view.total === 1 ? 'ResultsOne' : 'Results', { Count: view.total, Query: view.resultsFor }),
    ),
    docList(view.results, actions, 'fd-kc-results', true),
  ];
}

function articleView(view: KnowledgeView, actions: KnowledgeActions, t: T): ComponentChild[] {
  const doc = view.article!;
  return [
    h('button', { type: 'button', class: 'fd-plain fd-kc-back', onClick: actions.back }, t('Back')),
    h(
      'article',
      { class: 'fd-kc-article', 'aria-labelledby': 'fd-kc-article-title' },
      h('h3', { id: 'fd-kc-article-title', tabIndex: -1 }, doc.title || doc.docId),
      doc.body
        ? h('div', { class: 'fd-kc-body' }, articleBody(doc.body))
        : h('p', { class: 'fd-kc-muted' }, t('Loading')),
    ),
    h(
      'div',
      { class: 'fd-kc-vote', role: 'group', 'aria-labelledby': 'fd-kc-helpful' },
      view.voted
        ? h('p', { role: 'status', id: 'fd-kc-thanks', tabIndex: -1 }, t('Thanks'))
        : [
            h('p', { id: 'fd-kc-helpful' }, t('Helpful')),
            h(
              'button',
              { type: 'button', id: 'fd-kc-yes', onClick: () => actions.vote(true) },
              t('Yes'),
            ),
            h(
              'button',
              {
                type: 'button',
                id: 'fd-kc-no',
                class: 'fd-plain',
                onClick: () => actions.vote(false),
              },
              t('No'),
            ),
          ],
    ),
  ];
}

export function KnowledgePanel({
  view,
  actions,
  t,
}: {
  view: KnowledgeView;
  actions: KnowledgeActions;
  t: T;
}): ComponentChild {
  if (!view.open) return null;
  const body =
    view.stage === 'article' && view.article
      ? articleView(view, actions, t)
      : view.stage === 'results'
        ? resultsView(view, actions, t)
        : homeView(view, actions, t);
  return h(
    'section',
    {
      class: 'fd-kc-window cx-knowledgecenter',
      role: 'dialog',
      'aria-labelledby': 'fd-kc-title',
      'data-stage': view.stage,
      onKeyDown: (event: KeyboardEvent) => {
        if (event.key === 'Escape' && !event.defaultPrevented) actions.close();
      },
    },
    h(
      'header',
      { class: 'fd-kc-bar' },
      h('h2', { id: 'fd-kc-title' }, t('Title')),
      h(
        'button',
        {
          type: 'button',
          class: 'fd-plain fd-kc-close',
          onClick: actions.close,
          'aria-label': t('Close'),
        },
        '×',
      ),
    ),
    searchBox(view, actions, t),
    h(
      'div',
      { class: 'fd-kc-body-scroll' },
      view.error ? h('p', { class: 'fd-kc-error', role: 'alert' }, view.error) : null,
      body,
    ),
    h('p', { class: 'fd-kc-live', 'aria-live': 'polite' }, view.announce),
  );
}
