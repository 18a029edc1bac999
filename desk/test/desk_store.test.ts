import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Agent } from '../src/api';
import { DeskStore, supervises } from '../src/desk_store';
import { VISITOR_TYPING_MS } from '../src/threads';
import { conversation, ME, message, visitor } from './fixtures';

const agent: Agent = {
  id: ME,
  email: 'me@example.test',
  display_name: 'Me',
  role: 'agent',
  disabled: false,
};

afterEach(() => {
  localStorage.clear();
  vi.useRealTimers();
});

describe('DeskStore', () => {
  it('knows who supervises', () => {
    expect(supervises(agent)).toBe(false);
    expect(new DeskStore({ ...agent, role: 'supervisor' }).supervising).toBe(true);
    expect(new DeskStore({ ...agent, role: 'admin' }).supervising).toBe(true);
  });

  it('remembers what the agent has read, per agent, and survives a damaged store', () => {
    localStorage.setItem(`frontdesk.desk.seen.${ME}`, JSON.stringify({ c1: 4 }));
    localStorage.setItem('frontdesk.desk.seen.8', '{not json');
    expect(new DeskStore(agent).state.seen).toEqual({ c1: 4 });
    expect(new DeskStore({ ...agent, id: 8 }).state.seen).toEqual({});
  });

  it('refuses an empty or oversized file before sending anything', async () => {
    const requests = vi.spyOn(globalThis, 'fetch');
    const store = new DeskStore(agent);
    expect(await store.sendFile('c1', new File([], 'empty.txt'))).toBe('empty.txt is empty.');
    store.state = { ...store.state, fileLimits: { max_bytes: 4, types: ['text/plain'] } };
    expect(await store.sendFile('c1', new File(['hello'], 'big.txt'))).toBe(
      'big.txt is larger than 4 bytes.',
    );
    expect(requests).not.toHaveBeenCalled();
  });

  it('tells its listeners about a queued conversation’s new message, without fetching', () => {
    const requests = vi.spyOn(globalThis, 'fetch');
    const store = new DeskStore(agent);
    const heard = vi.fn();
    store.subscribe(heard);
    const said = message(2, { text: 'Anyone?' });
    store.handle({ type: 'message', conversation_id: 'q1', index: 2, message: said });
    expect(store.state.previews.q1?.text).toBe('Anyone?');
    expect(heard).toHaveBeenCalledTimes(1);
    store.handle({ type: 'message', conversation_id: 'q1', index: 2, message: said });
    expect(heard).toHaveBeenCalledTimes(1);
    expect(requests).not.toHaveBeenCalled();
    store.dispose();
  });

  it('lets a visitor’s typing lapse on its own', () => {
    vi.useFakeTimers({ now: 1_000 });
    const store = new DeskStore(agent);
    store.state = {
      ...store.state,
      threads: {
        c1: {
          conversation: conversation('c1', { state: 'active' }),
          members: [visitor],
          messages: [message(1)],
          lastIndex: 1,
          typing: {},
        },
      },
    };
    store.handle({
      type: 'typing',
      conversation_id: 'c1',
      last_index: 1,
      member: visitor,
      typing: true,
    });
    expect(Object.keys(store.state.threads.c1!.typing)).toEqual([visitor.id]);
    vi.advanceTimersByTime(VISITOR_TYPING_MS + 100);
    expect(store.state.threads.c1!.typing).toEqual({});
    store.dispose();
  });
});
