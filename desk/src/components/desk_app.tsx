import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Agent } from '../api';
import { CallStore } from '../calls';
import type { DeskState } from '../desk_state';
import { DeskStore } from '../desk_store';
import { openEvents } from '../events';
import { useQueueNotifications } from '../notifications';
import { unreadCount } from '../threads';
import { CallPops } from './call_pops';
import { ConversationPane } from './conversation_pane';
import { KnowledgeView } from './knowledge_view';
import { Sidebar } from './sidebar';
import { TopBar, type View } from './top_bar';
import { VisitorContext } from './visitor_context';

const TITLE = 'Frontdesk · Agent desk';

function useStore(store: DeskStore): DeskState {
  const [state, setState] = useState(store.state);
  useEffect(() => store.subscribe(() => setState(store.state)), [store]);
  return state;
}

/** "(3) Frontdesk · Agent desk" when visitors wait or unread messages are there. */
function useTitleBadge(state: DeskState): void {
  const waiting =
    state.queue.length +
    state.mine.reduce((sum, id) => sum + unreadCount(state.threads[id], state.seen[id] ?? 0), 0);
  useEffect(() => {
    document.title = waiting > 0 ? `(${waiting}) ${TITLE}` : TITLE;
  }, [waiting]);
}

/** The event stream feeds the store for as long as the desk is shown. */
function useLiveStore(store: DeskStore, calls: CallStore, onLogout: () => void): void {
  useEffect(() => {
    const close = openEvents({
      onEvent: (event) => {
        store.handle(event);
        calls.handle(event);
      },
      onConnection: (connection) => store.setConnection(connection),
      onUnauthorized: onLogout,
    });
    const visible = (): void => store.visibilityChanged();
    document.addEventListener('visibilitychange', visible);
    return () => {
      close();
      document.removeEventListener('visibilitychange', visible);
      store.dispose();
      document.title = TITLE;
    };
  }, [store]);
}

export function DeskApp({ agent, onLogout }: { agent: Agent; onLogout: () => void }) {
  const store = useMemo(() => new DeskStore(agent), [agent]);
  const state = useStore(store);
  useTitleBadge(state);
  useQueueNotifications(state);
  const calls = useMemo(() => new CallStore(agent.id), [agent]);
  useLiveStore(store, calls, onLogout);
  // Only admins manage knowledge (the server refuses everyone else); chats keep running meanwhile.
  const [view, setView] = useState<View>('chats');
  const knowledge = agent.role === 'admin' && view === 'knowledge';

  const selected = state.selected
    ? (state.threads[state.selected]?.conversation ?? state.conversations[state.selected])
    : undefined;
  return (
    <div class={`desk ${state.selected && !knowledge ? 'has-selection' : ''}`}>
      <TopBar
        agent={agent}
        connection={state.connection}
        onLogout={onLogout}
        view={view}
        onView={agent.role === 'admin' ? setView : undefined}
      />
      {state.notice && (
        <div class="notice" role="alert">
          <span>{state.notice}</span>
          <button
            type="button"
            class="ghost"
            aria-label="Dismiss"
            onClick={() => store.dismissNotice()}
          >
            ×
          </button>
        </div>
      )}
      <CallPops store={calls} />
      {knowledge ? (
        <KnowledgeView />
      ) : (
        <>
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
          {selected ? (
            <VisitorContext conversation={selected} />
          ) : (
            <aside class="context empty-context" aria-label="Visitor" />
          )}
        </>
      )}
    </div>
  );
}
