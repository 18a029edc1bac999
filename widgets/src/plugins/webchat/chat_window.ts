/**
 * The chat window's life: open (form or running chat), close, minimize; and for async chat,
 * hide with the chat kept, and reveal again when a message arrives.
 */
import { isRecord, rememberFocus } from '../../core/common';
import { count, type Options, type WebChat } from './context';
import { DEFAULT_FORM } from '../../shared/form';
import { newMeta } from './metadata';
import { UI_COOKIES } from './reasons';
import { loadForm, submit } from './registration';
import { loadTranscript } from './transcript';
import { clearUnread, markRead, updateUnread } from './unread';

/** Show the window: the running chat, or a fresh registration form (`open` options). */
export function open(c: WebChat, data: Options): void {
  const view = c.view;
  c.giveFocusBack = rememberFocus(c.win);
  view.open = true;
  view.shown = true;
  view.minimized = data['minimized'] === true;
  view.confirm = undefined;
  view.overlay = undefined;
  c.cookies().set(UI_COOKIES.open, 'true');
  c.plugin.data('open', true);
  if (c.active) {
    if (view.stage !== 'ended') view.stage = 'chat';
    loadTranscript(c);
    c.focusTarget = '#fd-wc-input';
    if (!view.minimized && c.restoreUnread === undefined) clearUnread(c);
  } else if (data['restoring'] !== true) {
    c.meta = newMeta();
    view.entries = [];
    view.stage = 'form';
    view.formError = '';
    view.invalid = {};
    view.values = {};
    c.received = 0;
    c.lastRead = 0;
    clearUnread(c);
    c.formDef = data['formJSON'] ?? c.config['form'] ?? DEFAULT_FORM;
    c.openUserData = isRecord(data['userData']) ? data['userData'] : {};
    loadForm(c);
    const given = isRecord(data['form']) ? data['form'] : {};
    for (const [key, value] of Object.entries(given)) {
      if (typeof value === 'string' && key in view.values) {
        view.values[key] = value;
        c.meta.prefilled ||= value !== '';
      }
    }
    c.meta.proactive = data['proactive'] === true;
    if (data['proactiveData'] !== undefined) c.meta.proactiveData = data['proactiveData'];
    c.meta.autoSubmitted = given['autoSubmit'] === true;
    c.focusTarget = view.fields[0] ? `#${view.fields[0].id}` : undefined;
  }
  if (view.minimized) {
    c.lastRead = count(Number(c.cookies().get(UI_COOKIES.lastRead)), c.received);
    updateUnread(c);
  }
  c.draw();
  c.announce('opened', c.active ? undefined : 'opened');
  if (c.meta.autoSubmitted && view.stage === 'form') submit(c);
}

/** Remove the window; the chat button comes back if it is enabled. */
export function close(c: WebChat): void {
  const view = c.view;
  view.open = false;
  view.confirm = undefined;
  view.overlay = undefined;
  view.minimized = false;
  clearTimeout(c.inviteTimer);
  c.cookies().set(UI_COOKIES.open, 'false');
  c.cookies().remove(UI_COOKIES.lastRead);
  c.plugin.data('open', false);
  leave(c);
  if (!c.active && !c.meta.started && !c.meta.cancelled) c.announce('cancelled', 'cancelled');
  c.announce('closed', 'closed');
}

/** Hide an async chat, which goes on: the chat button comes back, `state.open` is false. */
export function hide(c: WebChat): void {
  const view = c.view;
  view.open = false;
  view.confirm = undefined;
  view.overlay = undefined;
  view.minimized = false;
  view.emojiOpen = false;
  c.cookies().set(UI_COOKIES.open, 'false');
  // Hidden counts like minimized: what arrives from now on is unread.
  markRead(c);
  c.plugin.data('open', false);
  leave(c);
  c.announce('closed', 'closed');
}

/** The window has gone: the chat button comes back and takes focus, else what opened the window. */
function leave(c: WebChat): void {
  c.view.button = c.buttonEnabled();
  c.focusTarget = '.fd-wc-button';
  c.draw();
  if (!c.view.button) c.giveFocusBack();
}

/** A hidden async chat comes back for a new message: in full, or minimized with its badge. */
export function reveal(c: WebChat, minimized: boolean): void {
  const view = c.view;
  view.open = true;
  view.shown = true;
  view.minimized = minimized;
  view.confirm = undefined;
  view.overlay = undefined;
  if (view.stage !== 'ended') view.stage = 'chat';
  c.cookies().set(UI_COOKIES.open, 'true');
  c.cookies().set(UI_COOKIES.minimized, String(minimized));
  c.plugin.data('open', true);
  if (minimized) {
    c.cookies().set(UI_COOKIES.lastRead, String(c.lastRead));
    updateUnread(c);
  } else {
    clearUnread(c);
  }
  c.draw();
  c.announce('opened');
}

/** Minimize or restore the window; unread counting starts or ends with it. */
export function minimize(c: WebChat, minimized: boolean): void {
  const view = c.view;
  if (!view.open || view.minimized === minimized) return;
  view.minimized = minimized;
  if (c.active) c.cookies().set(UI_COOKIES.minimized, String(minimized));
  if (minimized) markRead(c);
  else clearUnread(c);
  c.draw();
  c.saveMeta();
  c.plugin.publish(minimized ? 'minimized' : 'unminimized', {});
}
