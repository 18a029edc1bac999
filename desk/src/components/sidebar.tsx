import type { ComponentChildren } from 'preact';
import type { Conversation, Preview } from '../api';
import type { DeskState } from '../desk_state';
import type { DeskStore } from '../desk_store';
import { unreadCount, visitorName, type Thread } from '../threads';
import { dateTime, useNow, waited } from '../time';

interface Props {
  store: DeskStore;
  state: DeskState;
}

function StatusToggle({ store, state }: Props) {
  const status = state.presence?.status ?? 'away';
  const available = status === 'available';
  return (
    <div class="status">
      <button
        type="button"
        role="switch"
        aria-checked={available}
        aria-label="Available for chats"
        class={`switch ${available ? 'on' : ''}`}
        disabled={!state.presence}
        onClick={() => void store.setStatus(available ? 'away' : 'available')}
      >
        <span class="knob" aria-hidden="true" />
      </button>
      <span class={`status-label ${status}`}>{available ? 'Available' : 'Away'}</span>
      {state.presence && (
        <span class="load" title="Active chats / capacity">
          {state.presence.active}/{state.presence.capacity}
        </span>
      )}
    </div>
  );
}

/** The newest message in one line: who said it (unless the visitor, whose name heads the item) and what. */
function Snippet({
  store,
  preview,
  thread,
}: {
  store: DeskStore;
  preview: Preview | undefined;
  thread: Thread | undefined;
}) {
  if (!preview) return null;
  const member = preview.member;
  const byMe =
    thread?.members.some((m) => m.id === member?.id && m.agent_id === store.agent.id) ?? false;
  const who = !member || member.role === 'CUSTOMER' ? '' : byMe ? 'You' : member.display_name;
  return (
    <span class="snippet" title={dateTime(preview.created_at)}>
      {who && <span class="snippet-who">{who}: </span>}
      {preview.kind === 'file' && <span aria-label="File">📎 </span>}
      {preview.text}
    </span>
  );
}

function QueueItem({
  store,
  state,
  conversation,
  now,
}: Props & { conversation: Conversation; now: number }) {
  const name = visitorName(conversation);
  return (
    <li class="item queued">
      <div class="item-main">
        <span class="name">{name}</span>
        <span class="meta" title={dateTime(conversation.created_at)}>
          waiting {waited(conversation.created_at, now)}
        </span>
      </div>
      {conversation.visitor.subject && <div class="subject">{conversation.visitor.subject}</div>}
      <Snippet
        store={store}
        preview={state.previews[conversation.id]}
        thread={state.threads[conversation.id]}
      />
      <button
        type="button"
        class="primary small"
        aria-label={`Accept chat with ${name}`}
        onClick={() => void store.accept(conversation.id)}
      >
        Accept
      </button>
    </li>
  );
}

function ChatLink({
  store,
  state,
  conversation,
  now,
}: Props & { conversation: Conversation; now: number }) {
  const name = visitorName(conversation);
  const unread = unreadCount(state.threads[conversation.id], state.seen[conversation.id] ?? 0);
  const selected = state.selected === conversation.id;
  const preview = state.previews[conversation.id];
  const when =
    conversation.state === 'ended' && conversation.ended_at
      ? dateTime(conversation.ended_at)
      : `${waited(preview?.created_at ?? conversation.created_at, now)} ago`;
  return (
    <li class="item">
      <button
        type="button"
        class={`chat-link ${selected ? 'selected' : ''}`}
        aria-current={selected ? 'true' : undefined}
        aria-label={`${name}${unread ? `, ${unread} unread` : ''}`}
        onClick={() => store.select(conversation.id)}
      >
        <span class="item-main">
          <span class="name">{name}</span>
          {unread > 0 && (
            <span class="badge" aria-hidden="true">
              {unread}
            </span>
          )}
        </span>
        {conversation.visitor.subject && (
          <span class="subject">{conversation.visitor.subject}</span>
        )}
        <Snippet store={store} preview={preview} thread={state.threads[conversation.id]} />
        <span class="meta">{when}</span>
      </button>
    </li>
  );
}

function Section({
  id,
  title,
  count,
  children,
  empty,
  more,
}: {
  id: string;
  title: string;
  count: number;
  children: ComponentChildren;
  empty: string;
  more?: ComponentChildren;
}) {
  return (
    <section class="list" aria-labelledby={id}>
      <h2 id={id}>
        {title} <span class="count">{count}</span>
      </h2>
      {count === 0 ? <p class="empty">{empty}</p> : <ul>{children}</ul>}
      {more}
    </section>
  );
}

export function Sidebar({ store, state }: Props) {
  const now = useNow(1000);
  const pick = (ids: string[]): Conversation[] =>
    ids.map((id) => state.conversations[id]).filter((c): c is Conversation => c !== undefined);
  const links = (conversations: Conversation[]) =>
    conversations.map((c) => (
      <ChatLink key={c.id} store={store} state={state} conversation={c} now={now} />
    ));
  const queue = pick(state.queue);
  const mine = pick(state.mine);
  const team = pick(state.team);
  const ended = pick(state.ended);
  return (
    <nav class="sidebar" aria-label="Conversations">
      <StatusToggle store={store} state={state} />
      <Section id="queue-title" title="Queue" count={queue.length} empty="Nobody is waiting.">
        {queue.map((c) => (
          <QueueItem key={c.id} store={store} state={state} conversation={c} now={now} />
        ))}
      </Section>
      <Section id="mine-title" title="My chats" count={mine.length} empty="No active chats.">
        {links(mine)}
      </Section>
      {store.supervising && (
        <Section
          id="team-title"
          title="Team chats"
          count={team.length}
          empty="No other agent is chatting."
        >
          {links(team)}
        </Section>
      )}
      <Section
        id="ended-title"
        title="Ended"
        count={ended.length}
        empty="No past chats yet."
        more={
          state.endedNext && (
            <button type="button" class="ghost more" onClick={() => void store.loadMoreEnded()}>
              Load more
            </button>
          )
        }
      >
        {links(ended)}
      </Section>
    </nav>
  );
}
