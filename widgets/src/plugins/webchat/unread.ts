/**
 * Unread messages while the window is minimized, or an async chat is hidden (spec 4.7):
 * the badge and the `unreadMessages`, `lastMessageCountRead` and `asyncUnreadMessageCount`
 * cookies. Counts are of the service's messages shown that are not the visitor's: agent and bot
 * messages, files, and lines such as "Alice joined" (not the site's `injectMessage` lines, which
 * no other page has); `lastRead` is the count when reading stopped.
 */
import { count, type WebChat } from './context';
import { UI_COOKIES } from './reasons';

/** Recount the badge; while minimized (or hidden, async) during a chat, the cookies follow. */
export function updateUnread(c: WebChat): void {
  const view = c.view;
  view.unread = Math.max(c.received - c.lastRead, 0);
  if (!c.active || c.restoreUnread !== undefined) return;
  const minimized = view.open && view.minimized;
  if (minimized) c.cookies().set(UI_COOKIES.unread, String(view.unread));
  if (minimized || (!view.open && c.asyncChat()))
    c.cookies().set(UI_COOKIES.asyncUnread, String(view.unread));
}

/**
 * An async chat restored hidden or minimized carries its unread count over in the
 * `asyncUnreadMessageCount` cookie: a count of messages held is no measure, since an async
 * restore holds only the newest page. Until the restored messages are in, no cookie is written.
 */
export function awaitRestoredUnread(c: WebChat): void {
  c.restoreUnread = count(Number(c.cookies().get(UI_COOKIES.asyncUnread)), 0);
}

/** The restored messages are in: count unread from the carried-over number. */
export function settleRestoredUnread(c: WebChat): void {
  if (c.restoreUnread === undefined) return;
  c.lastRead = Math.max(c.received - c.restoreUnread, 0);
  c.restoreUnread = undefined;
  updateUnread(c);
}

/** Everything has been read: no badge, no unread cookies. */
export function clearUnread(c: WebChat): void {
  for (const name of [UI_COOKIES.unread, UI_COOKIES.lastRead, UI_COOKIES.asyncUnread])
    c.cookies().remove(name);
  c.view.unread = 0;
}

/** From now on, count what arrives as unread. */
export function markRead(c: WebChat): void {
  c.lastRead = c.received;
  // The badge was last worked out with the window open, from an older `lastRead`.
  c.view.unread = 0;
  c.cookies().set(UI_COOKIES.lastRead, String(c.lastRead));
}
