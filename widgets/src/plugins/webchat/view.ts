/**
 * The WebChat window, chat button and toasts as a Preact view of WebChat's state. Message
 * text, names and form values only ever become text nodes; injected HTML arrives as nodes
 * that `sanitize.ts` already rebuilt.
 */
import { h, type ComponentChild } from 'preact';
import { deflectionView, type Article } from './deflection';
import { emojiButton, emojiMenu } from './emoji_menu';
import { sizeText, type SharedFile } from './files';
import type { Field } from '../../shared/form';
import { markdown } from '../../shared/markdown';
import { fileNotes, uploadButton, type Limits } from './uploads';

export interface Entry {
  key: string;
  kind: 'message' | 'system' | 'html';
  party: string;
  name: string;
  text: string;
  time: number;
  index?: number;
  nodes?: DocumentFragment;
  /** A shared file: shown as a download button, its name as text. */
  file?: SharedFile;
}

export type Stage = 'form' | 'starting' | 'chat' | 'ended';
/** A question over the window: close the form, end the chat, or keep an async chat. */
export type Confirm = 'close' | 'end' | 'keep' | undefined;

export interface WebChatView {
  button: boolean;
  open: boolean;
  shown: boolean;
  minimized: boolean;
  stage: Stage;
  fields: Field[];
  values: Record<string, string>;
  invalid: Record<string, boolean>;
  formError: string;
  entries: Entry[];
  draft: string;
  maxLength: number;
  charCount: boolean;
  markdown: boolean;
  agentTyping: string | undefined;
  unread: number;
  confirm: Confirm;
  overlay: { nodes: DocumentFragment; hideFooter: boolean } | undefined;
  toast: 'invite' | 'reinvite' | undefined;
  offline: boolean;
  /** The visitor's place in the queue while no agent has the chat. */
  queue: { position: number; minutes: number } | undefined;
  /** The emoji menu's choices (none: no menu). */
  emojis: string[];
  emojiOpen: boolean;
  loadingHistory: boolean;
  /** `uploadsEnabled` and a transport that takes files. */
  uploads: boolean;
  limits: Limits | undefined;
  /** The last upload's progress or refusal. */
  fileNote: string;
  /** Knowledge articles offered while the visitor describes the question (deflection). */
  articles: Article[];
}

export interface WebChatActions {
  openFromButton(): void;
  toggleMinimize(): void;
  /** Escape: cancel a question, close the emoji menu, minimize a running chat or close the window. */
  escape(): void;
  requestClose(): void;
  answer(yes: boolean): void;
  submit(event: Event): void;
  edit(field: Field, value: string, event: Event): void;
  draft(text: string): void;
  send(): void;
  accept(): void;
  reject(): void;
  endChat(): void;
  /** Hide an async chat and keep it running. */
  keep(): void;
  toggleEmojis(open?: boolean): void;
  insertEmoji(emoji: string): void;
  /** The transcript is scrolled to its top: older messages, if there are any. */
  older(): void;
  chooseFile(input: HTMLInputElement): void;
  download(fileId: string): void;
  openArticle(article: Article): void;
}

export type T = (key: string, fill?: Record<string, string | number>) => string;

