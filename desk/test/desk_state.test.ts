import { describe, expect, it } from 'vitest';
import type { Message } from '../src/api';
import {
  appendEnded,
  applyEvent,
  applyLists,
  applyMessage,
  applyTranscript,
  expireAllTyping,
  mergeEnded,
  threadsToSync,
  type DeskState,
} from '../src/desk_state';
import type { DeskEvent } from '../src/events';
import { previewOf, VISITOR_TYPING_MS } from '../src/threads';
import {
  ada,
  conversation,
  endedPage,
  ME,
  me,
  message,
  state,
  transcript,
  visitor,
} from './fixtures';

const presence = { status: 'available' as const, capacity: 3, active: 1 };

const messageEvent = (id: string, m: Message): DeskEvent => ({
  type: 'message',
  conversation_id: id,
  index: m.index,
  message: m,
});

describe('list answers', () => {
  it('sorts own chats, the queue and other agents’ chats apart', () => {
    const next = applyLists(
      state(),
      {
        presence,
        open: [conversation('mine', { state: 'active', agent_id: ME }), conversation('waiting')],
        ended: endedPage(['old'], null),
        active: [
          conversation('mine', { state: 'active', agent_id: ME }),
          conversation('adas', { state: 'active', agent_id: 3 }),
        ],
      },
      ME,
    );
    expect([next.mine, next.queue, next.team, next.ended]).toEqual([
      ['mine'],
      ['waiting'],
      ['adas'],
      ['old'],
    ]);
    expect(next.presence).toEqual(presence);
    expect(Object.keys(next.conversations).sort()).toEqual(['adas', 'mine', 'old', 'waiting']);
  });

  it('keeps a preview an event brought when a slower list answer is older', () => {
    const fromEvent = previewOf(message(4))!;
    const listed = conversation('waiting', { preview: previewOf(message(2)) });
    const next = applyLists(
      state({ previews: { waiting: fromEvent } }),
      { presence, open: [listed], ended: endedPage([], null), active: null },
      ME,
    );
    expect(next.previews.waiting).toBe(fromEvent);
    const newer = conversation('waiting', { preview: previewOf(message(6)) });
    const later = applyLists(
      next,
      { presence, open: [newer], ended: endedPage([], null), active: null },
      ME,
    );
    expect(later.previews.waiting?.index).toBe(6);
  });
});

describe('ended pages', () => {
  it('loads older pages after the ones held', () => {
    const first = applyLists(
      state(),
      { presence, open: [], ended: endedPage(['e5', 'e4'], 'e4'), active: null },
      ME,
    );
    expect([first.ended, first.endedNext]).toEqual([['e5', 'e4'], 'e4']);
    const more = appendEnded(first, endedPage(['e3', 'e2'], 'e2'));
    expect([more.ended, more.endedNext]).toEqual([['e5', 'e4', 'e3', 'e2'], 'e2']);
    const last = appendEnded(more, endedPage(['e2', 'e1'], null));
    expect([last.ended, last.endedNext]).toEqual([['e5', 'e4', 'e3', 'e2', 'e1'], null]);
  });

  it('keeps loaded pages when a re-read first page reaches into them', () => {
    expect(mergeEnded(['e5', 'e4', 'e3', 'e2'], 'e2', endedPage(['e6', 'e5'], 'e5'))).toEqual({
      ended: ['e6', 'e5', 'e4', 'e3', 'e2'],
      endedNext: 'e2',
    });
  });

  it('starts again when more chats ended than a page holds (no gap is ever shown)', () => {
    expect(mergeEnded(['e5', 'e4', 'e3', 'e2'], 'e2', endedPage(['e9', 'e8'], 'e8'))).toEqual({
      ended: ['e9', 'e8'],
      endedNext: 'e8',
    });
    expect(mergeEnded(['e2', 'e1'], 'e1', endedPage(['e3', 'e2', 'e1'], null))).toEqual({
      ended: ['e3', 'e2', 'e1'],
      endedNext: null,
    });
  });
});

