import { useLayoutEffect, useRef } from 'preact/hooks';
import type { Message } from '../api';
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

function Line({ message }: { message: Message }) {
  const time = (
    <time dateTime={message.created_at} title={dateTime(message.created_at)}>
      {clockTime(message.created_at)}
    </time>
  );
  if (message.kind !== 'text') {
    return (
      <li class="line system" data-index={message.index}>
        <span class="text">{systemText(message)}</span> {time}
      </li>
    );
  }
  const side = message.member?.role === 'CUSTOMER' ? 'visitor' : 'agent';
  return (
    <li class={`line ${side}`} data-index={message.index}>
      <div class="bubble">
        <span class="who">{message.member?.display_name || (side === 'visitor' ? 'Visitor' : 'Agent')}</span>
        <p class="text">{message.text}</p>
      </div>
      {time}
    </li>
  );
}

/** The messages, newest at the bottom; stays scrolled to the end unless the agent scrolled up. */
export function Transcript({ messages, label }: { messages: Message[]; label: string }) {
  const list = useRef<HTMLOListElement>(null);
  const pinned = useRef(true);
  useLayoutEffect(() => {
    const element = list.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [messages]);
  return (
    <ol class="transcript" ref={list} role="log" aria-label={label} aria-live="polite" tabIndex={0}
      onScroll={(event) => {
        const element = event.currentTarget;
        pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 40;
      }}>
      {messages.map((message) => <Line key={message.index} message={message} />)}
    </ol>
  );
}
