/**
 * Files shared in a chat, as WebChat shows them. Each transport carries a file in its own shape
 * (REST polling: a `FileUploaded` entry; purecloud-v2-sockets: an `attachment`; pureengage-v3-rest:
 * a `content` object), so the file is read from the server's original message. Only a checked id
 * and the name (always shown as text) are kept: the widget never builds a URL from a message, the
 * download goes through `WebChatService.downloadFile`, which knows the session's credentials.
 */
import { isRecord } from '../../core/common';

export interface SharedFile {
  id: string;
  name: string;
  size: number;
}

/** Server file ids are UUIDs; anything else in a message is not a file we can fetch. */
const FILE_ID = /^[A-Za-z0-9-]{1,64}$/;
const MAX_NAME = 255;

function fileFrom(id: unknown, name: unknown, size: unknown): SharedFile | undefined {
  if (typeof id !== 'string' || !FILE_ID.test(id)) return undefined;
  const bytes = Number(size);
  const shown = typeof name === 'string' && name.trim() !== '' ? name.slice(0, MAX_NAME) : id;
  return { id, name: shown, size: Number.isFinite(bytes) && bytes >= 0 ? bytes : 0 };
}

/** The file `original` (a transport's own message) shares, if any. */
export function fileOf(original: unknown): SharedFile | undefined {
  if (!isRecord(original)) return undefined;
  const data = original['userData'];
  if (original['type'] === 'FileUploaded' && isRecord(data)) {
    return fileFrom(data['file-id'], data['file-name'] ?? original['text'], data['file-size']);
  }
  const attachment = original['attachment'];
  if (isRecord(attachment))
    return fileFrom(attachment['id'], attachment['name'], attachment['size']);
  const content = original['content'];
  if (isRecord(content) && typeof content['url'] === 'string') {
    return fileFrom(content['url'].split('/').pop(), content['name'], content['size']);
  }
  return undefined;
}

/** A short size for people: 980 B, 12 KB, 3.4 MB. */
export function sizeText(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1e6) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
