/**
 * The emoji menu beside the message box (`webchat.emojis`, `webchat.emojiList`): a menu
 * button and a grid of menu items, used with the keyboard as the ARIA menu pattern says
 * (arrows move, Home/End jump, Enter or Space inserts, Escape closes and returns focus).
 */
import { h, type ComponentChild } from 'preact';
import type { T, WebChatActions, WebChatView } from './view';

/** Items per row of the grid (the arrow keys Up and Down move by one row). */
export const EMOJI_COLUMNS = 8;
const MAX_EMOJIS = 100;
const DEFAULT_EMOJIS = [
  '😀',
  '😂',
  '😊',
  '😍',
  '😉',
  '😎',
  '🤔',
  '😮',
  '😢',
  '😡',
  '👍',
  '👎',
  '👏',
  '🙏',
  '👋',
  '💪',
  '❤️',
  '🎉',
  '🔥',
  '⭐',
  '✅',
  '❌',
  '🙂',
  '😅',
];

/** The menu's choices: none unless `emojis` is true; `emojiList` (a string or a list) replaces the default. */
export function emojisOf(enabled: unknown, list: unknown): string[] {
  if (enabled !== true) return [];
  const given: unknown[] =
    typeof list === 'string' ? list.split(/[\s,]+/) : Array.isArray(list) ? list : [];
  const custom = given.filter(
    (emoji): emoji is string => typeof emoji === 'string' && emoji !== '' && emoji.length <= 16,
  );
  return custom.length ? custom.slice(0, MAX_EMOJIS) : DEFAULT_EMOJIS;
}

function onMenuKey(event: KeyboardEvent, actions: WebChatActions): void {
  const menu = event.currentTarget as HTMLElement;
  const items = Array.from(menu.querySelectorAll<HTMLElement>('[role=menuitem]'));
  const at = items.indexOf(event.target as HTMLElement);
  if (event.key === 'Escape' || event.key === 'Tab') {
    if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
    }
    return actions.toggleEmojis(false);
  }
  const ahead = menu.closest('[dir=rtl]') ? -1 : 1;
  const moves: Record<string, number> = {
    ArrowRight: ahead,
    ArrowLeft: -ahead,
    ArrowDown: EMOJI_COLUMNS,
    ArrowUp: -EMOJI_COLUMNS,
  };
  let next: number;
  if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = items.length - 1;
  else if (moves[event.key] !== undefined)
    next = Math.min(Math.max(at + moves[event.key]!, 0), items.length - 1);
  else return;
  event.preventDefault();
  items[at]?.setAttribute('tabindex', '-1');
  items[next]?.setAttribute('tabindex', '0');
  items[next]?.focus();
}

/** The button that opens the menu (nothing when the menu is off). */
export function emojiButton(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (!view.emojis.length) return null;
  return h(
    'button',
    {
      type: 'button',
      class: 'fd-plain fd-wc-emoji',
      'aria-label': t('Emoji'),
      'aria-haspopup': 'menu',
      'aria-expanded': String(view.emojiOpen),
      'aria-controls': view.emojiOpen ? 'fd-wc-emojis' : undefined,
      onClick: () => actions.toggleEmojis(),
    },
    '🙂',
  );
}

/** The open menu; it closes when focus leaves it. */
export function emojiMenu(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (!view.emojiOpen || !view.emojis.length) return null;
  return h(
    'div',
    {
      id: 'fd-wc-emojis',
      class: 'fd-wc-emojis',
      role: 'menu',
      'aria-label': t('Emoji'),
      onKeyDown: (event: KeyboardEvent) => onMenuKey(event, actions),
      onFocusOut: (event: FocusEvent) => {
        const to = event.relatedTarget as Element | null;
        if (
          to &&
          !(event.currentTarget as Element).contains(to) &&
          !to.classList.contains('fd-wc-emoji')
        ) {
          actions.toggleEmojis(false);
        }
      },
    },
    view.emojis.map((emoji, position) =>
      h(
        'button',
        {
          type: 'button',
          role: 'menuitem',
          class: 'fd-plain',
          tabIndex: position === 0 ? 0 : -1,
          onClick: () => actions.insertEmoji(emoji),
        },
        emoji,
      ),
    ),
  );
}
