import { logout, type Agent } from '../api';
import type { Connection } from '../events';
import { useNotificationPermission } from '../notifications';

const CONNECTION_LABEL: Record<Connection, string> = {
  open: 'Live',
  connecting: 'Connecting…',
  closed: 'Offline — reconnecting',
};

export function TopBar({ agent, connection, onLogout }: {
  agent: Agent;
  connection: Connection;
  onLogout: () => void;
}) {
  const [canAsk, askToNotify] = useNotificationPermission();
  return (
    <header class="topbar">
      <span class="brand">Frontdesk</span>
      <span class={`connection ${connection}`} role="status">{CONNECTION_LABEL[connection]}</span>
      {canAsk && (
        <button type="button" class="ghost notify" onClick={askToNotify}>Notify me of new chats</button>
      )}
      <span class="agent-name">{agent.display_name}</span>
      <button type="button" class="ghost" onClick={() => void logout().finally(onLogout)}>Sign out</button>
    </header>
  );
}
