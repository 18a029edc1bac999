/** The desk's calls to the server (docs/api/agents.md); every error arrives in the one envelope. */

export interface Agent {
  id: number;
  email: string;
  display_name: string;
  role: 'agent' | 'supervisor' | 'admin';
  disabled: boolean;
}

export type Status = 'available' | 'away';

export interface Presence {
  status: Status;
  capacity: number;
  active: number;
}

export type ConversationState = 'queued' | 'active' | 'ended';

export interface Conversation {
  id: string;
  state: ConversationState;
  origin: string;
  transport: string;
  last_index: number;
  agent_id: number | null;
  visitor: { first_name: string; last_name: string; email: string; subject: string };
  context: {
    page_url: string;
    page_title: string;
    referrer: string;
    browser: string;
    language: string;
    user_data: Record<string, unknown>;
  };
  created_at: string;
  accepted_at: string | null;
  last_activity_at: string;
  ended_at: string | null;
  ended_reason: string | null;
  queue?: { position: number; estimated_wait_seconds: number } | null;
}

export type Role = 'CUSTOMER' | 'AGENT' | 'SUPERVISOR' | 'BOT' | 'SYSTEM';

export interface MemberRef {
  id: string;
  role: Role;
  display_name: string;
}

export interface Member extends MemberRef {
  state: 'CONNECTED' | 'DISCONNECTED';
  agent_id: number | null;
  joined_at: string;
  left_at: string | null;
}

export type MessageKind =
  | 'text'
  | 'member-join'
  | 'member-leave'
  | 'notice'
  | 'custom-notice'
  | 'user-data-updated';

export interface Message {
  id: string;
  index: number;
  kind: MessageKind;
  text: string;
  member: MemberRef | null;
  data: Record<string, unknown> | null;
  created_at: string;
}

export interface Transcript {
  conversation: Conversation;
  members: Member[];
  messages: Message[];
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const payload: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const error = (payload as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(error?.code ?? 'http_error', error?.message ?? response.statusText, response.status);
  }
  return payload as T;
}

const conversationPath = (id: string): string => `/api/agent/conversations/${encodeURIComponent(id)}`;

export const login = (email: string, password: string): Promise<{ agent: Agent }> =>
  call('POST', '/api/desk/login', { email, password });

export const me = (): Promise<{ agent: Agent }> => call('GET', '/api/desk/me');

export const logout = (): Promise<unknown> => call('POST', '/api/desk/logout');

export const getStatus = (): Promise<Presence> => call('GET', '/api/agent/status');

export const putStatus = (status: Status): Promise<Presence> =>
  call('PUT', '/api/agent/status', { status });

/** Your active conversations, then the queued ones. */
export const listConversations = (): Promise<{ conversations: Conversation[] }> =>
  call('GET', '/api/agent/conversations');

export const listEnded = (limit = 20): Promise<{ conversations: Conversation[] }> =>
  call('GET', `/api/agent/conversations/ended?limit=${limit}`);

export const getTranscript = (id: string, after = 0): Promise<Transcript> =>
  call('GET', `${conversationPath(id)}?after=${after}`);

export const acceptConversation = (id: string): Promise<{ conversation: Conversation }> =>
  call('POST', `${conversationPath(id)}/accept`);

export const sendMessage = (id: string, text: string): Promise<{ message: Message }> =>
  call('POST', `${conversationPath(id)}/messages`, { text });

export const sendTyping = (id: string, typing: boolean): Promise<unknown> =>
  call('POST', `${conversationPath(id)}/typing`, { typing });

export const endConversation = (id: string): Promise<{ conversation: Conversation }> =>
  call('POST', `${conversationPath(id)}/end`);
