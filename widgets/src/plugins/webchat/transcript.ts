/** The messages WebChat shows: from WebChatService, in index order, each once. */
import { SERVICE, type Message, type WebChat } from './context';
import { fileOf } from './files';
import { settleRestoredUnread, updateUnread } from './unread';
import type { Entry } from './view';

/** Put `entry` in index order (entries without an index go last). */
export function insert(c: WebChat, entry: Entry): void {
  const entries = c.view.entries;
  let at = entries.length;
  while (at > 0 && entry.index !== undefined && (entries[at - 1]!.index ?? 0) > entry.index) at--;
  c.view.entries = [...entries.slice(0, at), entry, ...entries.slice(at)];
}

/**
 * Show a service message unless it is shown already; counts what is shown and not the visitor's
 * for unread (spec 4.7: agent and bot messages, files, and lines such as "Alice joined").
 * `original` is the transport's own message, where a shared file is described.
 */
export function addMessage(c: WebChat, message: Message, original?: unknown): void {
  const key = `m${message.index}`;
  if (c.view.entries.some((entry) => entry.key === key)) return;
  const party = message.from.type;
  const name = message.from.name;
  const base = { key, party, name, time: message.timestamp, index: message.index };
  const file = fileOf(original);
  if (message.type === 'Message' || file) {
    insert(c, { ...base, kind: 'message', text: message.text, ...(file ? { file } : {}) });
    if (party === 'Client') c.meta.userMessages++;
    else {
      c.meta.agentMessages++;
      c.view.agentTyping = undefined;
    }
  } else {
    let text = message.text;
    const agentName = name || c.t('AgentNameDefault');
    if (message.type === 'ParticipantJoined') {
      text = party === 'Client' ? c.t('ChatStarted') : c.t('AgentConnected', { Agent: agentName });
    }
    if (message.type === 'ParticipantLeft')
      text = party === 'Client' ? '' : c.t('AgentDisconnected', { Agent: agentName });
    if (!text) return;
    insert(c, { ...base, kind: 'system', text });
    c.meta.systemMessages++;
  }
  if (party !== 'Client') c.received++;
  c.added.push([message, key]);
}

/**
 * Show messages from the service. After a restore, the unread count carried over settles
 * between the replayed messages (`restoring`) and the first one that is news.
 */
export function addMessages(c: WebChat, messages: Message[], originals: unknown[] = []): void {
  messages.forEach((message, at) => {
    if (message.restoring !== true) settleRestoredUnread(c);
    addMessage(c, message, originals[at]);
  });
  if (messages.length) settleRestoredUnread(c);
}

/** Show everything the service holds (after a restore, or when the window opens again). */
export function loadTranscript(c: WebChat): void {
  c.plugin
    .command<{ messages: Message[]; originalMessages?: unknown[] }>(`${SERVICE}.getTranscript`)
    .done((transcript) => {
      addMessages(c, transcript.messages, transcript.originalMessages);
      updateUnread(c);
      c.draw();
    })
    .fail(() => undefined);
}
