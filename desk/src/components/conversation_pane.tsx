import { useEffect, useState } from 'preact/hooks';
import type { DeskState } from '../desk_state';
import type { DeskStore } from '../desk_store';
import {
  assignedAgentName,
  nextTypingExpiry,
  typingLine,
  typingNames,
  typingPreview,
  visitorName,
  type Thread,
} from '../threads';
import { dateTime } from '../time';
import { Composer } from './composer';
import { Transcript } from './transcript';

function EndChat({ onEnd }: { onEnd: () => void }) {
  const [confirming, setConfirming] = useState(false);
  if (!confirming) {
    return (
      <button type="button" class="danger-outline" onClick={() => setConfirming(true)}>
        End chat
      </button>
    );
  }
  return (
    <div class="confirm" role="group" aria-label="Confirm ending the chat">
      <span>End this chat?</span>
      <button
        type="button"
        class="danger"
        autoFocus
        onClick={() => {
          setConfirming(false);
          onEnd();
        }}
      >
        Yes, end it
      </button>
      <button type="button" class="ghost" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </div>
  );
}

const ENDED_BY: Record<string, string> = {
  visitor: 'the visitor left',
  agent: 'ended by an agent',
  inactivity: 'no activity',
};

/** Redraws when the next typing indicator lapses, even if no further event arrives. */
function useTypingRedraw(thread: Thread | undefined): number {
  const [, redraw] = useState(0);
  const now = Date.now();
  const next = thread ? nextTypingExpiry([thread]) : Infinity;
  useEffect(() => {
    if (!Number.isFinite(next) || next <= Date.now()) return undefined;
    const timer = window.setTimeout(() => redraw((n) => n + 1), next - Date.now() + 20);
    return () => window.clearTimeout(timer);
  }, [next]);
  return now;
}

export function ConversationPane({
  store,
  state,
  id,
}: {
  store: DeskStore;
  state: DeskState;
  id: string;
}) {
  const thread = state.threads[id];
  const conversation = thread?.conversation ?? state.conversations[id];
  const now = useTypingRedraw(thread);
  if (!conversation) return <p class="placeholder">Loading…</p>;
  const name = visitorName(conversation);
  const mine = conversation.state === 'active' && conversation.agent_id === store.agent.id;
  const watching = conversation.state === 'active' && !mine;
  const agentName = assignedAgentName(thread);
  return (
    <section class="conversation" aria-labelledby="conversation-title">
      <header class="conversation-head">
        <button type="button" class="ghost back" onClick={() => store.select(null)}>
          ← Chats
        </button>
        <div class="title-block">
          <h2 id="conversation-title">{name}</h2>
          <p class="sub">
            {conversation.visitor.subject && <span>{conversation.visitor.subject} · </span>}
            <span class={`state ${conversation.state}`}>{conversation.state}</span>
          </p>
        </div>
        {mine && <EndChat onEnd={() => void store.end(id)} />}
        {conversation.state === 'queued' && (
          <button type="button" class="primary" onClick={() => void store.accept(id)}>
            Accept
          </button>
        )}
      </header>
      <Transcript
        messages={thread?.messages ?? []}
        label={`Conversation with ${name}`}
        onDownload={(fileId, fileName) => void store.download(fileId, fileName)}
      />
      <p class="typing" aria-live="polite">
        {typingLine(typingNames(thread, now))}
      </p>
      {/* Hostile visitor text: a text node only, never markup. */}
      {typingPreview(thread, now) && (
        <p class="typing-preview" title="Not sent yet">
          {typingPreview(thread, now)}
        </p>
      )}
      {mine && <Composer store={store} conversationId={id} limits={state.fileLimits} />}
      {watching && (
        <p class="watching-note">
          You are watching this chat live, read-only
          {agentName ? `: only ${agentName} can reply` : ''}.
        </p>
      )}
      {conversation.state === 'ended' && (
        <p class="ended-note">
          Ended {conversation.ended_at ? dateTime(conversation.ended_at) : ''}
          {conversation.ended_reason
            ? ` (${ENDED_BY[conversation.ended_reason] ?? conversation.ended_reason})`
            : ''}
          . This transcript is read-only.
        </p>
      )}
    </section>
  );
}
