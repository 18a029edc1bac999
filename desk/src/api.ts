/** The desk's calls to the server; every error arrives in the one envelope. */

export interface Agent {
  id: number;
  email: string;
  display_name: string;
  role: 'agent' | 'supervisor' | 'admin';
  disabled: boolean;
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

export const login = (email: string, password: string): Promise<{ agent: Agent }> =>
  call('POST', '/api/desk/login', { email, password });

export const me = (): Promise<{ agent: Agent }> => call('GET', '/api/desk/me');

export const logout = (): Promise<unknown> => call('POST', '/api/desk/logout');
