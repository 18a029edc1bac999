/** Pure helpers for shared files: the server's limits in words, checks before upload, file messages. */

import type { FileLimits, Message } from './api';

const TYPE_NAMES: Record<string, string> = {
  'image/png': 'PNG',
  'image/jpeg': 'JPEG',
  'image/gif': 'GIF',
  'image/webp': 'WebP',
  'application/pdf': 'PDF',
  'text/plain': 'plain text',
};

/** "512 bytes", "48 KB", "10 MB" (binary units, as the server counts). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const shown =
    value >= 10 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10;
  return `${shown} ${units[unit]}`;
}

/** "PNG, JPEG, PDF or plain text". */
export function describeTypes(types: readonly string[]): string {
  const names = types.map((type) => TYPE_NAMES[type] ?? type);
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

/** The hint under the reply box: what may be shared. */
export function limitsHint(limits: FileLimits): string {
  return `Files up to ${formatBytes(limits.max_bytes)}: ${describeTypes(limits.types)}`;
}

/**
 * Why a file cannot be sent, before uploading it, or null when the server should decide.
 * Only what the browser knows for sure is checked here: the type is judged by content, on the server.
 */
export function fileProblem(
  file: { name: string; size: number },
  limits: FileLimits | null,
): string | null {
  if (file.size === 0) return `${file.name} is empty.`;
  if (limits && file.size > limits.max_bytes) {
    return `${file.name} is larger than ${formatBytes(limits.max_bytes)}.`;
  }
  return null;
}

export interface SharedFile {
  id: string;
  name: string;
  size: number;
  type: string;
}

/** A file message's file, or null when its data is not the shape the server writes. */
export function sharedFile(message: Message): SharedFile | null {
  if (message.kind !== 'file' || !message.data) return null;
  const { file_id: id, name, size, type } = message.data;
  if (typeof id !== 'string' || !/^[A-Za-z0-9-]{1,64}$/.test(id)) return null;
  return {
    id,
    name: typeof name === 'string' && name ? name : message.text || 'file',
    size: typeof size === 'number' ? size : 0,
    type: typeof type === 'string' ? type : '',
  };
}

/** "PNG · 48 KB". */
export function fileDetails(file: SharedFile): string {
  const kind = TYPE_NAMES[file.type] ?? (file.type || 'file');
  return `${kind.charAt(0).toUpperCase()}${kind.slice(1)} · ${formatBytes(file.size)}`;
}
