/**
 * Downloads for transports whose files need the session's token in a header (a plain link
 * cannot carry it, and a token never goes in a URL): fetch the bytes, then save them through
 * a `blob:` link. The file is never opened as a page.
 */
import { isRecord } from '../../core/common';

/**
 * A refused download. Its HTTP status is `fileStatus`, not `status`: a 404 here means "no such
 * file in this chat", which must not read as a lost session (transports' `isLost`).
 */
export interface DownloadError {
  fileStatus: number;
  code: string;
  message: string;
}

/** The file name of a `Content-Disposition` header (the UTF-8 form first). */
export function dispositionName(header: string | null): string {
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header ?? '');
  if (utf8) {
    try {
      return decodeURIComponent(utf8[1]!.trim());
    } catch {
      // A broken encoding falls through to the plain form.
    }
  }
  return /filename="([^"]*)"/i.exec(header ?? '')?.[1] ?? 'download';
}

/** GET `url` with `headers` and save the answer under the server's file name. */
export async function saveDownload(
  win: Window,
  fetchFn: typeof fetch,
  url: string,
  headers: Record<string, string>,
): Promise<{ name: string }> {
  let response: Response;
  try {
    response = await fetchFn(url, { headers, credentials: 'omit' });
  } catch (error) {
    throw { fileStatus: 0, code: 'network', message: String(error) } satisfies DownloadError;
  }
  if (!response.ok) {
    let envelope: unknown;
    try {
      envelope = ((await response.json()) as Record<string, unknown>)['error'];
    } catch {
      envelope = undefined;
    }
    const given = isRecord(envelope) ? envelope : {};
    throw {
      fileStatus: response.status,
      code: typeof given['code'] === 'string' ? given['code'] : `http_${response.status}`,
      message: typeof given['message'] === 'string' ? given['message'] : response.statusText,
    } satisfies DownloadError;
  }
  const name = dispositionName(response.headers.get('Content-Disposition'));
  const link = win.document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = name;
  win.document.body.appendChild(link);
  link.click();
  link.remove();
  // The browser has read the blob once the click is handled.
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  return { name };
}