const time = (ms: number): string =>
  new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function fieldView(field: Field, view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  const value = view.values[field.name] ?? '';
  const invalid = view.invalid[field.name] === true;
  const errorId = `${field.id}-error`;
  const common = {
    id: field.id,
    name: field.name,
    readOnly: field.readonly,
    autoFocus: field.autofocus,
    'aria-invalid': invalid ? 'true' : undefined,
    'aria-describedby': invalid ? errorId : undefined,
    'aria-required': field.required ? 'true' : undefined,
  };
  const onInput = (event: Event): void => {
    const target = event.currentTarget as HTMLInputElement;
    actions.edit(field, field.type === 'checkbox' ? String(target.checked) : target.value, event);
  };
  let control: ComponentChild;
  if (field.type === 'select') {
    control = h(
      'select',
      { ...common, value, onChange: onInput },
      field.options.map((option) => h('option', { value: option.value }, option.text)),
    );
  } else if (field.type === 'textarea') {
    control = h('textarea', {
      ...common,
      value,
      placeholder: field.placeholder,
      maxLength: field.maxlength,
      onInput,
    });
  } else if (field.type === 'hidden') {
    return h('input', { type: 'hidden', id: field.id, name: field.name, value });
  } else {
    control = h('input', {
      ...common,
      type: field.type,
      placeholder: field.placeholder,
      maxLength: field.maxlength,
      autoComplete: field.autocomplete,
      ...(field.type === 'checkbox'
        ? { checked: value === 'true', onChange: onInput }
        : { value, onInput }),
    });
  }
  return h(
    'div',
    { class: `fd-wc-field${invalid ? ' cx-error' : ''}`, 'data-field': field.name },
    h('label', { for: field.id }, field.label || field.name),
    control,
    invalid
      ? h(
          'span',
          { id: errorId, class: 'fd-wc-error' },
          t(field.required && value.trim() === '' ? 'ChatFormRequired' : 'ChatFormInvalid'),
        )
      : null,
  );
}

function entryView(entry: Entry, t: T, rich: boolean, actions: WebChatActions): ComponentChild {
  if (entry.kind === 'system') {
    return h('li', { key: entry.key, class: 'fd-wc-system', 'data-key': entry.key }, entry.text);
  }
  const name = entry.name || (entry.party === 'Client' ? t('You') : t('AgentNameDefault'));
  return h(
    'li',
    { key: entry.key, class: 'fd-wc-msg', 'data-party': entry.party, 'data-key': entry.key },
    h('span', { class: 'fd-wc-name' }, name),
    entry.file
      ? h(
          'button',
          {
            type: 'button',
            class: 'fd-plain fd-wc-text fd-wc-file',
            'data-file': entry.file.id,
            onClick: () => actions.download(entry.file!.id),
          },
          h('span', { class: 'fd-wc-file-name' }, entry.file.name),
          ' ',
          h('span', { class: 'fd-wc-file-size' }, sizeText(entry.file.size)),
        )
      : entry.kind === 'html'
        ? h('div', {
            class: 'fd-wc-text',
            ref: (element: HTMLElement | null) => {
              if (element && !element.hasChildNodes() && entry.nodes)
                element.appendChild(entry.nodes.cloneNode(true));
            },
          })
        : h(
            'p',
            { class: 'fd-wc-text' },
            rich && entry.party !== 'Client' ? markdown(entry.text) : entry.text,
          ),
    h('time', { class: 'fd-wc-time' }, time(entry.time)),
  );
}

function toastView(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (!view.toast) return null;
  const invite = view.toast === 'invite';
  return h(
    'div',
    { class: 'fd-wc-toast', role: 'dialog', 'aria-labelledby': 'fd-wc-toast-title' },
    h('h2', { id: 'fd-wc-toast-title' }, t(invite ? 'InviteTitle' : 'RestoreTimeoutTitle')),
    h('p', null, t(invite ? 'InviteBody' : 'RestoreTimeoutBody')),
    h(
      'div',
      { class: 'fd-wc-actions' },
      h(
        'button',
        { type: 'button', class: 'fd-wc-accept', onClick: actions.accept },
        t('InviteAccept'),
      ),
      h(
        'button',
        { type: 'button', class: 'fd-plain fd-wc-reject', onClick: actions.reject },
        t('InviteReject'),
      ),
    ),
  );
}

