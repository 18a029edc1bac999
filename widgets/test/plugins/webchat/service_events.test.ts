import { afterEach, describe, expect, it } from 'vitest';
import { settle } from '../webchatservice/setup';
import { $, openAndStart, page, shadow } from './setup';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

const queueLine = () => shadow()?.querySelector('.fd-wc-queue') ?? null;

describe('queue position', () => {
  it('shows the place in line and the wait until an agent joins', async () => {
    const p = await page();
    await openAndStart(p);
    expect(queueLine()).toBeNull();
    p.server.queue(2, 150);
    await settle();
    expect($('.fd-wc-queue').getAttribute('role')).toBe('status');
    expect($('.fd-wc-queue').textContent).toBe('You are number 2 in line, about 3 min');
    p.server.queue(1, 20);
    await settle();
    expect($('.fd-wc-queue').textContent).toBe('You are number 1 in line, about 1 min');
    await p.bus.command('App.setLanguage', { lang: 'de' });
    await settle();
    expect($('.fd-wc-queue').textContent).toBe(
      'Sie sind Nummer 1 in der Warteschlange, etwa 1 Min.',
    );
    p.server.join();
    await settle();
    expect(queueLine()).toBeNull();
  });

  it('goes when the chat ends before an agent came', async () => {
    const p = await page();
    await openAndStart(p);
    p.server.queue(4, 600);
    await settle();
    expect($('.fd-wc-queue').textContent).toBe('You are number 4 in line, about 10 min');
    await p.bus.command('WebChatService.endChat');
    await settle();
    await p.bus.command('WebChat.open').catch(() => undefined);
    expect(queueLine()).toBeNull();
  });
});