describe('transcripts', () => {
  it('re-reads own chats not held and held ones that fell behind', () => {
    const held = applyTranscript(state(), transcript('c1', [message(1), message(2)]));
    const behind = {
      ...held,
      mine: ['c1', 'c2'],
      conversations: { ...held.conversations, c1: conversation('c1', { last_index: 3 }) },
    };
    expect(threadsToSync(behind).sort()).toEqual(['c1', 'c2']);
    expect(threadsToSync({ ...held, mine: ['c1'] })).toEqual([]);
  });

  it('previews the newest message of a transcript', () => {
    const next = applyTranscript(
      state(),
      transcript('c1', [message(1), message(2), message(3, { kind: 'member-join' })]),
    );
    expect(next.previews.c1?.index).toBe(2);
    expect(next.threads.c1?.lastIndex).toBe(3);
  });

  it('ends, after replaying events onto an old read, where a fresh read ends', () => {
    const all = [
      message(1, { kind: 'member-join' }),
      message(2),
      message(3, { member: { id: me.id, role: 'AGENT', display_name: 'Me' } }),
      message(4),
      message(5),
    ];
    const fresh = applyTranscript(state({ mine: ['c1'] }), transcript('c1', all));
    let replayed: DeskState = applyTranscript(
      state({ mine: ['c1'] }),
      transcript('c1', all.slice(0, 2)),
    );
    // At least once, in any order: a repeat and a late arrival change nothing.
    for (const m of [all[3]!, all[2]!, all[3]!, all[4]!, all[1]!]) {
      replayed = applyEvent(replayed, messageEvent('c1', m), ME, 0).state;
    }
    expect(replayed.threads.c1?.messages).toEqual(fresh.threads.c1?.messages);
    expect(replayed.threads.c1?.lastIndex).toBe(fresh.threads.c1?.lastIndex);
    expect(replayed.previews.c1).toEqual(fresh.previews.c1);
  });
});

