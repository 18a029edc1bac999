import { useEffect, useRef, useState } from 'preact/hooks';
import { sendTyping, type FileLimits } from '../api';
import type { DeskStore } from '../desk_store';
import { limitsHint } from '../files';
import { AttachButton, useFileDrop } from './attach';

/** After this long without a keystroke the visitor is told the agent stopped typing. */
const TYPING_IDLE_MS = 3_000;
const MAX_LENGTH = 10_000;

/** Tells the server "typing" once per burst of keystrokes and "stopped" after a pause or a send. */
function useTypingSignal(conversationId: string) {
  const typing = useRef(false);
  const idle = useRef<number | undefined>(undefined);

  const stop = (): void => {
    window.clearTimeout(idle.current);
    if (!typing.current) return;
    typing.current = false;
    sendTyping(conversationId, false).catch(() => undefined);
  };

  const keystroke = (): void => {
    if (!typing.current) {
      typing.current = true;
      sendTyping(conversationId, true).catch(() => undefined);
    }
    window.clearTimeout(idle.current);
    idle.current = window.setTimeout(stop, TYPING_IDLE_MS);
  };

  useEffect(() => stop, [conversationId]);
  return { keystroke, stop };
}

/** Sends files one after another; says which one is on its way and why any was refused. */
function useUploads(store: DeskStore, conversationId: string) {
  const [sending, setSending] = useState('');
  const [problems, setProblems] = useState<string[]>([]);
  useEffect(() => setProblems([]), [conversationId]);
  const upload = async (files: File[]): Promise<void> => {
    setProblems([]);
    const refused: string[] = [];
    for (const file of files) {
      setSending(file.name);
      const problem = await store.sendFile(conversationId, file);
      if (problem) refused.push(problem);
    }
    setSending('');
    setProblems(refused);
  };
  return { sending, problems, upload: (files: File[]) => void upload(files) };
}

interface Props {
  store: DeskStore;
  conversationId: string;
  limits: FileLimits | null;
}

export function Composer({ store, conversationId, limits }: Props) {
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const typing = useTypingSignal(conversationId);
  const uploads = useUploads(store, conversationId);
  const [dropping, dropHandlers] = useFileDrop(uploads.upload);

  useEffect(() => {
    setText('');
    field.current?.focus();
  }, [conversationId]);

  const send = async (): Promise<void> => {
    const body = text.trim();
    if (!body || busy) return;
    setBusy(true);
    typing.stop();
    if (await store.send(conversationId, body)) setText('');
    setBusy(false);
    field.current?.focus();
  };

  return (
    <form
      class={`composer ${dropping ? 'dropping' : ''}`}
      {...dropHandlers}
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <label for="reply" class="visually-hidden">
        Reply
      </label>
      <div class="field">
        <textarea
          id="reply"
          ref={field}
          rows={2}
          maxLength={MAX_LENGTH}
          value={text}
          placeholder="Type a reply, or drop a file here…"
          aria-describedby="reply-hint file-hint"
          onInput={(event) => {
            setText(event.currentTarget.value);
            if (event.currentTarget.value) typing.keystroke();
            else typing.stop();
          }}
          onBlur={typing.stop}
          onKeyDown={(event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
              event.preventDefault();
              void send();
            }
          }}
        />
        <p class="hint" id="reply-hint">
          Enter sends · Shift+Enter starts a new line
        </p>
        <p class="hint" id="file-hint">
          {limits ? limitsHint(limits) : ''}
        </p>
        <p class="uploading" role="status">
          {uploads.sending ? `Sending ${uploads.sending}…` : ''}
        </p>
        {uploads.problems.length > 0 && (
          <div class="upload-errors" role="alert">
            {uploads.problems.map((problem, n) => (
              <p key={n}>{problem}</p>
            ))}
          </div>
        )}
      </div>
      <AttachButton onFiles={uploads.upload} disabled={uploads.sending !== ''} />
      <button type="submit" class="primary" disabled={busy || !text.trim()}>
        Send
      </button>
    </form>
  );
}
