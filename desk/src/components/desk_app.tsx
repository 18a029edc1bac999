import { useEffect, useMemo, useState } from 'preact/hooks';
import { logout, type Agent } from '../api';
import { DeskStore, type DeskState } from '../desk_store';
import { openEvents } from '../events';
import { useNotificationPermission, useQueueNotifications } from '../notifications';
import { unreadCount } from '../threads';
import { ConversationPane } from './conversation_pane';
import { Sidebar } from './sidebar';
import { VisitorContext } from './visitor_context';

const TITLE = 'Frontdesk · Agent desk';
const QUEUE_POLL_MS = 4_000;

function useStore(store: DeskStore): DeskState {
  const [state, setState] = useState(store.state);
  useEffect(() => store.subscribe(() => setState(store.state)), [store]);
  return state;
}

/** "(3) Frontdesk · Agent desk" when visitors wait or unread messages are there. */
function useTitleBadge(state: DeskState): void {
  const waiting =
    state.queue.length + state.mine.reduce((sum, id) => sum + unreadCount(state.threads[id], state.seen[id] ?? 0), 0);
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) ${TITLE}` : TITLE;
  }, [waiting]);
}

export function DeskApp({ agent, onLogout }: { agent: Agent; onLogout: () => void }) {
  const store = useMemo(() => new DeskStore(agent), [agent]);
  const state = useStore(store);
  useTitleBadge(state);
  useQueueNotifications(state);
  const [canAsk, askToNotify] = useNotificationPermission();

  useEffect(() => {
    const close = openEvents({
      onEvent: (event) => store.handle(event),
      onConnection: (connection) => store.setConnection(connection),
      onUnauthorized: onLogout,
    });
    const poll = window.setInterval(() => store.pollQueue(), QUEUE_POLL_MS);
    const visible = (): void => store.visibilityChanged();
    document.addEventListener('visibilitychange', visible);
    return () => {
      close();
      window.clearInterval(poll);
      document.removeEventListener('visibilitychange', visible);
      store.dispose();
      document.title = TITLE;
    };
  }, [store]);

  const selected = state.selected ? (state.threads[state.selected]?.conversation ?? state.conversations[state.selected]) : undefined;
  return (
    <div class={`desk ${state.selected ? 'has-selection' : ''}`}>
      <header class="topbar">
        <span class="brand">Frontdesk</span>
        <span class={`connection ${state.connection}`} role="status">
          {state.connection === 'open' ? 'Live' : state.connection === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}
        </span>
        {canAsk && (
          <button type="button" class="ghost notify" onClick={askToNotify}>Notify me of new chats</button>
        )}
        <span class="agent-name">{agent.display_name}</span>
        <button type="button" class="ghost" onClick={() => void logout().finally(onLogout)}>Sign out</button>
      </header>
      {state.notice && (
        <div class="notice" role="alert">
          <span>{state.notice}</span>
          <button type="button" class="ghost" aria-label="Dismiss" onClick={() => store.dismissNotice()}>×</button>
        </div>
      )}
      <Sidebar store={store} state={state} />
      <main class="centre">
        {state.selected ? (
          <ConversationPane store={store} state={state} id={state.selected} />
        ) : (
          <div class="placeholder">
            <h1>Hello, {agent.display_name}</h1>
            <p>Pick a chat on the left, or accept one from the queue.</p>
          </div>
        )}
      </main>
      {selected ? <VisitorContext conversation={selected} /> : <aside class="context empty-context" aria-label="Visitor" />}
    </div>
  );
}
