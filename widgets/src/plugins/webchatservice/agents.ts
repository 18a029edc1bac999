/**
 * The agents (and bots) of a chat as WebChatService reports them: `getAgents`, the connected
 * and disconnected events, and the agent-typing state that expires by itself.
 */
import type { PluginInterface } from '../../core/types';
import type { ChatMessage, Party } from './messages';

const AGENT_TYPING_MS = 3000;

export interface Agent {
  name: string;
  connected: boolean;
  supervisor: boolean;
  connectedTime: number;
  disconnectedTime: number;
}

export interface Agents {
  /** Record a join or leave of `party`; publishes the matching event. */
  update(party: Party, connected: boolean, message?: ChatMessage): void;
  list(): Record<string, Agent>;
  /** Everyone leaves (the chat ended). */
  disconnectAll(): void;
  reset(): void;
  typing(from: Party): void;
  /** Agent typing is over; `timeout` when it expired rather than a message ended it. */
  stopTyping(timeout: boolean): void;
}

/** `self` is the visitor's own participant id; bot events only with `botEvents()`. */
export function createAgents(
  plugin: PluginInterface,
  self: () => string,
  botEvents: () => boolean,
): Agents {
  let agents: Record<string, Agent> = {};
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const stopTyping = (timeout: boolean): void => {
    if (typingTimer === undefined) return;
    clearTimeout(typingTimer);
    typingTimer = undefined;
    plugin.data('agentTyping', false);
    plugin.publish('agentTypingStopped', {});
    if (timeout) plugin.publish('agentTypingTimeout', {});
  };

  return {
    update(party, connected, message) {
      const payload = (): Record<string, unknown> => ({ message, agents: { ...agents } });
      if (party.type === 'Client') {
        if (party.id === self() && connected) plugin.publish('clientConnected', payload());
        return;
      }
      if (party.type !== 'Agent' && party.type !== 'Bot') return;
      const now = Date.now();
      const agent = agents[party.id];
      if (agent?.connected === connected) return;
      if (!agent && !connected) return;
      agents = {
        ...agents,
        [party.id]: {
          name: party.name,
          connected,
          supervisor: false,
          connectedTime: agent?.connectedTime ?? now,
          disconnectedTime: connected ? 0 : now,
        },
      };
      if (party.type === 'Bot' && !botEvents()) return;
      plugin.publish(
        `${party.type === 'Bot' ? 'bot' : 'agent'}${connected ? 'Connected' : 'Disconnected'}`,
        payload(),
      );
    },
    list: () => ({ ...agents }),
    disconnectAll() {
      const now = Date.now();
      for (const [id, agent] of Object.entries(agents)) {
        if (agent.connected)
          agents = { ...agents, [id]: { ...agent, connected: false, disconnectedTime: now } };
      }
      stopTyping(false);
    },
    reset() {
      agents = {};
    },
    typing(from) {
      if (typingTimer === undefined) {
        plugin.data('agentTyping', true);
        plugin.publish('agentTypingStarted', {
          from: { id: from.id, name: from.name, type: from.type },
        });
      }
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => stopTyping(true), AGENT_TYPING_MS);
    },
    stopTyping,
  };
}
