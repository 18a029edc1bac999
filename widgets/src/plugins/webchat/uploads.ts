/**
 * Sending and fetching files in the WebChat window (`webchat.uploadsEnabled`). The "send file"
 * button shows only when the option is on and WebChatService's transport can take files
 * (`capabilities.fileUpload`). Limits and refusals are shown as text in the window; the checks
 * here only save a visitor a useless upload, the server checks every file again by content.
 */
import { h, type ComponentChild } from 'preact';
import { isRecord } from '../../core/common';
import { SERVICE, type WebChat } from './context';
import { sizeText } from './files';
import type { T, WebChatActions, WebChatView } from './view';

export interface Limits {
  maxBytes: number;
  types: string[];
}

/** `getFileLimits`' reply (REST polling: a notice whose userData holds them). */
function limitsOf(reply: unknown): Limits | undefined {
  const entry =
    isRecord(reply) && Array.isArray(reply['messages']) ? (reply['messages'][0] as unknown) : reply;
  const data = isRecord(entry) && isRecord(entry['userData']) ? entry['userData'] : {};
  const maxBytes = Number(data['upload-max-file-size']);
  if (!Number.isFinite(maxBytes) || maxBytes <= 0) return undefined;
  const types =
    typeof data['upload-file-types'] === 'string'
      ? data['upload-file-types']
          .split(':')
          .map((type) => type.trim().toLowerCase())
          .filter(Boolean)
      : [];
  return { maxBytes, types };
}

/** What the visitor may upload, or why not; undefined when the file may go. */
export function refusal(
  file: { name: string; size: number },
  limits: Limits | undefined,
  t: T,
): string | undefined {
  if (!limits) return undefined;
  if (file.size > limits.maxBytes) return t('FileTooLarge', { Size: sizeText(limits.maxBytes) });
  const dot = file.name.lastIndexOf('.');
  const type = dot >= 0 ? file.name.slice(dot + 1).toLowerCase() : '';
  if (limits.types.length && !limits.types.includes(type))
    return t('FileTypeRefused', { Types: limits.types.join(', ') });
  return undefined;
}

/** Follow the service's capabilities: the button, and the limits once a chat runs. */
export function followUploads(c: WebChat): void {
  const refresh = (): void => {
    const capabilities = c.plugin.data(`${SERVICE}.capabilities`);
    const on =
      c.option('uploadsEnabled') === true &&
      isRecord(capabilities) &&
      capabilities['fileUpload'] === true;
    c.view.uploads = on;
    if (!on || !c.active || c.view.limits) return c.draw();
    c.plugin
      .command(`${SERVICE}.getFileLimits`)
      .done((reply: unknown) => {
        c.view.limits = limitsOf(reply);
        c.draw();
      })
      .fail(() => undefined);
    c.draw();
  };
  for (const event of ['capabilitiesChanged', 'started', 'restored']) {
    c.plugin.subscribe(`${SERVICE}.${event}`, refresh);
  }
  c.plugin.subscribe(`${SERVICE}.ended`, () => {
    c.view.limits = undefined;
    c.view.fileNote = '';
  });
}

/** The actions behind the button and the file links. */
export function fileActions(c: WebChat): Pick<WebChatActions, 'chooseFile' | 'download'> {
  const note = (text: string): void => {
    c.view.fileNote = text;
    c.draw();
  };
  const reasonText = (reason: unknown): string =>
    c.t('FileRefused', {
      Reason:
        isRecord(reason) && typeof reason['message'] === 'string'
          ? reason['message']
          : typeof reason === 'string'
            ? reason
            : '',
    });
  return {
    chooseFile(input) {
      const file = input.files?.[0];
      if (!file || !c.active) return;
      const refused = refusal(file, c.view.limits, c.t);
      if (refused) {
        input.value = '';
        return note(refused);
      }
      note(c.t('FileSending', { Name: file.name }));
      c.plugin
        .command(`${SERVICE}.sendFile`, { files: input })
        .done(() => note(''))
        .fail((reason: unknown) => note(reasonText(reason)))
        .always(() => {
          input.value = '';
        });
    },
    download(fileId) {
      c.plugin
        .command(`${SERVICE}.downloadFile`, { fileId })
        .fail((reason: unknown) => note(reasonText(reason)));
    },
  };
}

/** The "send file" button (and its hidden file input), when uploads are on. */
export function uploadButton(view: WebChatView, actions: WebChatActions, t: T): ComponentChild {
  if (!view.uploads) return null;
  return [
    h('input', {
      type: 'file',
      id: 'fd-wc-file',
      hidden: true,
      tabIndex: -1,
      onChange: (event: Event) => actions.chooseFile(event.currentTarget as HTMLInputElement),
    }),
    h(
      'button',
      {
        type: 'button',
        class: 'fd-plain fd-wc-attach',
        'aria-describedby': view.limits ? 'fd-wc-limits' : undefined,
        onClick: (event: Event) =>
          (event.currentTarget as HTMLElement).parentElement
            ?.querySelector<HTMLInputElement>('#fd-wc-file')
            ?.click(),
      },
      t('SendFile'),
    ),
  ];
}

/** The limits and the last refusal, as text under the message box. */
export function fileNotes(view: WebChatView, t: T): ComponentChild {
  // A failed download shows here too, with or without uploads.
  if (!view.uploads && !view.fileNote) return null;
  return [
    view.limits
      ? h(
          'p',
          { id: 'fd-wc-limits', class: 'fd-wc-note' },
          t('FileLimits', {
            Size: sizeText(view.limits.maxBytes),
            Types: view.limits.types.join(', '),
          }),
        )
      : null,
    h('p', { class: 'fd-wc-note fd-wc-file-note', role: 'status' }, view.fileNote),
  ];
}
