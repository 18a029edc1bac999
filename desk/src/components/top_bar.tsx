import { logout, type Agent } from '../api';
import type { Connection } from '../events';
import { useNotificationPermission } from '../notifications';

const CONNECTION_LABEL: Record<Connection, string> = {
  open: 'Live',
  connecting: 'Connecting…',
  closed: 'Offline — reconnecting',
};

export type View = 'chats' | 'knowledge';

export function TopBar({
  agent,
  connection,
  onLogout,
  view,
  onView,
}: {
  agent: Agent;
  connection: Connection;
  onLogout: () => void;
  view?: View;
  /** Given for admins only: they switch between the chats and the knowledge bases. */
  onView?: ((view: View) => void) | undefined;
}) {
  const [canAsk, askToNotify] = useNotificationPermission();
  return (
    <header class="topbar">
      <span class="brand">Frontdesk</span>
      <span class={`connection ${connection}`} role="status">
        {CONNECTION_LABEL[connection]}
      </span>
      {onView && (
        <nav class="views" aria-label="Views">
          {(['chats', 'knowledge'] as const).map((name) => (
            <button
              key={name}
              type="button"
              class="ghost"
              aria-current={view === name ? 'page' : undefined}
              onClick={() => onView(name)}
            >
              {name === 'chats' ? 'Chats' : 'Knowledge'}
            </button>
          ))}
        </nav>
      )}
      {canAsk && (
        <button type="button" class="ghost notify" onClick={askToNotify}>
          Notify me of new chats
        </button>
      )}
      <span class="agent-name">{agent.display_name}</span>
      <button type="button" class="ghost" onClick={() => void logout().finally(onLogout)}>
        Sign out
      </button>
    </header>
  );
}
