/**
 * Where plugin UIs live: each plugin gets a host element on `body` with an open Shadow DOM
 * root, so the page's CSS cannot reach the widget and the widget's CSS cannot reach the page.
 * Theme, direction, language and mobile mode are attributes on every UI root.
 */

/** A mounted plugin UI; render into `root`. */
export interface UIRoot {
  host: HTMLElement;
  shadow: ShadowRoot;
  root: HTMLElement;
  remove(): void;
}

/** A theme: its name, plus a CSS class (Genesys style) or custom-property overrides. */
export interface Theme {
  name: string;
  base: 'light' | 'dark';
  className?: string;
  vars?: Record<string, string>;
}

export interface UIState {
  theme: Theme;
  dir: 'ltr' | 'rtl';
  lang: string;
  mobile: boolean;
}

export interface UIHost {
  mount(name: string, css?: string): UIRoot;
  update(state: Partial<UIState>): void;
  state(): UIState;
}

export const HOST_TAG = 'frontdesk-widget';

// `:host` with !important wins over the page's !important rules (inner context wins), and
// `all: initial` stops inherited page styles (colour, font) from flowing into the root.
const BASE_CSS = `:host{all:initial!important;display:block!important;position:fixed!important;
top:0!important;left:0!important;width:0!important;height:0!important;overflow:visible!important;
z-index:2147483000!important;visibility:visible!important;opacity:1!important;transform:none!important}
.fd{--fd-bg:#fff;--fd-fg:#1d2330;--fd-muted:#5b6475;--fd-surface:#f3f5f9;--fd-border:#c9cfdb;
--fd-accent:#2f6fed;--fd-accent-fg:#fff;--fd-danger:#b3261e;--fd-focus:#1a56db;
--fd-shadow:0 8px 28px rgba(0,0,0,.25);--fd-radius:10px;
font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fd-fg);
text-align:start;direction:ltr}
.fd[dir=rtl]{direction:rtl}
.fd[data-theme-base=dark]{--fd-bg:#1f232b;--fd-fg:#eef1f6;--fd-muted:#a9b1c1;--fd-surface:#2a2f3a;
--fd-border:#444c5c;--fd-accent:#7aa5ff;--fd-accent-fg:#0c1322;--fd-danger:#ff8a80;--fd-focus:#9cc0ff}
.fd *,.fd *::before,.fd *::after{box-sizing:border-box}
.fd [hidden]{display:none!important}
.fd :focus-visible{outline:2px solid var(--fd-focus);outline-offset:2px}
.fd button{font:inherit;color:var(--fd-accent-fg);background:var(--fd-accent);border:0;
border-radius:6px;padding:4px 10px;cursor:pointer}
.fd button.fd-plain{color:var(--fd-fg);background:transparent;border:1px solid var(--fd-border)}
.fd select,.fd textarea,.fd input{font:inherit;color:var(--fd-fg);background:var(--fd-bg);
border:1px solid var(--fd-border);border-radius:6px;padding:4px}`;

function styleInto(doc: Document, shadow: ShadowRoot, css: string): void {
  const view = doc.defaultView as (Window & { CSSStyleSheet?: typeof CSSStyleSheet }) | null;
  // Constructed sheets need no 'unsafe-inline' under a strict Content-Security-Policy.
  try {
    if (view?.CSSStyleSheet && 'adoptedStyleSheets' in shadow) {
      const sheet = new view.CSSStyleSheet();
      sheet.replaceSync(css);
      shadow.adoptedStyleSheets = [sheet];
      return;
    }
  } catch {
    // Older engines: fall through to a <style> element.
  }
  const style = doc.createElement('style');
  style.textContent = css;
  shadow.appendChild(style);
}

export function createUIHost(doc: Document): UIHost {
  const roots = new Set<HTMLElement>();
  const current: UIState = {
    theme: { name: 'dark', base: 'dark' },
    dir: 'ltr',
    lang: 'en',
    mobile: false,
  };
  let applied: Theme = current.theme;

  const apply = (root: HTMLElement, previous: Theme | undefined): void => {
    const { theme } = current;
    root.dataset['theme'] = theme.name;
    root.dataset['themeBase'] = theme.base;
    root.dataset['mobile'] = String(current.mobile);
    root.setAttribute('dir', current.dir);
    root.setAttribute('lang', current.lang);
    if (previous?.className) root.classList.remove(previous.className);
    if (theme.className) root.classList.add(theme.className);
    for (const name of Object.keys(previous?.vars ?? {})) root.style.removeProperty(name);
    for (const [name, value] of Object.entries(theme.vars ?? {}))
      root.style.setProperty(name, value);
  };

  return {
    mount(name, css = '') {
      const host = doc.createElement(HOST_TAG);
      host.dataset['plugin'] = name;
      const shadow = host.attachShadow({ mode: 'open' });
      styleInto(doc, shadow, BASE_CSS + css);
      const root = doc.createElement('div');
      root.className = 'fd';
      shadow.appendChild(root);
      roots.add(root);
      apply(root, undefined);
      (doc.body || doc.documentElement).appendChild(host);
      return {
        host,
        shadow,
        root,
        remove() {
          roots.delete(root);
          host.remove();
        },
      };
    },
    update(state) {
      Object.assign(current, state);
      for (const root of roots) apply(root, applied);
      applied = current.theme;
    },
    state: () => ({ ...current }),
  };
}
