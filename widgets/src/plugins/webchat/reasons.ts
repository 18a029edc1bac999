/** WebChat's rejection reasons and UI cookie names: public API that site code matches on. */

export const ALREADY_OPENED = 'already opened';
export const ALREADY_CLOSED = 'already closed';
export const NO_CHAT_TO_END = 'there is no active chat session to end';
export const INVITE_WHILE_OPEN = 'Chat is already open. Ignoring invite command.';
export const REINVITE_REFUSED =
  'Chat is already open, an invite is showing, or re-invites are disabled. ' +
  'Ignoring reInvite command.';
export const NO_CHAT_TO_INJECT = 'No chat session to inject into.';
export const NOT_OPEN = 'WebChat is not currently open. Ignoring command.';
export const BUTTON_DISABLED = 'The chat button is disabled in the configuration.';
export const BUTTON_SHOWN = 'The chat button is already visible.';
export const BUTTON_HIDDEN = 'The chat button is already hidden.';
export const ALREADY_HIDDEN = 'WebChat is already hidden.';
export const ALREADY_SHOWN = 'WebChat is already shown.';
/** WebChatService's answer to `fetchHistory` when nothing older exists. */
export const NO_MORE_HISTORY = 'No more messages to fetch';

/** Cookie names after the widgets prefix (`shared/spec/cookies.md`, WebChat UI rows). */
export const UI_COOKIES = {
  open: 'webchat.state.open',
  minimized: 'webchat.state.minimized',
  metaData: 'webchat.metaData',
  inviteOff: 'webchat.autoInvite.disabled',
  unread: 'webchat.state.unreadMessages',
  lastRead: 'webchat.state.lastMessageCountRead',
  asyncUnread: 'webchat.state.asyncUnreadMessageCount',
} as const;
