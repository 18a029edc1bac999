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
  preview?: Preview | null;
}

/** A conversation's newest text or file message, as lists show it (text cut short). */
export interface Preview {
  index: number;
  kind: 'text' | 'file';
  text: string;
  member: MemberRef | null;
  created_at: string;
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
  | 'user-data-updated'
  | 'file';

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

export interface EndedPage {
  conversations: Conversation[];
  /** Pass as `before` for the next page; null on the last one. */
  next_before: string | null;
}

export interface FileLimits {
  max_bytes: number;
  types: string[];
}

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
    /** The envelope's `details`, e.g. `fields` naming the bad inputs of a 422. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The server's error envelope as an ApiError (or a generic one when the body is not JSON). */
async function failure(response: Response): Promise<ApiError> {
  const payload: unknown = await response.json().catch(() => null);
  const error = (
    payload as { error?: { code?: string; message?: string; details?: unknown } } | null
  )?.error;
  const details =
    error?.details && typeof error.details === 'object'
      ? (error.details as Record<string, unknown>)
      : {};
  return new ApiError(
    error?.code ?? 'http_error',
    error?.message ?? response.statusText,
    response.status,
    details,
  );
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: {} };
  if (body instanceof FormData) {
    // The browser writes the multipart content type with its boundary.
    init.body = body;
  } else if (body !== undefined) {
    init.headers = { 'content-type': 'application/json' };
    init.body = JSON.stringify(body);
  }
  const response = await fetch(path, init);
  if (!response.ok) throw await failure(response);
  return (await response.json().catch(() => null)) as T;
}

const conversationPath = (id: string): string =>
  `/api/agent/conversations/${encodeURIComponent(id)}`;

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

/** A page of ended conversations, newest first; `before` continues after an earlier page. */
export const listEnded = (before: string | null = null, limit = 20): Promise<EndedPage> =>
  call(
    'GET',
    `/api/agent/conversations/ended?limit=${limit}${before ? `&before=${encodeURIComponent(before)}` : ''}`,
  );

/** Every agent's active conversations: supervisors and admins only (403 for others). */
export const listActive = (): Promise<{ conversations: Conversation[] }> =>
  call('GET', '/api/agent/conversations/active');

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

export const getFileLimits = (): Promise<FileLimits> => call('GET', '/api/agent/file-limits');

export const uploadFile = (id: string, file: File): Promise<{ message: Message }> => {
  const form = new FormData();
  form.append('file', file, file.name);
  return call('POST', `${conversationPath(id)}/files`, form);
};

/** Where a shared file downloads from (the id comes from a `file` message's data). */
export const fileUrl = (fileId: string): string => `/api/agent/files/${encodeURIComponent(fileId)}`;

/** The file's bytes; a deleted (410) or hidden (404) file is an ApiError with the server's words. */
export async function downloadFile(fileId: string): Promise<Blob> {
  const response = await fetch(fileUrl(fileId), { credentials: 'same-origin' });
  if (!response.ok) throw await failure(response);
  return response.blob();
}
