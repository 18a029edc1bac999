import { useLayoutEffect, useRef } from 'preact/hooks';
import { fileUrl, type Message } from '../api';
import { fileDetails, sharedFile } from '../files';
import { clockTime, dateTime } from '../time';

function systemText(message: Message): string {
  const who = message.member?.display_name || 'Someone';
  switch (message.kind) {
    case 'member-join':
      return message.member?.role === 'CUSTOMER' ? `${who} started the chat` : `${who} joined`;
    case 'member-leave':
      return `${who} left`;
    case 'user-data-updated':
      return 'The visitor’s details were updated';
    default:
      return message.text;
  }
}

/**
 * A shared file as a download link. The name is the sender's text: it is only ever rendered as
 * text and given to `download`, never used to build the address.
 */
function Attachment({ message, onDownload }: { message: Message; onDownload: OnDownload }) {
  const file = sharedFile(message);
  if (!file) return <p class="text">{message.text}</p>;
  return (
    <p class="attachment">
      <a
        href={fileUrl(file.id)}
        download={file.name}
        onClick={(event) => {
          // Fetched first, so a deleted file shows the server's reason instead of a failed download.
          event.preventDefault();
          onDownload(file.id, file.name);
        }}
      >
        <span aria-hidden="true">📎 </span>
        <span class="file-name">{file.name}</span>
      </a>
      <span class="file-details">{fileDetails(file)}</span>
    </p>
  );
}

type OnDownload = (fileId: string, name: string) => void;

function Line({ message, onDownload }: { message: Message; onDownload: OnDownload }) {
  const time = (
    <time dateTime={message.created_at} title={dateTime(message.created_at)}>
      {clockTime(message.created_at)}
    </time>
  );
  if (message.kind !== 'text' && message.kind !== 'file') {
    return (
      <li class="line system" data-index={message.index}>
        <span class="text">{systemText(message)}</span> {time}
      </li>
    );
  }
  const side = message.member?.role === 'CUSTOMER' ? 'visitor' : 'agent';
  return (
    <li class={`line ${side} ${message.kind}`} data-index={message.index}>
      <div class="bubble">
        <span class="who">
          {message.member?.display_name || (side === 'visitor' ? 'Visitor' : 'Agent')}
        </span>
        {message.kind === 'file' ? (
          <Attachment message={message} onDownload={onDownload} />
        ) : (
          <p class="text">{message.text}</p>
        )}
      </div>
      {time}
    </li>
  );
}

/** The messages, newest at the bottom; stays scrolled to the end unless the agent scrolled up. */
export function Transcript({
  messages,
  label,
  onDownload,
}: {
  messages: Message[];
  label: string;
  onDownload: OnDownload;
}) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const element = list.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [messages]);
  return (
    <ol
      class="transcript"
      ref={list}
      role="log"
      aria-label={label}
      aria-live="polite"
      tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      }}
    >
      {messages.map((message) => (
        <Line key={message.index} message={message} onDownload={onDownload} />
      ))}
    </ol>
  );
}
