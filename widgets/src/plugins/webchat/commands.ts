/** WebChat's bus commands, with the Genesys Widgets rejection reasons. */
import { isRecord } from '../../core/common';
import type { CommandCall } from '../../core/types';
import { close, minimize, open } from './chat_window';
import { count, SERVICE, type Options, type WebChat } from './context';
import { emojisOf } from './emoji_menu';
import { inviteTimeout, showToast } from './invites';
import * as R from './reasons';
import { safeNodes } from './sanitize';
import { insert } from './transcript';
import type { Entry } from './view';

/** Apply configuration (`configure`, and App's `webchat` section at start-up). */
export function configure(c: WebChat, options: Options): void {
  c.config = { ...c.config, ...options };
  c.view.maxLength = count(c.config['maxMessageLength'], 500);
  c.view.charCount = c.config['charCountEnabled'] === true;
  c.view.markdown = c.config['markdown'] === true || c.option('transport.markdown') === true;
  c.view.emojis = emojisOf(c.config['emojis'], c.config['emojiList']);
}

/** Show the chat button, as `showChatButton` and the configured start-up delay do. */
export function showButton(c: WebChat): void {
  c.view.button = true;
  c.draw();
  c.plugin.publish('chatButtonDisplayed', {});
}

export function registerCommands(c: WebChat): void {
  const { plugin, view } = c;
  const doc = c.win.document;
  const command = (name: string, run: (data: Options, call: CommandCall) => unknown): void => {
    plugin.registerCommand(name, (call) => {
      try {
        call.deferred.resolve(run(call.data, call));
      } catch (reason) {
        call.deferred.reject(reason);
      }
    });
  };

  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw 'Invalid configuration';
    configure(c, data);
    return c.config;
  });
  command('open', (data) => {
    if (view.open) throw R.ALREADY_OPENED;
    open(c, data);
  });
  command('close', () => {
    if (!view.open) throw R.ALREADY_CLOSED;
    close(c);
  });
  command('minimize', (data) => {
    minimize(c, typeof data['minimized'] === 'boolean' ? data['minimized'] : !view.minimized);
  });
  command('endChat', () => {
    if (!c.active) throw R.NO_CHAT_TO_END;
    return plugin.command(`${SERVICE}.endChat`);
  });
  command('invite', () => {
    if (view.open) throw R.INVITE_WHILE_OPEN;
    showToast(c, 'invite', inviteTimeout(c));
  });
  command('reInvite', () => {
    if (view.open || view.toast || c.option('inviteOnRestoreTimeout') === false)
      throw R.REINVITE_REFUSED;
    showToast(c, 'reinvite', inviteTimeout(c));
  });
  command('injectMessage', (data) => {
    if (!view.open || (view.stage !== 'chat' && view.stage !== 'ended')) throw R.NO_CHAT_TO_INJECT;
    const key = `i${++c.injected}`;
    const given = data['text'];
    const html = data['type'] === 'html';
    const text =
      typeof given === 'string'
        ? given
        : isRecord(given) && typeof (given as unknown as Node).textContent === 'string'
          ? ((given as unknown as Node).textContent ?? '')
          : '';
    const entry: Entry = {
      key,
      kind: html ? 'html' : 'message',
      party: 'External',
      name: typeof data['name'] === 'string' ? data['name'] : '',
      text,
      time: Date.now(),
    };
    if (html) entry.nodes = safeNodes(doc, given);
    insert(c, entry);
    c.draw();
    return c.mounted?.shadow.querySelector(`[data-key="${key}"]`) ?? true;
  });
  command('showChatButton', (data) => {
    if (!c.buttonEnabled()) throw R.BUTTON_DISABLED;
    if (view.button) throw R.BUTTON_SHOWN;
    return new Promise<void>((resolve) =>
      setTimeout(
        () => {
          showButton(c);
          resolve();
        },
        count(data['openDelay'], 0),
      ),
    );
  });
  command('hideChatButton', () => {
    if (!view.button) throw R.BUTTON_HIDDEN;
    view.button = false;
    c.draw();
  });
  command('showOverlay', (data) => {
    if (!view.open) throw R.NOT_OPEN;
    view.overlay = { nodes: safeNodes(doc, data['html']), hideFooter: data['hideFooter'] === true };
    c.draw();
  });
  command('hideOverlay', () => {
    if (!view.open) throw R.NOT_OPEN;
    view.overlay = undefined;
    c.draw();
  });
  command('hide', () => {
    if (!view.open) throw R.NOT_OPEN;
    if (!view.shown) throw R.ALREADY_HIDDEN;
    view.shown = false;
    c.draw();
  });
  command('show', () => {
    if (!view.open) throw R.NOT_OPEN;
    if (view.shown) throw R.ALREADY_SHOWN;
    view.shown = true;
    c.draw();
  });
}
