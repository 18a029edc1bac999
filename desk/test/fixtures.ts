/** Server-shaped conversations, members and messages for the desk's unit tests. */

import type { Conversation, EndedPage, Member, Message, Transcript } from '../src/api';
import { initialState, type DeskState } from '../src/desk_state';

export const ME = 7;

export function conversation(id: string, changes: Partial<Conversation> = {}): Conversation {
  return {
    id,
    state: 'queued',
    origin: 'http://shop.example.test',
    transport: 'purecloud-v2-sockets',
    last_index: 1,
    agent_id: null,
    visitor: { first_name: 'Vic', last_name: 'Tor', email: '', subject: '' },
    context: {
      page_url: '',
      page_title: '',
      referrer: '',
      browser: '',
      language: '',
      user_data: {},
    },
    created_at: '2026-11-24T07:10:00Z',
    accepted_at: null,
    last_activity_at: '2026-11-24T07:10:00Z',
    ended_at: null,
    ended_reason: null,
    preview: null,
    ...changes,
  };
}

export const visitor: Member = {
  id: 'm-visitor',
  role: 'CUSTOMER',
  display_name: 'Vic Tor',
  state: 'CONNECTED',
  agent_id: null,
  joined_at: '2026-11-24T07:10:00Z',
  left_at: null,
};

export const ada: Member = {
  ...visitor,
  id: 'm-ada',
  role: 'AGENT',
  display_name: 'Ada',
  agent_id: 3,
};
export const me: Member = {
  ...visitor,
  id: 'm-me',
  role: 'AGENT',
  display_name: 'Me',
  agent_id: ME,
};

export function message(index: number, changes: Partial<Message> = {}): Message {
  return {
    id: `c1:${index}`,
    index,
    kind: 'text',
    text: `message ${index}`,
    member: { id: visitor.id, role: visitor.role, display_name: visitor.display_name },
    data: null,
    created_at: `2026-11-24T07:${String(10 + index).padStart(2, '0')}:00Z`,
    ...changes,
  };
}

export function transcript(
  id: string,
  messages: Message[],
  changes: Partial<Conversation> = {},
): Transcript {
  const last = messages[messages.length - 1]?.index ?? 0;
  return {
    conversation: conversation(id, { last_index: last, ...changes }),
    members: [visitor],
    messages,
  };
}

export function endedPage(ids: string[], nextBefore: string | null): EndedPage {
  return {
    conversations: ids.map((id) =>
      conversation(id, { state: 'ended', ended_at: '2026-11-24T08:00:00Z' }),
    ),
    next_before: nextBefore,
  };
}

export function state(changes: Partial<DeskState> = {}): DeskState {
  return { ...initialState, ...changes };
}
