/**
 * Chat messages as WebChatService publishes them (the normalised shape of Genesys Widgets),
 * and the pre-filters that hide some of them, persisted in `webchat.state.filters`.
 */
import type { CookieStore } from '../../core/cookies';
import { isRecord } from '../../core/common';
import type { Member, RawMessage } from './v2_sockets';

export type PartyType = 'Client' | 'Agent' | 'Supervisor' | 'Bot' | 'External';

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

const TYPES: Record<string, string> = {
  standard: 'Message', notice: 'Notice', 'member-join': 'ParticipantJoined',
  'member-leave': 'ParticipantLeft',
};

/** The party type of `member`, seen from the visitor whose member id is `self`. */
export function partyType(member: Member | undefined, self: string): PartyType {
  if (!member) return 'External';
  if (member.id === self) return 'Client';
  switch (member.role) {
    case 'AGENT': return 'Agent';
    case 'WORKFLOW': return 'Bot';
    case 'CUSTOMER': return 'Client';
    default: return 'External';
  }
}

/** A v2 message in the normalised shape; a workflow's notice shows as `External`. */
export function normalise(raw: RawMessage, member: Member | undefined, self: string): ChatMessage {
  const type = TYPES[raw.bodyType ?? 'standard'] ?? 'Message';
  let from = partyType(member, self);
  if (type === 'Notice' && from === 'Bot') from = 'External';
  const message: ChatMessage = {
    index: typeof raw.index === 'number' ? raw.index : 0,
    type,
    text: typeof raw.body === 'string' ? raw.body : '',
    timestamp: Date.parse(raw.timestamp ?? '') || Date.now(),
    from: { id: member?.id ?? raw.sender?.id ?? '', type: from, name: member?.displayName ?? '' },
    id: raw.id,
  };
  if (member?.avatarImageUrl) message.avatar = member.avatarImageUrl;
  return message;
}

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
      filters.push(new RegExp(item['source'], typeof item['flags'] === 'string' ? item['flags'] : ''));
    } catch {
      // A filter the browser cannot compile is dropped, not fatal.
    }
  }
  return filters;
}

/** Add `added` to the stored filters; false when the cookie would grow too big. */
export function addFilters(cookies: CookieStore, added: RegExp[]): boolean {
  const custom: StoredFilter[] = readFilters(cookies).map(({ source, flags }) => ({ source, flags }));
  for (const { source, flags } of added) {
    if (!custom.some((f) => f.source === source && f.flags === flags)) custom.push({ source, flags });
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