describe('events', () => {
  const held = applyTranscript(state({ mine: ['c1'] }), transcript('c1', [message(1), message(2)]));

  it('re-reads everything on ready and resync, the lists on state changes', () => {
    expect(applyEvent(held, { type: 'ready', agent_id: ME }, ME, 0).effects).toEqual([
      { kind: 'refresh-all' },
    ]);
    expect(applyEvent(held, { type: 'resync' }, ME, 0).effects).toEqual([{ kind: 'refresh-all' }]);
    const queued = applyEvent(
      held,
      { type: 'queue', conversation_id: 'c9', state: 'queued', agent_id: null, last_index: 1 },
      ME,
      0,
    );
    expect(queued.effects).toEqual([{ kind: 'refresh-lists' }]);
    const ended = applyEvent(
      held,
      { type: 'conversation', conversation_id: 'c1', state: 'ended', agent_id: ME, last_index: 2 },
      ME,
      0,
    );
    expect(ended.effects).toEqual([{ kind: 'refresh-lists' }, { kind: 'sync', id: 'c1' }]);
  });

  it('previews a queued conversation’s message without reading its transcript', () => {
    const change = applyEvent(
      held,
      messageEvent('q1', message(2, { text: 'Is anyone there?' })),
      ME,
      0,
    );
    expect(change.effects).toEqual([]);
    expect(change.state.previews.q1?.text).toBe('Is anyone there?');
    expect(change.state.threads.q1).toBeUndefined();
  });

  it('reads an own chat it does not hold yet', () => {
    const change = applyEvent(state({ mine: ['c2'] }), messageEvent('c2', message(3)), ME, 0);
    expect(change.effects).toEqual([{ kind: 'sync', id: 'c2' }]);
  });

  it('adds the next message, ignores a repeat, and re-reads after a gap', () => {
    const next = applyEvent(held, messageEvent('c1', message(3)), ME, 0);
    expect(next.effects).toEqual([]);
    expect(next.state.threads.c1?.lastIndex).toBe(3);
    expect(applyEvent(next.state, messageEvent('c1', message(3)), ME, 0).state).toBe(next.state);
    const gap = applyEvent(held, messageEvent('c1', message(5)), ME, 0);
    expect(gap.effects).toEqual([{ kind: 'sync', id: 'c1' }]);
    expect(gap.state.threads.c1?.lastIndex).toBe(2);
  });

  it('shows others typing, visitor or agent, but not your own echo', () => {
    const typing = (member: typeof visitor, on: boolean): DeskEvent => ({
      type: 'typing',
      conversation_id: 'c1',
      last_index: 2,
      member,
      typing: on,
    });
    const withVisitor = applyEvent(held, typing(visitor, true), ME, 1_000);
    expect(withVisitor.effects).toEqual([{ kind: 'typing-timer' }]);
    expect(Object.keys(withVisitor.state.threads.c1!.typing)).toEqual([visitor.id]);
    const withAda = applyEvent(withVisitor.state, typing(ada, true), ME, 1_000).state;
    expect(Object.keys(withAda.threads.c1!.typing).sort()).toEqual([ada.id, visitor.id]);
    expect(applyEvent(withAda, typing(me, true), ME, 1_000).state).toBe(withAda);
    expect(applyEvent(held, typing(visitor, true), ME, 0).state.threads.q1).toBeUndefined();
    const lapsed = expireAllTyping(withAda, 1_000 + VISITOR_TYPING_MS);
    expect(Object.keys(lapsed.threads.c1!.typing)).toEqual([ada.id]);
    expect(expireAllTyping(lapsed, 1_000 + VISITOR_TYPING_MS)).toBe(lapsed);
  });

  it('holds the visitor’s typing preview as text until a stop or their message', () => {
    const payload = '<img src=x onerror="window.hacked=1">';
    const typing = (on: boolean, preview?: string): DeskEvent => ({
      type: 'typing',
      conversation_id: 'c1',
      last_index: 2,
      member: visitor,
      typing: on,
      ...(preview === undefined ? {} : { preview }),
    });
    const shown = applyEvent(held, typing(true, payload), ME, 1_000).state;
    expect(shown.threads.c1!.typing[visitor.id]?.preview).toBe(payload);
    const stopped = applyEvent(shown, typing(false), ME, 1_001).state;
    expect(stopped.threads.c1!.typing[visitor.id]).toBeUndefined();
    const sent = applyEvent(
      shown,
      messageEvent('c1', message(3, { member: visitor })),
      ME,
      1_001,
    ).state;
    expect(sent.threads.c1!.typing[visitor.id]).toBeUndefined();
    // Typing with the box emptied: still typing, no preview.
    const emptied = applyEvent(shown, typing(true), ME, 1_002).state;
    expect(emptied.threads.c1!.typing[visitor.id]?.preview).toBe('');
  });

  it('merges members and re-reads when they announce a newer index', () => {
    const left = { ...visitor, state: 'DISCONNECTED' as const };
    const change = applyEvent(
      held,
      { type: 'member', conversation_id: 'c1', last_index: 3, member: left },
      ME,
      0,
    );
    expect(change.state.threads.c1?.members).toEqual([left]);
    expect(change.effects).toEqual([{ kind: 'sync', id: 'c1' }]);
  });

  it('changes only your own status', () => {
    const withPresence = { ...held, presence };
    const other = applyEvent(
      withPresence,
      { type: 'agent-status', agent_id: 3, status: 'away' },
      ME,
      0,
    );
    expect(other.state).toBe(withPresence);
    const own = applyEvent(
      withPresence,
      { type: 'agent-status', agent_id: ME, status: 'away' },
      ME,
      0,
    );
    expect(own.state.presence?.status).toBe('away');
  });

  it('takes the reply to a send like an event', () => {
    const change = applyMessage(
      held,
      'c1',
      message(3, { member: { id: me.id, role: 'AGENT', display_name: 'Me' } }),
    );
    expect(change.state.threads.c1?.lastIndex).toBe(3);
    expect(change.state.previews.c1?.member?.display_name).toBe('Me');
  });
});
