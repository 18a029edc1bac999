/**
 * KnowledgeCenter: the help panel on top of KnowledgeCenterService. Visitors type a question
 * and get suggestions while typing, search, browse topics and popular articles, read an
 * article and say whether it helped. All talk with the server goes through the service, so
 * the search session (and its cookies) stays the service's business.
 */
import { h, render } from 'preact';
import { commonOf, isRecord, rememberFocus, type Common } from '../../core/common';
import type { CXBusGlobal, PluginInterface } from '../../core/types';
import type { KnowledgeCategory, KnowledgeDocument } from '../knowledgecenterservice/documents';
import * as N from './names';
import { STRINGS } from './strings';
import { CSS } from './styles';
import { KnowledgePanel, type KnowledgeActions, type KnowledgeView } from './view';

type Options = Record<string, unknown>;

interface Searched {
  query: string;
  documents: KnowledgeDocument[];
  total: number;
}

interface Suggested {
  query: string;
  suggestions: string[];
  documents: KnowledgeDocument[];
}

const noop = (): void => undefined;
const reasonText = (reason: unknown): string => (typeof reason === 'string' ? reason : '');

/** Add KnowledgeCenter's built-in strings where the site's language pack has none. */
function addStrings(common: Common): void {
  for (const [lang, strings] of Object.entries(STRINGS)) {
    const present = common.i18n.strings(lang)['knowledgecenter'] ?? {};
    const missing = Object.fromEntries(
      Object.entries(strings).filter(([key]) => !(key in present)),
    );
    common.i18n.add(lang, 'knowledgecenter', missing);
  }
}

