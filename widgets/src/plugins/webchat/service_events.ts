/** How WebChat follows WebChatService: a chat starts, is restored, receives, ends. */
import { isRecord } from '../../core/common';
import type { BusEvent } from '../../core/types';
import { open, reveal } from './chat_window';
import { SERVICE, type Message, type Options, type WebChat } from './context';
import type { Meta, Stamp } from './metadata';
import { UI_COOKIES } from './reasons';
import { addMessages, insert, loadTranscript } from './transcript';
import { awaitRestoredUnread, updateUnread } from './unread';

/** A session WebChatService restored: reopen (maybe minimized), or stay closed if it was. */
export function restored(c: WebChat): void {
  c.active = true;
  c.view.stage = 'chat';
  c.historyDone = false;
  c.plugin.command('App.registerAutoLoad').fail(() => undefined);
  const saved = c.cookies().getJSON(UI_COOKIES.metaData);
  if (isRecord(saved)) c.meta = { ...c.meta, ...saved } as Meta;
  if (c.view.open) return loadTranscript(c);
  // A closed chat stays closed; an async one stays hidden until a message brings it back.
  if (c.cookies().get(UI_COOKIES.open) === 'false') {
    c.view.button = c.buttonEnabled();
    if (c.asyncChat()) awaitRestoredUnread(c);
    loadTranscript(c);
    return;
  }
  const mobile = c.plugin.data('App.mobileMode') === true;
  const minimized =
    c.cookies().get(UI_COOKIES.minimized) === 'true' ||
    (mobile && c.option('minimizeOnMobileRestore') === true);
  if (minimized && c.asyncChat()) awaitRestoredUnread(c);
  open(c, { restoring: true, form: false, minimized });
}

/** `async.newMessageRestoreState` (or the transport's): how a hidden async chat comes back. */
function revealMinimized(c: WebChat): boolean {
  return (
    (c.option('async.newMessageRestoreState') ??
      c.option('transport.async.newMessageRestoreState')) === 'minimized'
  );
}

function restoreFailed(c: WebChat): void {
  for (const name of [
    UI_COOKIES.minimized,
    UI_COOKIES.unread,
    UI_COOKIES.metaData,
    UI_COOKIES.lastRead,
    UI_COOKIES.asyncUnread,
  ])
    c.cookies().remove(name);
  c.plugin.publish('closed', c.metadata());
  c.view.button = c.buttonEnabled();
  c.draw();
  c.plugin.command('reInvite').fail(() => undefined);
}

function ended(c: WebChat): void {
  if (!c.active) return;
  const view = c.view;
  c.active = false;
  c.restoreUnread = undefined;
  view.queue = undefined;
  view.stage = 'ended';
  view.agentTyping = undefined;
  view.offline = false;
  view.confirm = undefined;
  insert(c, {
    key: `end${Date.now()}`,
    kind: 'system',
    party: '',
    name: '',
    text: c.t('ChatEnded'),
    time: Date.now(),
  });
  for (const name of [
    UI_COOKIES.minimized,
    UI_COOKIES.metaData,
    UI_COOKIES.lastRead,
    UI_COOKIES.unread,
    UI_COOKIES.asyncUnread,
  ])
    c.cookies().remove(name);
  c.plugin.command('App.deregisterAutoLoad').fail(() => undefined);
  c.draw();
  const stamp: Stamp = c.meta.agentReached || c.meta.botReached ? 'completed' : 'cancelled';
  c.meta[stamp] = Date.now();
  const data = c.metadata();
  c.plugin.data('metadata', data);
  c.plugin.publish(stamp, data);
}

/** Subscribe WebChat to WebChatService's events. */
export function followService(c: WebChat): void {
  const view = c.view;
  const on = (event: string, handler: (data: Options) => void): void => {
    c.plugin.subscribe(`${SERVICE}.${event}`, (e: BusEvent) =>
      handler(isRecord(e.data) ? e.data : {}),
    );
  };
  on('started', () => {
    c.active = true;
    c.historyDone = false;
    view.stage = 'chat';
    view.offline = false;
    c.focusTarget = '#fd-wc-input';
    c.plugin.command('App.registerAutoLoad').fail(() => undefined);
    c.draw();
    c.announce('started', 'started');
  });
  on('restored', () => restored(c));
  on('restoreFailed', () => restoreFailed(c));
  on('restoreTimeout', () => restoreFailed(c));
  on('messageReceived', (data) => {
    const messages = Array.isArray(data['messages']) ? (data['messages'] as Message[]) : [];
    // A hidden async chat comes back for an agent's message, not for a line such as "Alice left".
    const before = c.meta.agentMessages;
    addMessages(
      c,
      messages,
      Array.isArray(data['originalMessages']) ? data['originalMessages'] : [],
    );
    if (data['oldMessages'] === true) c.scrollTo = 'hold';
    updateUnread(c);
    const fresh =
      c.meta.agentMessages > before && data['restoring'] !== true && data['oldMessages'] !== true;
    if (fresh && c.active && !view.open && c.asyncChat()) reveal(c, revealMinimized(c));
    else c.draw();
    c.saveMeta();
  });
  on('queuePosition', (data) => {
    const position = data['position'];
    const seconds = data['estimatedWaitSeconds'];
    if (typeof position !== 'number' || typeof seconds !== 'number') return;
    view.queue = { position, minutes: Math.max(1, Math.ceil(seconds / 60)) };
    c.draw();
  });
  on('agentTypingStarted', (data) => {
    const from = isRecord(data['from']) ? data['from'] : {};
    view.agentTyping = typeof from['name'] === 'string' ? from['name'] : '';
    c.draw();
  });
  on('agentTypingStopped', () => {
    view.agentTyping = undefined;
    c.draw();
  });
  on('agentConnected', () => {
    view.queue = undefined;
    c.draw();
    c.meta.numAgents++;
    if (!c.meta.agentReached) c.meta.agentReached = Date.now();
    c.saveMeta();
  });
  on('botConnected', () => {
    if (!c.meta.botReached) c.meta.botReached = Date.now();
  });
  on('disconnected', () => {
    view.offline = true;
    c.draw();
  });
  on('reconnected', () => {
    view.offline = false;
    c.draw();
  });
  on('ended', () => ended(c));
}
