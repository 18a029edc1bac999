/** WebChatService's rejection reasons: callers match on these strings, so they never change. */
export const ACTIVE = 'There is already an active chat session';
export const NO_SESSION = 'There is no active chat session';
export const NO_SESSION_FILTERED = 'No active chat session.';
export const NO_TEXT = 'No message text provided';
export const MALFORMED = 'malformed JSON provided in userData property';
export const TOO_LONG = (max: number): string =>
  `Message length exceeds configured threshold of (${max}) characters`;
export const NO_NOTICES = "This transport doesn't support sendCustomNotice command.";
export const NO_FILES = "This transport doesn't support file uploads.";
export const BAD_FILTERS =
  'Missing or invalid filters provided. Please provide a regular ' +
  'expression or an array of regular expressions';
export const FILTERS_FULL = 'Too many pre-filters: the filter list no longer fits its cookie.';
export const NO_PREPROCESSOR = 'No preprocessor function provided.';
export const RESTORING = 'Already restoring. Ignoring request.';
export const ALREADY_ACTIVE = 'Chat session is already active, ignoring restore command.';
export const NOTHING_TO_RESTORE = 'No chat session found to restore.';
export const NO_USERDATA_UPDATE =
  "This transport doesn't support updating userData during an active chat.";
export const NO_HISTORY = 'Fetching messages history applies to only Asynchronous chat.';
export const UNKNOWN_TRANSPORT = 'Unknown chat transport type.';
export const NO_POLLING = "This transport doesn't support polling.";
export const NOT_POLLING = 'Not currently polling. Ignoring command.';
export const NO_MORE_HISTORY = 'No more messages to fetch';
export const BAD_PREVIEW_INPUT =
  "Invalid value provided for the 'input' property: " + 'give a textarea or a text input element.';