function overlayView(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (view.confirm === 'keep') {
    return h(
      'div',
      { class: 'fd-wc-overlay', role: 'alertdialog', 'aria-labelledby': 'fd-wc-confirm' },
      h('p', { id: 'fd-wc-confirm' }, t('AsyncCloseQuestion')),
      h(
        'div',
        { class: 'fd-wc-actions' },
        h('button', { type: 'button', class: 'fd-wc-keep', onClick: actions.keep }, t('KeepChat')),
        h(
          'button',
          { type: 'button', class: 'fd-plain fd-wc-yes', onClick: () => actions.answer(true) },
          t('EndChat'),
        ),
        h(
          'button',
          { type: 'button', class: 'fd-plain fd-wc-no', onClick: () => actions.answer(false) },
          t('Cancel'),
        ),
      ),
    );
  }
  if (view.confirm) {
    return h(
      'div',
      { class: 'fd-wc-overlay', role: 'alertdialog', 'aria-labelledby': 'fd-wc-confirm' },
      h(
        'p',
        { id: 'fd-wc-confirm' },
        t(view.confirm === 'end' ? 'ChatEndQuestion' : 'ConfirmCloseWindow'),
      ),
      h(
        'div',
        { class: 'fd-wc-actions' },
        h(
          'button',
          { type: 'button', class: 'fd-wc-yes', onClick: () => actions.answer(true) },
          t('Yes'),
        ),
        h(
          'button',
          { type: 'button', class: 'fd-plain fd-wc-no', onClick: () => actions.answer(false) },
          t('No'),
        ),
      ),
    );
  }
  if (!view.overlay) return null;
  const nodes = view.overlay.nodes;
  return h('div', {
    class: 'fd-wc-overlay fd-wc-custom',
    role: 'dialog',
    ref: (element: HTMLElement | null) => {
      if (element && !element.hasChildNodes()) element.appendChild(nodes.cloneNode(true));
    },
  });
}

function footerView(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (view.stage !== 'chat' || view.overlay?.hideFooter) return null;
  const left = view.maxLength - view.draft.length;
  return h(
    'div',
    { class: 'fd-wc-footer' },
    deflectionView(view, actions, t),
    emojiMenu(view, actions, t),
    h('textarea', {
      id: 'fd-wc-input',
      rows: 2,
      value: view.draft,
      maxLength: view.maxLength,
      placeholder: t('TextInputPlaceholder'),
      'aria-label': t('TextInputLabel'),
      'aria-describedby': view.charCount ? 'fd-wc-count' : undefined,
      onInput: (event: Event) => actions.draft((event.currentTarget as HTMLTextAreaElement).value),
      onKeyDown: (event: KeyboardEvent) => {
        if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
          event.preventDefault();
          actions.send();
        }
      },
    }),
    h(
      'div',
      { class: 'fd-wc-sendrow' },
      view.charCount
        ? h(
            'span',
            { id: 'fd-wc-count', class: 'fd-wc-count' },
            t('CharsRemaining', { Count: left }),
          )
        : h('span', null),
      emojiButton(view, actions, t),
      uploadButton(view, actions, t),
      h(
        'button',
        { type: 'button', class: 'fd-plain fd-wc-end', onClick: actions.endChat },
        t('EndChat'),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'fd-wc-send',
          onClick: actions.send,
          disabled: view.draft.trim() === '',
        },
        t('Send'),
      ),
    ),
    fileNotes(view, t),
  );
}

function bodyView(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (view.stage === 'form' || (view.stage === 'starting' && view.entries.length === 0)) {
    return h(
      'form',
      { class: 'fd-wc-form', noValidate: true, onSubmit: actions.submit },
      h('p', null, t('ChatFormIntro')),
      view.fields.map((field) => fieldView(field, view, actions, t)),
      deflectionView(view, actions, t),
      view.formError ? h('p', { class: 'fd-wc-error', role: 'alert' }, view.formError) : null,
      h(
        'button',
        { type: 'submit', id: 'fd-wc-submit', disabled: view.stage === 'starting' },
        t(view.stage === 'starting' ? 'Connecting' : 'ChatFormSubmit'),
      ),
    );
  }
  const top = (event: Event): void => {
    if ((event.currentTarget as HTMLElement).scrollTop <= 0) actions.older();
  };
  return h(
    'ol',
    {
      class: 'fd-wc-log',
      id: 'fd-wc-log',
      role: 'log',
      'aria-live': 'polite',
      'aria-label': t('Transcript'),
      'aria-busy': view.loadingHistory ? 'true' : undefined,
      tabIndex: 0,
      onScroll: top,
      // A transcript too short to scroll still pages back when the visitor scrolls up.
      onWheel: (event: WheelEvent) => {
        if (event.deltaY < 0) top(event);
      },
    },
    view.loadingHistory
      ? h('li', { key: 'loading', class: 'fd-wc-system fd-wc-loading' }, t('LoadingHistory'))
      : null,
    view.entries.map((entry) => entryView(entry, t, view.markdown, actions)),
  );
}

