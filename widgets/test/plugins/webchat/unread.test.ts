import { afterEach, describe, expect, it, vi } from 'vitest';
import { settle } from '../webchatservice/setup';
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

  it('never counts the visitor\'s own message, whichever of reply, stream event and minimize comes first', async () => {
    const p = await talking();
    // Sent and minimized in one tick: the stream event and the reply come after the minimize.
    send('one');
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    expect(badge()).toBeNull();
    await p.bus.command('WebChat.minimize', { minimized: false });
    // The stream event dropped: only the POST reply brings the message.
    const own = p.server.messages.length;
    p.server.setOverride((call) => {
      if (call.method !== 'POST' || !call.path.endsWith('/messages')) return undefined;
      return [200, p.server.post('cust-1', String((call.body as { body: string }).body), 'standard', true)];
    });
    send('two');
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    expect(p.server.messages.length).toBe(own + 1);
    expect(badge()).toBeNull();
    const held = await p.bus.command<{ messages: { text: string }[] }>('WebChatService.getTranscript');
    expect(held.messages.map((m) => m.text).filter(Boolean)).toEqual(['Hello', 'one', 'two']);
    p.server.post('agent-1', 'an answer');
    await settle();
    expect(badge()).toBe('1');
  });

  it('counts every line shown that is not the visitor\'s: joins and leaves too (spec 4.7)', async () => {
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
    expect(all('.fd-wc-system').map((line) => line.textContent)).toEqual(
      ['Chat started', 'Alice joined the chat', 'Alice left the chat']);
  });

  it('brings a hidden async chat back for an agent\'s message, not for a join', async () => {
    const p = await page({ async: { enabled: true, newMessageRestoreState: 'minimized' },
      chatButton: { enabled: true, openDelay: 0 } });
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
});
