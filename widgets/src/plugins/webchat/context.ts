/**
 * What WebChat's modules share: the view state that `view.ts` draws, the configuration, the
 * chat's metadata and unread counters, and the helpers every part uses (cookies, strings,
 * options, drawing, publishing). Every change to the window goes through `draw()`.
 */
import { h, render } from 'preact';
import { isRecord, type Common } from '../../core/common';
import type { CookieStore } from '../../core/cookies';
import type { PluginInterface } from '../../core/types';
import { DEFAULT_FORM } from '../../shared/form';
import { forCookie, newMeta, withDerived, type Meta, type Stamp } from './metadata';
import { UI_COOKIES } from './reasons';
import { CSS } from './styles';
import { WebChatPanel, type WebChatActions, type WebChatView } from './view';

export const SERVICE = 'WebChatService';
export type Options = Record<string, unknown>;

/** A message as WebChatService publishes it. */
export interface Message {
  index: number;
  type: string;
  text: string;
  timestamp: number;
  from: { id: string; type: string; name: string };
  restoring?: boolean;
}

export interface WebChat {
  readonly plugin: PluginInterface;
  readonly win: Window;
  readonly view: WebChatView;
  common: Common | undefined;
  config: Options;
  /** A chat session is running (started or restored, not ended). */
  active: boolean;
  meta: Meta;
  formDef: unknown;
  openUserData: Options;
  /**
   * Service messages shown that are not the visitor's (unread counting), and how many of them
   * had been seen when the window was minimized.
   */
  received: number;
  lastRead: number;
  injected: number;
  focusTarget: string | undefined;
  /** Focus back to what opened the window (when there is no chat button to take it). */
  giveFocusBack: () => void;
  /** Where the caret goes in the message box after the next draw. */
  caret: number | undefined;
  /** The transcript after the next draw: at its end, or where it was (older messages went in above). */
  scrollTo: 'end' | 'hold' | undefined;
  /** An async chat restored hidden or minimized: its unread count, until its messages are in. */
  restoreUnread: number | undefined;
  /** The server said there are no older messages. */
  historyDone: boolean;
  inviteTimer: ReturnType<typeof setTimeout> | undefined;
  /** Messages drawn since the last `messageAdded` events, with their element keys. */
  added: [Message | Options, string][];
  mounted: { root: HTMLElement; shadow: ShadowRoot } | undefined;
  actions: WebChatActions | undefined;
  cookies(): CookieStore;
  t(key: string, fill?: Record<string, string | number>): string;
  /** A `webchat` option by dotted path, e.g. `chatButton.enabled`. */
  option(path: string): unknown;
  buttonEnabled(): boolean;
  /** Async chat (`async.enabled` or `transport.async.enabled`): closing can keep the chat. */
  asyncChat(): boolean;
  draw(): void;
  metadata(): Options;
  saveMeta(): void;
  /** Publish `event` with the metadata, after stamping `stamp` with the time. */
  announce(event: string, stamp?: Stamp): void;
}

export const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' && value >= 0 ? value : fallback;

/** WebChat's shared state, empty until App is ready. */
export function createWebChat(plugin: PluginInterface, win: Window): WebChat {
  const view: WebChatView = {
    button: false,
    open: false,
    shown: true,
    minimized: false,
    stage: 'form',
    fields: [],
    values: {},
    invalid: {},
    formError: '',
    entries: [],
    draft: '',
    maxLength: 500,
    charCount: false,
    markdown: false,
    agentTyping: undefined,
    unread: 0,
    confirm: undefined,
    overlay: undefined,
    toast: undefined,
    offline: false,
    queue: undefined,
    emojis: [],
    emojiOpen: false,
    loadingHistory: false,
    uploads: false,
    limits: undefined,
    fileNote: '',
    articles: [],
  };
  const c: WebChat = {
    plugin,
    win,
    view,
    common: undefined,
    config: {},
    active: false,
    meta: newMeta(),
    formDef: DEFAULT_FORM,
    openUserData: {},
    received: 0,
    lastRead: 0,
    injected: 0,
    focusTarget: undefined,
    giveFocusBack: () => undefined,
    caret: undefined,
    scrollTo: undefined,
    restoreUnread: undefined,
    historyDone: false,
    inviteTimer: undefined,
    added: [],
    mounted: undefined,
    actions: undefined,
    cookies: () => c.common!.cookies,
    t: (key, fill = {}) =>
      (c.common ? c.common.t('webchat', key) : key).replace(/<%(\w+)%>/g, (_all, name: string) =>
        String(fill[name] ?? ''),
      ),
    option: (path) =>
      path
        .split('.')
        .reduce<unknown>((value, key) => (isRecord(value) ? value[key] : undefined), c.config),
    buttonEnabled: () => c.option('chatButton.enabled') === true,
    asyncChat: () =>
      c.option('async.enabled') === true || c.option('transport.async.enabled') === true,
    draw() {
      if (!c.common || !c.actions) return;
      if (!c.mounted) {
        if (!view.button && !view.open && !view.toast) return;
        c.mounted = c.common.ui.mount('WebChat', CSS);
      }
      const shadow = c.mounted.shadow;
      const hideButton = view.toast && c.option('chatButton.hideDuringInvite') !== false;
      const before = shadow.getElementById('fd-wc-log');
      const fromEnd = before ? before.scrollHeight - before.scrollTop : 0;
      // A visitor reading older messages is not pulled down by every change.
      const atEnd = !before || fromEnd - before.clientHeight < 24;
      render(
        h(WebChatPanel, {
          view: { ...view, button: view.button && !hideButton },
          actions: c.actions,
          t: c.t,
        }),
        c.mounted.root,
      );
      const log = shadow.getElementById('fd-wc-log');
      if (log && c.scrollTo === 'hold' && log === before)
        log.scrollTop = log.scrollHeight - fromEnd;
      else if (log && (atEnd || c.scrollTo === 'end' || log !== before))
        log.scrollTop = log.scrollHeight;
      c.scrollTo = undefined;
      if (c.focusTarget) {
        const target = shadow.querySelector<HTMLElement>(c.focusTarget);
        target?.focus();
        if (c.caret !== undefined && target instanceof HTMLTextAreaElement)
          target.setSelectionRange(c.caret, c.caret);
        c.focusTarget = undefined;
      }
      c.caret = undefined;
      const published = c.added;
      c.added = [];
      for (const [data, key] of published) {
        plugin.publish('messageAdded', {
          data,
          html: c.mounted.shadow.querySelector(`[data-key="${key}"]`),
        });
      }
    },
    metadata: () => withDerived(c.meta),
    saveMeta() {
      if (c.active && c.option('metaDataEnabled') !== false)
        c.cookies().setJSON(UI_COOKIES.metaData, forCookie(c.meta));
    },
    announce(event, stamp) {
      if (stamp) c.meta[stamp] = Date.now();
      const data = c.metadata();
      plugin.data('metadata', data);
      c.saveMeta();
      plugin.publish(event, data);
    },
  };
  return c;
}