/** Register KnowledgeCenter on `bus`; it configures itself when App is ready. */
export function registerKnowledgeCenter(bus: CXBusGlobal, win: Window): PluginInterface | false {
  const plugin = bus.registerPlugin('KnowledgeCenter');
  if (!plugin) return false;
  let common: Common | undefined;
  let mounted: { root: HTMLElement; shadow: ShadowRoot } | undefined;
  let focusTarget: string | undefined;
  let giveFocusBack = (): void => undefined;
  let suggestTimer: ReturnType<typeof setTimeout> | undefined;
  // Requests are numbered, so a slow old reply never overwrites a newer one; suggestions and
  // results count apart, so typing on does not drop the results of a search under way.
  let suggestAsked = 0;
  let resultsAsked = 0;
  let lastShown: string | undefined;
  const reported = new Set<string>();
  const view: KnowledgeView = {
    open: false,
    stage: 'home',
    query: '',
    suggestions: [],
    active: -1,
    listOpen: false,
    resultsFor: '',
    results: [],
    total: 0,
    categories: [],
    trending: [],
    article: undefined,
    voted: '',
    busy: false,
    error: '',
    announce: '',
  };

  const t = (key: string, fill: Record<string, string | number> = {}): string =>
    (common ? common.t('knowledgecenter', key) : key).replace(/<%(\w+)%>/g, (_all, name: string) =>
      String(fill[name] ?? ''),
    );
  const service = <T>(name: string, options: object = {}) =>
    plugin.command<T>(`${N.SERVICE}.${name}`, options);
  const failed = (reason: unknown): void => {
    const message = reasonText(reason);
    view.busy = false;
    view.error = /reach/i.test(message) ? t('Offline') : t('Failed');
    draw();
  };

  const draw = (): void => {
    if (!common) return;
    if (!mounted) {
      if (!view.open) return;
      mounted = common.ui.mount('KnowledgeCenter', CSS);
    }
    render(h(KnowledgePanel, { view, actions, t }), mounted.root);
    if (focusTarget) {
      mounted.shadow.querySelector<HTMLElement>(focusTarget)?.focus();
      focusTarget = undefined;
    }
  };

  // Browsing: topics and popular articles, loaded once per opening

  const loadHome = (): void => {
    service<{ categories: KnowledgeCategory[] }>('getCategories')
      .done((reply) => {
        view.categories = reply.categories;
        draw();
      })
      .fail(noop);
    service<{ documents: KnowledgeDocument[] }>('getTrending')
      .done((reply) => {
        view.trending = reply.documents;
        draw();
      })
      .fail(noop);
  };

  // Suggestions while typing, debounced

  const closeList = (): void => {
    clearTimeout(suggestTimer);
    suggestAsked += 1; // a suggestion still on its way must not reopen the list
    view.listOpen = false;
    view.active = -1;
  };

  const suggest = (): void => {
    const query = view.query.trim();
    const ticket = ++suggestAsked;
    service<Suggested>('getSuggestions', { query })
      .done((reply) => {
        if (ticket !== suggestAsked || view.query.trim() !== query) return;
        view.suggestions = [
          ...reply.suggestions
            .filter((label) => label !== query)
            .slice(0, 5)
            .map((label) => ({ label })),
          ...reply.documents.slice(0, 5).map((doc) => ({ label: doc.title || doc.docId, doc })),
        ];
        view.listOpen = view.suggestions.length > 0;
        view.active = -1;
        draw();
      })
      .fail(noop);
  };

  // Searching and reading

  /** Switch to the results view for `label`; the ticket a reply must still hold to be shown. */
  const awaitResults = (label: string): number => {
    closeList();
    view.stage = 'results';
    view.busy = true;
    view.error = '';
    view.results = [];
    view.resultsFor = label;
    draw();
    return ++resultsAsked;
  };

  const showResults = (documents: KnowledgeDocument[], total: number): void => {
    view.busy = false;
    view.results = documents;
    view.total = total;
    const fill = { Count: total, Query: view.resultsFor };
    view.announce = t(
      !documents.length ? 'NoResults' : total === 1 ? 'ResultsOne' : 'Results',
      fill,
    );
    draw();
  };

  const search = (query: string): void => {
    const ticket = awaitResults(query);
    service<Searched>('search', { query })
      .done((reply) => {
        if (ticket !== resultsAsked) return;
        // A question without an answer is worth knowing about, once per question.
        if (!reply.documents.length && !reported.has(query)) {
          reported.add(query);
          service('unanswered', { query }).fail(noop);
        }
        showResults(reply.documents, reply.total);
      })
      .fail(failed);
  };

  /**
   * A topic lists its most viewed articles. Frontdesk's search needs words, so a topic is read
   * from the popular articles (as many as the API gives, 50), asking the server for the
   * category too and filtering here, where a server that ignores `categories` leaves it.
   */
  const browse = (category: KnowledgeCategory): void => {
    const ticket = awaitResults(category.name);
    service<{ documents: KnowledgeDocument[] }>('getTrending', {
      categories: [category.id],
      maxTrendingResults: 50,
    })
      .done((reply) => {
        if (ticket !== resultsAsked) return;
        const inTopic = reply.documents.filter(
          (doc) => doc.categories.includes(category.id) || doc.categories.includes(category.name),
        );
        showResults(inTopic, inTopic.length);
      })
      .fail(failed);
  };

  const show = (doc: KnowledgeDocument): void => {
    closeList();
    lastShown = `[data-doc="${cssEscape(doc.docId)}"]`;
    view.article = doc.body ? doc : { ...doc, body: '' };
    view.voted = '';
    view.stage = 'article';
    view.error = '';
    focusTarget = '#fd-kc-article-title';
    draw();
    service<KnowledgeDocument>('getFullContent', { kbId: doc.kbId, docId: doc.docId })
      .done((full) => {
        if (view.article?.docId !== doc.docId) return;
        view.article = { ...full, title: full.title || doc.title };
        draw();
        service('visit', {
          kbId: doc.kbId,
          docId: doc.docId,
          query: view.resultsFor.slice(0, 500),
        }).fail(noop);
      })
      .fail(failed);
  };

  const actions: KnowledgeActions = {
    type(value) {
      view.query = value;
      clearTimeout(suggestTimer);
      if (value.trim().length < N.SUGGEST_MIN_CHARS) {
        view.suggestions = [];
        closeList();
      } else {
        suggestTimer = setTimeout(suggest, N.SUGGEST_DELAY_MS);
      }
      draw();
    },
    key(event) {
      const count = view.listOpen ? view.suggestions.length : 0;
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        if (!count) return;
        event.preventDefault();
        // -1 is the input itself: the list wraps through it, as in most comboboxes.
        if (event.key === 'ArrowDown')
          view.active = view.active + 1 >= count ? -1 : view.active + 1;
        else view.active = view.active - 1 < -1 ? count - 1 : view.active - 1;
        draw();
      } else if (event.key === 'Enter' && count && view.active >= 0) {
        event.preventDefault();
        actions.pick(view.active);
      } else if (event.key === 'Escape' && view.listOpen) {
        event.preventDefault();
        closeList();
        draw();
      }
    },
    submit(event) {
      event.preventDefault();
      const query = view.query.trim();
      if (query) search(query.slice(0, 500));
    },
    pick(index) {
      const item = view.suggestions[index];
      if (!item) return;
      if (item.doc) return show(item.doc);
      view.query = item.label;
      search(item.label);
    },
    category: browse,
    show,
    back() {
      view.stage = view.resultsFor ? 'results' : 'home';
      view.article = undefined;
      focusTarget = lastShown ?? '#fd-kc-query';
      draw();
    },
    vote(helpful) {
      const doc = view.article;
      if (!doc || view.voted) return;
      view.voted = helpful ? 'helpful' : 'unhelpful';
      view.announce = t('Thanks');
      // The pressed button goes away: focus stays in the panel, on the thanks.
      focusTarget = '#fd-kc-thanks';
      draw();
      service('vote', {
        kbId: doc.kbId,
        docId: doc.docId,
        vote: view.voted,
        query: view.resultsFor.slice(0, 500),
      }).fail(noop);
    },
    close: () => {
      close();
    },
  };

  // Open and close

  const open = (data: Options): void => {
    if (!view.open) giveFocusBack = rememberFocus(win);
    view.open = true;
    view.error = '';
    plugin.data('open', true);
    focusTarget = '#fd-kc-query';
    draw();
    loadHome();
    plugin.publish('opened', {});
    const query = typeof data['query'] === 'string' ? data['query'].trim().slice(0, 500) : '';
    if (query) {
      view.query = query;
      search(query);
    }
  };

  const close = (): void => {
    if (!view.open) return;
    closeList();
    view.open = false;
    plugin.data('open', false);
    draw();
    giveFocusBack();
    plugin.publish('closed', {});
  };

  const command = (name: string, run: (data: Options) => unknown): void => {
    plugin.registerCommand(name, (call) => {
      Promise.resolve()
        .then(() => run(call.data))
        .then(
          (value) => call.deferred.resolve(value),
          (reason: unknown) => call.deferred.reject(reason),
        );
    });
  };
  // Both plugins share `_genesys.widgets.knowledgecenter`; the service is the one that uses it.
  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw N.INVALID_CONFIGURATION;
    return service('configure', data);
  });
  // `article` ({kbId, docId, title}) opens straight on that article, also in an open panel
  // (WebChat's deflection links use it).
  command('open', (data) => {
    const given = isRecord(data['article']) ? data['article'] : undefined;
    const id = (value: unknown): string =>
      typeof value === 'string' && value.length <= 200 ? value : '';
    const article =
      given && id(given['kbId']) && id(given['docId'])
        ? {
            kbId: id(given['kbId']),
            docId: id(given['docId']),
            title: id(given['title']),
            snippet: '',
            body: '',
            categories: [],
            lang: '',
            score: 0,
          }
        : undefined;
    if (view.open && !article) throw N.ALREADY_OPENED;
    if (!view.open) open(data);
    if (article) show(article);
  });
  command('close', () => {
    if (!view.open) throw N.ALREADY_CLOSED;
    close();
  });
  command('search', (data) => {
    const query = data['query'];
    if (typeof query !== 'string' || !query.trim() || query.length > 500) {
      throw 'query must be a string of 1 to 500 characters';
    }
    if (!view.open) open({});
    view.query = query.trim();
    search(view.query);
  });
  plugin.registerEvents(['ready', 'opened', 'closed']);

  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    addStrings(common);
    plugin.subscribe('App.language', () => draw());
    plugin.data('open', false);
    plugin.ready();
    plugin.republish('ready', {});
  });
  return plugin;
}

/** `CSS.escape` where there is one; ids are short and plain, so the fallback quotes only quotes. */
function cssEscape(value: string): string {
  const escape = (globalThis as { CSS?: { escape?: (v: string) => string } }).CSS?.escape;
  return escape ? escape(value) : value.replace(/["\\]/g, '\\$&');
}
