import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { me, type Agent } from './api';
import { DeskApp } from './components/desk_app';
import { LoginForm } from './components/login_form';

function Desk() {
  const [agent, setAgent] = useState<Agent | null | undefined>(undefined);
  useEffect(() => {
    me().then(
      (reply) => setAgent(reply.agent),
      () => setAgent(null),
    );
  }, []);
  if (agent === undefined) return null;
  return agent ? (
    <DeskApp agent={agent} onLogout={() => setAgent(null)} />
  ) : (
    <LoginForm onLogin={setAgent} />
  );
}

const root = document.getElementById('desk');
if (root) render(<Desk />, root);