/** A speech bubble drawn inline: an emoji glyph shows as a box where no emoji font is installed. */
const chatIcon = () =>
  h(
    'svg',
    { 'aria-hidden': 'true', viewBox: '0 0 24 24', width: 18, height: 18, class: 'fd-wc-icon' },
    h('path', {
      fill: 'currentColor',
      d: 'M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2z',
    }),
  );

export function WebChatPanel({
  view,
  actions,
  t,
}: {
  view: WebChatView;
  actions: WebChatActions;
  t: T;
}): ComponentChild {
  const badge =
    view.minimized && view.unread > 0
      ? h(
          'span',
          { class: 'fd-wc-badge', 'aria-label': `${view.unread} ${t('UnreadMessagesTitle')}` },
          String(view.unread),
        )
      : null;
  const panel =
    view.open && view.shown
      ? h(
          'section',
          {
            class: 'fd-wc-window cx-webchat',
            role: 'dialog',
            'aria-labelledby': 'fd-wc-title',
            'data-minimized': String(view.minimized),
            onKeyDown: (event: KeyboardEvent) => {
              if (event.key !== 'Escape' || event.defaultPrevented) return;
              event.preventDefault();
              actions.escape();
            },
          },
          h(
            'header',
            { class: 'fd-wc-bar' },
            h('h2', { id: 'fd-wc-title' }, t('ChatTitle')),
            badge,
            h(
              'button',
              {
                type: 'button',
                class: 'fd-plain fd-wc-min',
                onClick: actions.toggleMinimize,
                'aria-label': t(view.minimized ? 'Maximize' : 'Minimize'),
                'aria-expanded': String(!view.minimized),
              },
              view.minimized ? '▴' : '▾',
            ),
            h(
              'button',
              {
                type: 'button',
                class: 'fd-plain fd-wc-close',
                onClick: actions.requestClose,
                'aria-label': t('Close'),
              },
              '×',
            ),
          ),
          view.minimized
            ? null
            : [
                view.offline
                  ? h('p', { class: 'fd-wc-offline', role: 'status' }, t('Disconnected'))
                  : null,
                h(
                  'div',
                  { class: 'fd-wc-body' },
                  bodyView(view, actions, t),
                  overlayView(view, actions, t),
                ),
                view.queue && view.stage === 'chat'
                  ? h(
                      'p',
                      { class: 'fd-wc-queue', role: 'status' },
                      t('QueuePosition', {
                        Position: view.queue.position,
                        Minutes: view.queue.minutes,
                      }),
                    )
                  : null,
                view.agentTyping !== undefined && view.stage === 'chat'
                  ? h(
                      'p',
                      { class: 'fd-wc-typing', role: 'status' },
                      t('AgentTyping', { Agent: view.agentTyping || t('AgentNameDefault') }),
                    )
                  : null,
                footerView(view, actions, t),
              ],
        )
      : null;
  return h(
    'div',
    { class: 'fd-wc' },
    view.button && !view.open
      ? h(
          'button',
          {
            type: 'button',
            class: 'fd-wc-button cx-webchat-chat-button',
            onClick: actions.openFromButton,
          },
          chatIcon(),
          ' ',
          t('ChatButton'),
        )
      : null,
    toastView(view, actions, t),
    panel,
  );
}
