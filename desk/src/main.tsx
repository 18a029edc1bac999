import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, login, logout, me, type Agent } from './api';

function LoginForm({ onLogin }: { onLogin: (agent: Agent) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError('');
    try {
      onLogin((await login(email, password)).agent);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : 'The server could not be reached.');
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="panel" onSubmit={(event) => void submit(event)} aria-labelledby="title">
      <h1 id="title">Agent desk</h1>
      <p class="sub">Sign in to answer your visitors.</p>
      <label for="email">E-mail</label>
      <input id="email" type="email" autocomplete="username" required value={email}
        onInput={(event) => setEmail(event.currentTarget.value)} />
      <label for="password">Password</label>
      <input id="password" type="password" autocomplete="current-password" required value={password}
        onInput={(event) => setPassword(event.currentTarget.value)} />
      <button type="submit" disabled={busy}>{busy ? 'Signing in…' : 'Sign in'}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}

function SignedIn({ agent, onLogout }: { agent: Agent; onLogout: () => void }) {
  return (
    <section class="panel" aria-labelledby="welcome">
      <h1 id="welcome">Hello, {agent.display_name}</h1>
      <p class="sub">
        Signed in as {agent.email} <span class="role">{agent.role}</span>
      </p>
      <p>The chat queue and conversations appear here once WebChat is enabled on this server.</p>
      <button type="button" class="secondary" onClick={() => void logout().finally(onLogout)}>
        Sign out
      </button>
    </section>
  );
}

function Desk() {
  const [agent, setAgent] = useState<Agent | null | undefined>(undefined);
  useEffect(() => {
    me().then((reply) => setAgent(reply.agent), () => setAgent(null));
  }, []);
  if (agent === undefined) return null;
  return agent ? <SignedIn agent={agent} onLogout={() => setAgent(null)} /> : <LoginForm onLogin={setAgent} />;
}

const root = document.getElementById('desk');
if (root) render(<Desk />, root);
