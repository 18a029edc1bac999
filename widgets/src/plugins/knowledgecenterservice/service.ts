/**
 * KnowledgeCenterService: the Knowledge Center v2 API (`widgets-api.md` §8) on the bus. It
 * searches, suggests, lists categories and trending articles, reads whole articles and sends
 * feedback (views, votes, questions without an answer), all inside one search session.
 *
 * The session is opened lazily, by the first request that needs it, and lives in two cookies:
 * `knowledgecenter.state.session` (the id) and `knowledgecenter.state.keys` (keys the server
 * encrypted; the widget only hands them back). So a visitor's searches on the next page, or on
 * another sub-domain, belong to the same session; `reset` ends that.
 */
import { commonOf, isRecord, type Common } from '../../core/common';
import type { HttpError, HttpReply } from '../../core/http';
import type { CXBusGlobal, PluginInterface } from '../../core/types';
import {
  categoriesOf,
  documentOf,
  documentsOf,
  suggestedDocumentsOf,
  suggestionsOf,
  totalOf,
  type KnowledgeDocument,
} from './documents';
import * as N from './names';

export interface ServiceSetup {
  fetch?: typeof fetch;
}

type Options = Record<string, unknown>;

/** A request the server refused or that never arrived; the command rejects with `message`. */
class RequestFailed extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = '',
  ) {
    super(message);
  }
}

const DEFAULTS: Options = {
  apiVersion: 'v2',
  apiClientId: 'gwidget',
  apiClientMediaType: 'selfservice',
  media: 'all',
  knowledgebases: [],
  maxTrendingResults: 5,
  maxSearchResults: 3,
  enableHTML: false,
};
const DEFAULT_TIMEOUT_MS = 10_000;
// Opaque values that go back into request headers: printable, no separators, bounded.
const SESSION_ID = /^[\w.~+/=:-]{1,200}$/;
const SESSION_KEYS = /^[\w.~+/=:-]{1,3000}$/;
const NUMERIC_ID = /^[1-9][0-9]{0,9}$/;
const ID_MAX = 200;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string')
    ? (value as string[])
    : undefined;

