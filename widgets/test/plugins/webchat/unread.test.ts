import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../webchatservice/fake_server';
import { settle, V2C } from '../webchatservice/setup';
import { $, all, bubbles, fill, openAndStart, page, shadow, type Page } from './setup';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

const badge = () => shadow()?.querySelector('.fd-wc-badge')?.textContent ?? null;

function send(text: string): void {
  fill('#fd-wc-input', text);
  $('#fd-wc-input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
}

/** A running chat with an agent who has said something the visitor read (window open). */
async function talking(): Promise<Page> {
  const p = await page();
  await openAndStart(p);
  p.server.join();
  p.server.post('agent-1', 'Hello');
  await settle();
  return p;
}

describe('unread badge', () => {
  it('starts at nothing when the visitor minimizes after their own message is back', async () => {
    const p = await talking();
    send('thanks');
    await settle();
    // Both the POST reply and the stream event are in before the window is minimized.
    expect(bubbles()).toEqual(['Hello', 'thanks']);
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    expect(badge()).toBeNull();
    p.server.post('agent-1', 'an answer');
    await settle();
    expect(badge()).toBe('1');
    p.server.post('agent-1', 'and another');
    await settle();
    expect(badge()).toBe('2');
    expect(p.cookie('webchat.state.unreadMessages')).toBe('2');
  });

  it('starts at nothing when messages read with the window open came before minimizing', async () => {
    const p = await talking();
    await p.bus.command('WebChat.minimize');
    await settle();
    expect(badge()).toBeNull();
    p.server.post('agent-1', 'an answer');
    await settle();
    expect(badge()).toBe('1');
  });

  it("never counts the visitor's own message, whichever of reply, stream event and minimize comes first", async () => {
    const p = await talking();
    // Sent and minimized in one tick: the stream event and the reply come after the minimize.
    send('one');
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    expect(badge()).toBeNull();
    await p.bus.command('WebChat.minimize', { minimized: false });
    // The stream event held back: the POST reply brings the message first.
    const own = p.server.messages.length;
    p.server.setOverride((call) => {
      if (call.method !== 'POST' || !call.path.endsWith('/messages')) return undefined;
      return [
        200,
        p.server.post('cust-1', String((call.body as { body: string }).body), 'standard', true),
      ];
    });
    send('two');
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    expect(p.server.messages.length).toBe(own + 1);
    expect(badge()).toBeNull();
    const held = await p.bus.command<{ messages: { text: string }[] }>(
      'WebChatService.getTranscript',
    );
    expect(held.messages.map((m) => m.text).filter(Boolean)).toEqual(['Hello', 'one', 'two']);
    // The stream event comes late, after the reply and the minimize.
    p.server.broadcast('message', p.server.messages[p.server.messages.length - 1]);
    await settle();
    expect(badge()).toBeNull();
    p.server.post('agent-1', 'an answer');
    await settle();
    expect(badge()).toBe('1');
  });

  it("counts every line shown that is not the visitor's: joins and leaves too (spec 4.7)", async () => {
    const p = await page();
    await openAndStart(p);
    await p.bus.command('WebChat.minimize');
    await settle();
    expect(badge()).toBeNull();
    p.server.join();
    await settle();
    expect(badge()).toBe('1');
    p.server.post('agent-1', 'Hello');
    await settle();
    expect(badge()).toBe('2');
    p.server.leave('agent-1');
    await settle();
    expect(badge()).toBe('3');
    expect(p.cookie('webchat.state.unreadMessages')).toBe('3');
    await p.bus.command('WebChat.minimize', { minimized: false });
    await settle();
    expect(all('.fd-wc-system').map((line) => line.textContent)).toEqual([
      'Chat started',
      'Alice joined the chat',
      'Alice left the chat',
    ]);
  });

  it("brings a hidden async chat back for an agent's message, not for a join", async () => {
    const p = await page({
      async: { enabled: true, newMessageRestoreState: 'minimized' },
      chatButton: { enabled: true, openDelay: 0 },
    });
    await openAndStart(p);
    $<HTMLButtonElement>('.fd-wc-close').click();
    await settle();
    $<HTMLButtonElement>('.fd-wc-keep').click();
    await settle();
    p.server.join();
    await settle();
    expect(shadow()?.querySelector('.fd-wc-window')).toBeNull();
    expect(p.cookie('webchat.state.asyncUnreadMessageCount')).toBe('1');
    p.server.post('agent-1', 'Hello');
    await settle();
    expect($('.fd-wc-window').dataset['minimized']).toBe('true');
    expect(badge()).toBe('2');
  });

  it("does not count the visitor's message again when a reconnect catches up with it", async () => {
    const p = await talking();
    send('before the drop');
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    const first = p.server.socket()!;
    // The catch-up starts from LastMsgId: pretend the drop came before the message was held.
    p.setCookie(`${V2C}LastMsgId`, 'msg-1');
    first.close();
    await vi.waitFor(() => expect(p.named('reconnected')).toHaveLength(1));
    await settle();
    expect(p.server.calls.some((c) => c.method === 'GET' && c.query.get('after') === 'msg-1')).toBe(
      true,
    );
    // At-least-once delivery: the stream pushes it once more too.
    p.server.broadcast(
      'message',
      p.server.messages.find((m) => m.body === 'before the drop'),
    );
    await settle();
    expect(badge()).toBeNull();
    p.server.post('agent-1', 'an answer');
    await settle();
    expect(badge()).toBe('1');
  });

  it("does not count the visitor's message on a restored page, where the member id is the cookie's", async () => {
    const server = fakeServer();
    const made = server.create('Ann Lee');
    server.join('agent-1', 'Alice');
    server.post('agent-1', 'first');
    const p = await page(
      {},
      {
        [`${V2C}JWtoken`]: made.jwt,
        [`${V2C}ConversationID`]: made.id,
        [`${V2C}MemberID`]: made.member.id,
        [`${V2C}WS_URL`]: made.eventStreamUri,
        'webchat.state.open': 'true',
        'webchat.state.minimized': 'true',
        'webchat.state.lastMessageCountRead': '2',
      },
      server,
    );
    await vi.waitFor(() => expect(shadow()?.querySelector('.fd-wc-window')).toBeTruthy());
    await settle();
    expect(badge()).toBeNull();
    await p.bus.command('WebChatService.sendMessage', { message: 'from the new page' });
    await settle();
    expect(badge()).toBeNull();
    p.server.post('agent-1', 'an answer');
    await settle();
    expect(badge()).toBe('1');
  });
});
