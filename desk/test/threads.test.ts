import { describe, expect, it } from 'vitest';
import {
  AGENT_TYPING_MS,
  assignedAgentName,
  contiguousIndex,
  expireTyping,
  mergeMembers,
  mergeMessages,
  newerPreview,
  nextTypingExpiry,
  PREVIEW_LENGTH,
  previewOf,
  typingLine,
  typingNames,
  typingPreview,
  unreadCount,
  visitorName,
  VISITOR_TYPING_MS,
  withMessage,
  withTyping,
  type Thread,
} from '../src/threads';
import { ada, conversation, me, message, visitor } from './fixtures';

function thread(changes: Partial<Thread> = {}): Thread {
  return {
    conversation: conversation('c1'),
    members: [visitor],
    messages: [],
    lastIndex: 0,
    typing: {},
    ...changes,
  };
}

describe('messages by index', () => {
  it('merges each index once, the newer copy winning, in order', () => {
    const merged = mergeMessages(
      [message(3), message(1)],
      [message(2), message(3, { text: 'edited' })],
    );
    expect(merged.map((m) => [m.index, m.text])).toEqual([
      [1, 'message 1'],
      [2, 'message 2'],
      [3, 'edited'],
    ]);
  });

  it('counts the last index only up to the first gap', () => {
    expect(contiguousIndex([])).toBe(0);
    expect(contiguousIndex([message(1), message(2), message(4)])).toBe(2);
    expect(contiguousIndex([message(2), message(3)])).toBe(0);
  });

  it('merges members by id', () => {
    const left = { ...visitor, state: 'DISCONNECTED' as const };
    expect(mergeMembers([visitor, ada], [left])).toEqual([left, ada]);
  });
});

describe('typing', () => {
  it('fades a visitor sooner than an agent, who says when they stop', () => {
    let held = withTyping(thread(), visitor, true, 1_000);
    held = withTyping(held, ada, true, 1_000);
    expect(held.typing[visitor.id]?.until).toBe(1_000 + VISITOR_TYPING_MS);
    expect(held.typing[ada.id]?.until).toBe(1_000 + AGENT_TYPING_MS);
    expect(typingNames(held, 2_000)).toEqual(['Vic Tor', 'Ada']);
    expect(typingNames(held, 1_000 + VISITOR_TYPING_MS)).toEqual(['Ada']);
    expect(typingNames(withTyping(held, ada, false, 2_000), 2_000)).toEqual(['Vic Tor']);
    expect(nextTypingExpiry([held, thread()])).toBe(1_000 + VISITOR_TYPING_MS);
    expect(nextTypingExpiry([thread()])).toBe(Infinity);
  });

  it('keeps the visitor’s preview until they stop, empty the box, send or go quiet', () => {
    const typing = withTyping(
      withTyping(thread(), ada, true, 0, 'agent text'),
      visitor,
      true,
      0,
      'Where is',
    );
    expect(typingPreview(typing, 1)).toBe('Where is');
    expect(typingPreview(withTyping(typing, visitor, true, 2, 'Where is my'), 3)).toBe(
      'Where is my',
    );
    expect(typingPreview(withTyping(typing, visitor, true, 2), 3)).toBe('');
    expect(typingPreview(withTyping(typing, visitor, false, 2, 'ignored'), 3)).toBe('');
    expect(typingPreview(withMessage(typing, message(1, { member: visitor })), 3)).toBe('');
    expect(typingPreview(typing, VISITOR_TYPING_MS)).toBe('');
    // Only a visitor's preview is shown; an agent's is never news to another agent.
    expect(typingPreview(withTyping(thread(), ada, true, 0, 'agent text'), 1)).toBe('');
    expect(typingPreview(undefined, 0)).toBe('');
  });

  it('puts the visitor first and words the line for one or more', () => {
    const held = withTyping(withTyping(thread(), ada, true, 0), visitor, true, 0);
    expect(typingNames(held, 1)).toEqual(['Vic Tor', 'Ada']);
    expect(typingLine([])).toBe('');
    expect(typingLine(['Vic Tor'])).toBe('Vic Tor is typing…');
    expect(typingLine(['Vic Tor', 'Ada', 'Bo'])).toBe('Vic Tor, Ada and Bo are typing…');
  });

  it('drops lapsed typists and keeps the same thread when none lapsed', () => {
    const held = withTyping(withTyping(thread(), visitor, true, 0), ada, true, 0);
    expect(expireTyping(held, 1)).toBe(held);
    expect(Object.keys(expireTyping(held, VISITOR_TYPING_MS).typing)).toEqual([ada.id]);
  });

  it('ends with the message the typist sends', () => {
    const typing = withTyping(thread({ messages: [message(1)], lastIndex: 1 }), visitor, true, 0);
    const next = withMessage(typing, message(2));
    expect(next.typing).toEqual({});
    expect(next.lastIndex).toBe(2);
    expect(withMessage(typing, message(4)).lastIndex).toBe(1);
  });
});

describe('lists', () => {
  it('counts unread visitor texts after the index seen', () => {
    const held = thread({
      messages: [
        message(1, { kind: 'member-join' }),
        message(2),
        message(3, { member: { id: me.id, role: 'AGENT', display_name: 'Me' } }),
        message(4),
      ],
    });
    expect(unreadCount(held, 0)).toBe(2);
    expect(unreadCount(held, 2)).toBe(1);
    expect(unreadCount(undefined, 0)).toBe(0);
  });

  it('names the visitor, or calls them Visitor', () => {
    expect(visitorName(conversation('c1'))).toBe('Vic Tor');
    const nameless = conversation('c1', {
      visitor: { first_name: ' ', last_name: '', email: '', subject: '' },
    });
    expect(visitorName(nameless)).toBe('Visitor');
  });

  it('previews texts and files, cut short, and nothing else', () => {
    expect(previewOf(message(1, { kind: 'member-join' }))).toBeNull();
    const long = previewOf(message(2, { text: 'y'.repeat(500) }));
    expect(long?.text).toHaveLength(PREVIEW_LENGTH);
    expect(previewOf(message(3, { kind: 'file', text: 'cart.png' }))).toMatchObject({
      kind: 'file',
      text: 'cart.png',
    });
  });

  it('keeps the newer of two previews', () => {
    const older = previewOf(message(2));
    const newer = previewOf(message(5));
    expect(newerPreview(newer, older)).toBe(newer);
    expect(newerPreview(older, newer)).toBe(newer);
    expect(newerPreview(undefined, older)).toBe(older);
    expect(newerPreview(older, null)).toBe(older);
    expect(newerPreview(older, previewOf(message(2)))).toBe(older);
    expect(newerPreview(null, undefined)).toBeNull();
  });

  it('finds the connected agent', () => {
    expect(assignedAgentName(thread({ members: [visitor, ada] }))).toBe('Ada');
    expect(
      assignedAgentName(thread({ members: [visitor, { ...ada, state: 'DISCONNECTED' }] })),
    ).toBe('');
    expect(assignedAgentName(undefined)).toBe('');
  });
});
