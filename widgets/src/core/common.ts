/**
 * The services App shares with every plugin as `window._genesys.widgets.common`: one cookie
 * store, one UI host, the language packs and the HTTP call. Plugins import this file for types
 * only.
 */
import type { CookieStore } from './cookies';
import type { Http } from './http';
import type { I18n } from './i18n';
import type { UIHost } from './ui_host';

export interface Common {
  cookies: CookieStore;
  ui: UIHost;
  i18n: I18n;
  /** The one HTTP call (`core/http.ts`). */
  http: Http;
  /** A string of `namespace` in the current language. */
  t(namespace: string, key: string): string;
  /** The whole `window._genesys.widgets` configuration object. */
  config(): Record<string, unknown>;
}

/** The page globals that the configuration and shared services live on. */
export interface GenesysGlobal {
  widgets?: Record<string, unknown>;
  cxwidget?: Record<string, unknown>;
}

declare global {
  interface Window {
    _genesys?: GenesysGlobal;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The shared services, once App has started on this page. */
export function commonOf(win: Window): Common | undefined {
  const common = win._genesys?.widgets?.['common'];
  return isRecord(common) && 'cookies' in common ? (common as unknown as Common) : undefined;
}

/** What has focus, inside Shadow DOM too (`null` when nothing but the page has it). */
function focused(win: Window): Element | null {
  let found = win.document.activeElement;
  while (found?.shadowRoot?.activeElement) found = found.shadowRoot.activeElement;
  return found === win.document.body ? null : found;
}

/**
 * Remember what has focus now, to give focus back to it when the widget that is opening closes:
 * a keyboard user goes on where they were, not at the top of the page. Focus the visitor has
 * moved elsewhere meanwhile stays where it is.
 */
export function rememberFocus(win: Window): () => void {
  const opener = focused(win);
  return () => {
    const now = focused(win);
    if (opener?.isConnected && (!now || now.tagName === 'FRONTDESK-WIDGET'))
      (opener as HTMLElement).focus();
  };
}