/** Register KnowledgeCenterService on `bus`; it configures itself when App is ready. */
export function registerKnowledgeCenterService(
  bus: CXBusGlobal,
  win: Window,
  setup: ServiceSetup = {},
): PluginInterface | false {
  const plugin = bus.registerPlugin('KnowledgeCenterService');
  if (!plugin) return false;
  let common: Common | undefined;
  let config: Options = { ...DEFAULTS };
  let sessionId = '';
  let sessionKeys = '';
  let opening: Promise<void> | undefined;

  const fetchFn = (): typeof fetch => setup.fetch ?? win.fetch.bind(win);
  // The configured language, else the page's (App.language), as Genesys' `lang: 'en'` default.
  const lang = (data: Options = {}): string =>
    text(data['lang']) || text(config['lang']) || text(plugin.data('App.language')) || 'en';
  const url = (
    path: string,
    params: Record<string, string | string[] | undefined> = {},
  ): string => {
    const base = new URL(text(config['host']), win.location.href);
    base.pathname = `${base.pathname.replace(/\/+$/, '')}${path}`;
    for (const [name, value] of Object.entries(params)) {
      if (Array.isArray(value)) for (const item of value) base.searchParams.append(name, item);
      else if (value) base.searchParams.set(name, value);
    }
    return base.href;
  };

  // Requests

  const headers = (withSession: boolean): Record<string, string> => {
    const out: Record<string, string> = { Accept: 'application/json' };
    const add = (name: string, value: unknown): void => {
      if (typeof value === 'string' && value && !/[\r\n]/.test(value)) out[name] = value;
    };
    add(N.HEADERS.apiKey, config['apikey']);
    add(N.HEADERS.tenant, config['tenantId']);
    add(N.HEADERS.customer, config['customerId']);
    add(N.HEADERS.client, config['apiClientId']);
    if (withSession) add(N.HEADERS.session, sessionKeys);
    return out;
  };

  const call = async (
    method: string,
    target: string,
    json?: unknown,
    withSession = true,
  ): Promise<HttpReply> => {
    try {
      const timeout =
        typeof config['ajaxTimeout'] === 'number' ? config['ajaxTimeout'] : DEFAULT_TIMEOUT_MS;
      return await common!.http(fetchFn(), {
        method,
        url: target,
        headers: headers(withSession),
        json,
        credentials: 'omit',
        timeout,
      });
    } catch (error) {
      const { status, reply } = error as HttpError;
      if (!status) throw new RequestFailed(0, 'The knowledge center cannot be reached');
      const given = isRecord(reply) && isRecord(reply['error']) ? reply['error'] : {};
      throw new RequestFailed(
        status,
        text(given['message']) || `HTTP ${status}`,
        text(given['code']),
      );
    }
  };

  // The search session and its two cookies

  const sessionInfo = (): Options => ({
    sessionId,
    language: lang(),
    customer: text(config['customerId']),
    media: text(config['media']),
    tenantId: text(config['tenantId']),
  });

  const keep = (id: string, keys: string): void => {
    const changed = id !== sessionId;
    sessionId = id;
    sessionKeys = keys;
    common?.cookies.set(N.SESSION_COOKIE, id);
    common?.cookies.set(N.KEYS_COOKIE, keys);
    if (changed) plugin.publish('sessionChanged', sessionInfo());
  };

  const forget = (): void => {
    sessionId = '';
    sessionKeys = '';
    common?.cookies.remove(N.SESSION_COOKIE);
    common?.cookies.remove(N.KEYS_COOKIE);
  };

  const openSession = (): Promise<void> => {
    opening ??= (async () => {
      const reply = await call(
        'POST',
        url('/session/v2/sessions/'),
        {
          lang: lang(),
          media: text(config['media']),
          apiClientMediaType: text(config['apiClientMediaType']),
          customerId: text(config['customerId']),
        },
        false,
      );
      const body = isRecord(reply.data)
        ? isRecord(reply.data['response'])
          ? reply.data['response']
          : reply.data
        : {};
      const id = text(body['sessionId'] ?? body['id']);
      const keys = text(body['keys']) || (reply.headers.get(N.HEADERS.session) ?? '');
      if (!SESSION_ID.test(id) || !SESSION_KEYS.test(keys)) {
        throw new RequestFailed(reply.status, 'The knowledge center opened no usable session');
      }
      keep(id, keys);
    })().finally(() => {
      opening = undefined;
    });
    return opening;
  };

  /**
   * A request in the search session. Searches and feedback open one when there is none
   * (`open`); browsing only sends the keys it has, so a panel that is merely opened costs no
   * session. Keys the server refuses (401: expired, or its secret changed) are dropped and,
   * where a session is wanted, replaced once.
   */
  const inSession = async (
    method: string,
    target: string,
    body?: unknown,
    open = true,
  ): Promise<unknown> => {
    if (!sessionKeys && open) await openSession();
    try {
      return (await call(method, target, body, sessionKeys !== '')).data;
    } catch (error) {
      const lost = error instanceof RequestFailed && error.status === 401 && sessionKeys !== '';
      if (!lost) throw error;
      forget();
      if (open) await openSession();
      return (await call(method, target, body, open)).data;
    }
  };
  const browsing = (target: string): Promise<unknown> => inSession('GET', target, undefined, false);

  // Input checks: every command's options come from page code

  const query = (data: Options, optional = false): string => {
    const value = data['query'];
    if (optional && (value === undefined || value === '')) return '';
    if (typeof value !== 'string' || !value.trim() || value.length > N.MAX_QUERY) throw N.BAD_QUERY;
    return value.trim();
  };
  const list = (data: Options, name: string): string[] | undefined => {
    const value = data[name];
    if (value === undefined) return undefined;
    const found = strings(value);
    if (!found || found.length > 50 || found.some((item) => item.length > ID_MAX)) throw N.BAD_LIST;
    return found;
  };
  const size = (value: unknown, fallback: unknown): string => {
    const chosen = value ?? fallback;
    if (typeof chosen !== 'number' || !Number.isInteger(chosen) || chosen < 1 || chosen > 50)
      throw N.BAD_SIZE;
    return String(chosen);
  };
  const documentIds = (data: Options): { kbId: string; docId: string } => {
    const kbId = data['kbId'];
    const docId = data['docId'];
    const ok = (value: unknown): value is string =>
      typeof value === 'string' && value.length > 0 && value.length <= ID_MAX;
    if (!ok(kbId) || !ok(docId)) throw N.BAD_DOCUMENT;
    return { kbId, docId };
  };
  // Frontdesk's article ids are numbers; a numeric id goes on the wire as one.
  const wire = (ids: { kbId: string; docId: string }) => ({
    kbId: ids.kbId,
    docId: NUMERIC_ID.test(ids.docId) ? Number(ids.docId) : ids.docId,
  });
  const kbs = (data: Options): string[] =>
    list(data, 'knowledgebases') ?? strings(config['knowledgebases']) ?? [];
  const ensureHost = (): void => {
    if (!text(config['host'])) throw N.NO_HOST;
  };

  // Commands

  const search = async (data: Options) => {
    ensureHost();
    const categories = list(data, 'categories') ?? [];
    const q = query(data, categories.length > 0);
    const body = await inSession(
      'GET',
      url('/search/v2/search/', {
        query: q,
        lang: lang(data),
        knowledgebases: kbs(data),
        categories,
        media: text(data['media']) || text(config['media']),
        size: size(data['maxSearchResults'], config['maxSearchResults']),
        junkfree: data['junkfree'] === true ? 'true' : undefined,
      }),
    );
    const documents = documentsOf(body);
    const result = { query: q, categories, documents, total: totalOf(body, documents) };
    plugin.publish('searched', result);
    if (documents.length === 0) plugin.publish('noResultsFound', { query: q, categories });
    return result;
  };

  const suggest = async (data: Options) => {
    ensureHost();
    const q = query(data);
    const body = await browsing(
      url('/search/v2/suggest/', {
        query: q,
        lang: lang(data),
        knowledgebases: kbs(data),
        size: size(data['maxSearchResults'], config['maxSearchResults']),
      }),
    );
    const result = {
      query: q,
      suggestions: suggestionsOf(body),
      documents: suggestedDocumentsOf(body),
    };
    plugin.publish('suggested', result);
    return result;
  };

  const trending = async (data: Options) => {
    ensureHost();
    const body = await browsing(
      url('/search/v2/docs/top/', {
        lang: lang(data),
        knowledgebases: kbs(data),
        categories: list(data, 'categories'),
        size: size(data['maxTrendingResults'], config['maxTrendingResults']),
      }),
    );
    return { documents: documentsOf(body) };
  };

  const categories = async (data: Options) => {
    ensureHost();
    const body = await browsing(
      url(`/browse/v2/locales/${encodeURIComponent(lang(data))}/cats/`, {
        knowledgebases: kbs(data),
      }),
    );
    return { categories: categoriesOf(body) };
  };

  const fullContent = async (data: Options): Promise<KnowledgeDocument> => {
    ensureHost();
    const { kbId, docId } = documentIds(data);
    const body = await browsing(
      url(
        `/browse/v2/locales/${encodeURIComponent(lang(data))}/kbs/` +
          `${encodeURIComponent(kbId)}/docs/${encodeURIComponent(docId)}`,
      ),
    );
    const payload = isRecord(body) && isRecord(body['response']) ? body['response'] : body;
    const found = documentOf(
      isRecord(payload) && isRecord(payload['document']) ? payload['document'] : payload,
      kbId,
    );
    if (!found) throw 'The knowledge center sent no article';
    plugin.publish('documentOpened', found);
    return found;
  };

  const feedback = (kind: string, payload: Options): Promise<unknown> =>
    inSession('POST', url(`/feedback/v2/${kind}`), { ...payload, lang: lang() });

  const visit = async (data: Options) => {
    ensureHost();
    const ids = documentIds(data);
    await feedback('view', { ...wire(ids), query: query(data, true) });
    return ids;
  };

  const vote = async (data: Options) => {
    ensureHost();
    const ids = documentIds(data);
    const given = data['vote'] ?? data['helpful'];
    const kind =
      given === true || given === 'helpful'
        ? 'helpful'
        : given === false || given === 'unhelpful'
          ? 'unhelpful'
          : undefined;
    if (!kind) throw N.BAD_VOTE;
    await feedback(kind, { ...wire(ids), query: query(data, true) });
    const result = { ...ids, vote: kind };
    plugin.publish('voted', result);
    return result;
  };

  const unanswered = async (data: Options) => {
    ensureHost();
    const q = query(data);
    await feedback('notfound', { query: q });
    return { query: q };
  };

  const ping = async (): Promise<boolean> => {
    let online = false;
    try {
      await call('GET', url('/health/v2/ping'), undefined, false);
      online = true;
    } catch {
      // Offline is an answer too: the panel says so instead of failing every search.
    }
    plugin.data('online', online);
    plugin.republish('online', { online });
    return online;
  };

  const command = (name: string, run: (data: Options) => unknown): void => {
    plugin.registerCommand(name, ({ data, deferred }) => {
      Promise.resolve()
        .then(() => run(data))
        .then(
          (value) => deferred.resolve(value),
          (reason: unknown) => deferred.reject(reason instanceof Error ? reason.message : reason),
        );
    });
  };
  command('configure', async (data) => {
    if (Object.keys(data).length === 0) throw N.NOT_CONFIGURED;
    config = { ...config, ...data };
    if (text(config['host'])) await ping();
    return config;
  });
  command('search', search);
  command('getSuggestions', suggest);
  command('getTrending', trending);
  command('getCategories', categories);
  command('getFullContent', fullContent);
  command('visit', visit);
  command('vote', vote);
  command('unanswered', unanswered);
  command('sessionInfo', () => {
    if (!sessionId) throw N.NO_SESSION;
    return sessionInfo();
  });
  command('reset', () => {
    const had = sessionId !== '';
    forget();
    if (had) plugin.publish('sessionChanged', sessionInfo());
  });
  plugin.registerEvents([
    'ready',
    'online',
    'sessionChanged',
    'documentOpened',
    'searched',
    'suggested',
    'voted',
    'noResultsFound',
  ]);

  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    const own = common.config()['knowledgecenter'];
    if (isRecord(own)) config = { ...config, ...own };
    // The session of an earlier page continues; cookies that were tampered with are dropped.
    const id = common.cookies.get(N.SESSION_COOKIE) ?? '';
    const keys = common.cookies.get(N.KEYS_COOKIE) ?? '';
    if (SESSION_ID.test(id) && SESSION_KEYS.test(keys)) {
      sessionId = id;
      sessionKeys = keys;
    } else if (id || keys) {
      forget();
    }
    // A session that follows the page's language is told when the visitor switches it.
    plugin.subscribe('App.language', () => {
      if (!sessionKeys || !text(config['host']) || text(config['lang'])) return;
      call('PATCH', url(`/session/v2/sessions/${encodeURIComponent(sessionId)}`), {
        lang: lang(),
      }).then(
        () => plugin.publish('sessionChanged', sessionInfo()),
        () => undefined,
      );
    });
    plugin.ready();
    plugin.republish('ready', {});
    if (text(config['host'])) void ping();
  });
  return plugin;
}
