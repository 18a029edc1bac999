/**
 * Chat messages as WebChatService publishes them (the normalised shape of Genesys Widgets),
 * and the pre-filters that hide some of them, persisted in `webchat.state.filters`.
 */
import type { CookieStore } from '../../core/cookies';
import { isRecord } from '../../core/common';

export type PartyType = 'Client' | 'Agent' | 'Supervisor' | 'Bot' | 'External';

/** Someone in the chat, as messages and events name them. */
export interface Party {
  id: string;
  type: PartyType;
  name: string;
  avatar?: string;
}

export interface ChatMessage {
  index: number;
  type: string;
  text: string;
  timestamp: number;
  from: { id: string; type: PartyType; name: string };
  id?: string;
  avatar?: string;
  restoring?: boolean;
}

export const FILTERS_COOKIE = 'webchat.state.filters';
/** The co-browse start token WebChat sends; never shown. */
const HIDDEN = /\{start:\d{9}\}/;

interface StoredFilter {
  source: string;
  flags: string;
}

/** The custom pre-filters, read from the cookie each time so that tabs stay in step. */
export function readFilters(cookies: CookieStore): RegExp[] {
  const stored = cookies.getJSON(FILTERS_COOKIE);
  const list = isRecord(stored) && Array.isArray(stored['custom']) ? stored['custom'] : [];
  const filters: RegExp[] = [];
  for (const item of list) {
    if (!isRecord(item) || typeof item['source'] !== 'string') continue;
    try {
      filters.push(
        new RegExp(item['source'], typeof item['flags'] === 'string' ? item['flags'] : ''),
      );
    } catch {
      // A filter the browser cannot compile is dropped, not fatal.
    }
  }
  return filters;
}

/** Add `added` to the stored filters; false when the cookie would grow too big. */
export function addFilters(cookies: CookieStore, added: RegExp[]): boolean {
  const custom: StoredFilter[] = readFilters(cookies).map(({ source, flags }) => ({
    source,
    flags,
  }));
  for (const { source, flags } of added) {
    if (!custom.some((f) => f.source === source && f.flags === flags))
      custom.push({ source, flags });
  }
  return cookies.setJSON(FILTERS_COOKIE, { custom });
}

/** True when `text` must not be shown. Global/sticky flags must not carry state over. */
export function isFiltered(text: string, filters: RegExp[]): boolean {
  return [HIDDEN, ...filters].some((filter) => {
    filter.lastIndex = 0;
    return filter.test(text);
  });
}
