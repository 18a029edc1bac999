/** What the visitor does in the window: the handlers `view.ts` calls. */
import { close, hide, minimize } from './chat_window';
import { SERVICE, type WebChat } from './context';
import { createDeflection } from './deflection';
import { fieldValid, submit } from './registration';
import { NO_MORE_HISTORY, UI_COOKIES } from './reasons';
import { fileActions } from './uploads';
import type { WebChatActions } from './view';

export function createActions(c: WebChat): WebChatActions {
  const view = c.view;
  const deflect = createDeflection(c);
  const actions: WebChatActions = {
    ...fileActions(c),
    openFromButton: () => c.plugin.command('open').fail(() => undefined),
    toggleMinimize: () => minimize(c, !view.minimized),
    escape() {
      if (view.confirm) return actions.answer(false);
      if (view.emojiOpen) return actions.toggleEmojis(false);
      if (view.minimized) return;
      // A running chat goes out of the way, still running; a form or an ended chat closes.
      if (!c.active) return actions.requestClose();
      c.focusTarget = '.fd-wc-min';
      minimize(c, true);
    },
    requestClose() {
      const typed = Object.values(view.values).some((value) => value !== '' && value !== 'false');
      if (view.stage === 'form' && typed && c.option('confirmFormCloseEnabled') !== false)
        view.confirm = 'close';
      else if (c.active) view.confirm = c.asyncChat() ? 'keep' : 'end';
      else return close(c);
      // The question lives in the window body, which a minimized window does not show.
      if (view.minimized) minimize(c, false);
      c.focusTarget = '.fd-wc-no';
      c.draw();
    },
    answer(yes) {
      const asked = view.confirm;
      view.confirm = undefined;
      c.focusTarget = '.fd-wc-close';
      if (!yes) return c.draw();
      if (asked === 'end' || asked === 'keep') {
        c.plugin.command(`${SERVICE}.endChat`).always(() => {
          if (view.open) close(c);
        });
        return c.draw();
      }
      close(c);
    },
    submit: (event) => submit(c, event),
    edit(field, value, event) {
      view.values = { ...view.values, [field.name]: value };
      if (field.name === 'subject') deflect(value);
      if (view.invalid[field.name] && field.validateWhileTyping) {
        view.invalid = { ...view.invalid, [field.name]: !fieldValid(c, field, event) };
      }
      c.draw();
    },
    draft(text) {
      view.draft = text;
      c.draw();
      if (c.meta.userMessages === 0) deflect(text);
      if (text.trim() !== '')
        c.plugin.command(`${SERVICE}.sendTyping`, { message: text }).fail(() => undefined);
    },
    send() {
      const message = view.draft;
      if (message.trim() === '' || !c.active) return;
      view.draft = '';
      // Sent: no more articles, and none from a request still pending.
      deflect('');
      c.focusTarget = '#fd-wc-input';
      c.scrollTo = 'end';
      c.draw();
      c.plugin.command(`${SERVICE}.sendMessage`, { message }).fail((reason: unknown) => {
        if (view.draft === '') view.draft = message;
        c.meta.errors = [...(c.meta.errors || []), reason];
        c.draw();
      });
    },
    accept() {
      const invite = view.toast === 'invite';
      if (invite) c.cookies().set(UI_COOKIES.inviteOff, 'true');
      view.toast = undefined;
      clearTimeout(c.inviteTimer);
      c.draw();
      if (!view.open)
        c.plugin.command('open', invite ? { proactive: true } : {}).fail(() => undefined);
    },
    reject() {
      if (view.toast === 'invite') c.cookies().set(UI_COOKIES.inviteOff, 'true');
      view.toast = undefined;
      clearTimeout(c.inviteTimer);
      c.focusTarget = '.fd-wc-button';
      c.draw();
    },
    endChat() {
      view.confirm = 'end';
      c.focusTarget = '.fd-wc-no';
      c.draw();
    },
    keep: () => hide(c),
    toggleEmojis(open = !view.emojiOpen) {
      if (view.emojiOpen === open) return;
      view.emojiOpen = open;
      c.focusTarget = open ? '#fd-wc-emojis [role=menuitem]' : '.fd-wc-emoji';
      c.draw();
    },
    insertEmoji(emoji) {
      const box = c.mounted?.shadow.getElementById('fd-wc-input') as HTMLTextAreaElement | null;
      const start = box?.selectionStart ?? view.draft.length;
      const draft =
        view.draft.slice(0, start) + emoji + view.draft.slice(box?.selectionEnd ?? start);
      view.emojiOpen = false;
      c.focusTarget = '#fd-wc-input';
      if (draft.length > view.maxLength) return c.draw();
      c.caret = start + emoji.length;
      actions.draft(draft);
    },
    openArticle(article) {
      c.plugin.command('KnowledgeCenter.open', { article }).fail(() => undefined);
    },
    older() {
      const capabilities = c.plugin.data('WebChatService.capabilities') as
        { pagination?: unknown } | undefined;
      if (!c.active || view.loadingHistory || c.historyDone || capabilities?.pagination !== true)
        return;
      view.loadingHistory = true;
      c.scrollTo = 'hold';
      c.draw();
      c.plugin
        .command(`${SERVICE}.fetchHistory`)
        .fail((reason: unknown) => {
          if (reason === NO_MORE_HISTORY) c.historyDone = true;
        })
        .always(() => {
          view.loadingHistory = false;
          c.scrollTo = 'hold';
          c.draw();
        });
    },
  };
  return actions;
}
