import { useEffect, useState } from 'preact/hooks';
import { chatHistory, type HistoryItem } from '../calls';
import { dateTime } from '../time';

/** A visitor's other chats and calls, newest first; `null` while loading. */
export function HistoryList({ history }: { history: HistoryItem[] | null }) {
  if (history === null) return <p class="empty">Loading…</p>;
  if (history.length === 0) return <p class="empty">Nothing before.</p>;
  return (
    <ul class="history" aria-label="Chats and calls">
      {history.map((item) => (
        <li key={`${item.kind}-${item.id}`}>
          <span class={`history-kind ${item.kind}`}>{item.kind === 'chat' ? 'Chat' : 'Call'}</span>{' '}
          <span>{dateTime(item.at)}</span>
          {item.summary && <span class="sub"> · {item.summary}</span>}
          <span class="sub"> · {item.state}</span>
        </li>
      ))}
    </ul>
  );
}

/** The chats and calls of the visitor of a conversation (matched by e-mail and phone number). */
export function VisitorHistory({ conversationId }: { conversationId: string }) {
  const [history, setHistory] = useState<HistoryItem[] | null>(null);
  useEffect(() => {
    let current = true;
    setHistory(null);
    chatHistory(conversationId).then(
      (reply) => current && setHistory(reply.history),
      () => current && setHistory([]),
    );
    return () => {
      current = false;
    };
  }, [conversationId]);
  return (
    <>
      <h3>Chats and calls</h3>
      <HistoryList history={history} />
    </>
  );
}
