/**
 * WebChat: the chat window on top of WebChatService, with the Genesys Widgets commands,
 * events, metadata object and `webchat.*` UI cookies. The UI lives in a Shadow DOM root and
 * is a Preact view (`view.ts`) of one state object (`context.ts`).
 */
import { commonOf, isRecord } from '../../core/common';
import type { CXBusGlobal, PluginInterface } from '../../core/types';
import { createActions } from './actions';
import { configure, registerCommands, showButton } from './commands';
import { count, createWebChat, SERVICE } from './context';
import { armAutoInvite } from './invites';
import { loadForm } from './registration';
import { followService, restored } from './service_events';
import { followUploads } from './uploads';

/** Register WebChat on `bus`; it configures itself when App is ready. */
export function registerWebChat(bus: CXBusGlobal, win: Window): PluginInterface | false {
  const plugin = bus.registerPlugin('WebChat');
  if (!plugin) return false;
  const c = createWebChat(plugin, win);
  const view = c.view;
  c.actions = createActions(c);
  followService(c);
  followUploads(c);
  registerCommands(c);
  plugin.registerEvents([
    'ready',
    'opened',
    'submitted',
    'started',
    'rejected',
    'completed',
    'cancelled',
    'closed',
    'minimized',
    'unminimized',
    'messageAdded',
    'chatButtonDisplayed',
  ]);

  plugin.subscribe('App.ready', () => {
    if (c.common) return;
    c.common = commonOf(win);
    if (!c.common) return;
    const own = c.common.config()['webchat'];
    configure(c, isRecord(own) ? own : {});
    plugin.subscribe('App.language', () => {
      if (view.stage === 'form' && view.open) loadForm(c);
      c.draw();
    });
    plugin.data('open', false);
    plugin.ready();
    plugin.republish('ready', {});
    if (c.buttonEnabled()) {
      setTimeout(
        () => {
          if (!view.button && !view.open) showButton(c);
        },
        count(c.option('chatButton.openDelay'), 1000),
      );
    }
    armAutoInvite(c);
    // Loads WebChatService if needed; a session it restored before WebChat was here still shows.
    plugin
      .command<{ sessionActive: boolean }>(`${SERVICE}.verifySession`)
      .done((state) => {
        if (state.sessionActive && !c.active) restored(c);
      })
      .fail(() => undefined);
  });
  return plugin;
}
