/** What `sendFile` may be given as `files`: a file input element, a FileList, an array or a File. */
import { isRecord } from '../../core/common';

export const NO_FILE = 'No file provided: give a file input element with a file chosen.';

const isFile = (value: unknown): value is File =>
  isRecord(value) &&
  typeof value['name'] === 'string' &&
  typeof value['size'] === 'number' &&
  typeof value['slice'] === 'function';

/** The first file of `given`, checked by shape so that elements of other frames pass too. */
export function firstFile(given: unknown): File | undefined {
  if (isFile(given)) return given;
  if (!isRecord(given)) return undefined;
  const list = 'files' in given ? given['files'] : given;
  const first = isRecord(list) || Array.isArray(list) ? (list as ArrayLike<unknown>)[0] : undefined;
  return isFile(first) ? first : undefined;
}
