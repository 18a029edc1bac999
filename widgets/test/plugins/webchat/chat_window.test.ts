import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeServer } from '../webchatservice/fake_server';
import { settle, V2C } from '../webchatservice/setup';
import { $, bubbles, openAndStart, page, shadow } from './setup';

const ASYNC = { async: { enabled: true }, chatButton: { enabled: true, openDelay: 0 } };
const MINIMIZED = { ...ASYNC, async: { enabled: true, newMessageRestoreState: 'minimized' } };
const UNREAD = ['unreadMessages', 'lastMessageCountRead', 'asyncUnreadMessageCount'];

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

const windowShown = () => shadow()?.querySelector<HTMLElement>('.fd-wc-window') ?? null;

async function keep(): Promise<void> {
  $<HTMLButtonElement>('.fd-wc-close').click();
  await settle();
  $<HTMLButtonElement>('.fd-wc-keep').click();
  await settle();
}

describe('async chat: closing keeps the chat', () => {
  it('offers to keep it; kept, the window hides and the chat button returns; a reply brings it back', async () => {
    const p = await page(ASYNC);
    await openAndStart(p);
    p.server.join();
    p.server.post('agent-1', 'Hello');
    await settle();
    $<HTMLButtonElement>('.fd-wc-close').click();
    await settle();
    expect($('.fd-wc-overlay').getAttribute('role')).toBe('alertdialog');
    expect($('.fd-wc-overlay p').textContent).toContain('Keep this chat?');
    expect(shadow()?.activeElement?.className).toContain('fd-wc-no');
    $<HTMLButtonElement>('.fd-wc-keep').click();
    await settle();
    expect(windowShown()).toBeNull();
    expect(shadow()?.querySelector('.fd-wc-button')).toBeTruthy();
    expect(p.cookie('webchat.state.open')).toBe('false');
    expect(p.cookie('webchat.state.lastMessageCountRead')).toBe('2');
    expect(p.bus.data('WebChat.open')).toBe(false);
    expect(p.uiNamed('closed')).toHaveLength(1);
    expect(p.server.calls.some((c) => c.method === 'DELETE')).toBe(false);
    expect(p.cookie(`${V2C}ConversationID`)).toBe('conv-1');

    p.server.post('agent-1', 'Are you still there?');
    await settle();
    expect(windowShown()?.dataset['minimized']).toBe('false');
    expect(bubbles()).toEqual(['Hello', 'Are you still there?']);
    expect(p.cookie('webchat.state.open')).toBe('true');
    for (const name of UNREAD) expect(p.cookie(`webchat.state.${name}`)).toBeUndefined();
    expect(p.uiNamed('opened').length).toBeGreaterThan(1);
  });

  it('comes back minimized with the badge when async.newMessageRestoreState is minimized', async () => {
    const p = await page(MINIMIZED);
    await openAndStart(p);
    p.server.join();
    await settle();
    await keep();
    p.server.post('agent-1', 'one');
    await settle();
    expect(windowShown()?.dataset['minimized']).toBe('true');
    expect($('.fd-wc-badge').textContent).toBe('1');
    p.server.post('agent-1', 'two');
    await settle();
    expect($('.fd-wc-badge').textContent).toBe('2');
    expect(p.cookie('webchat.state.minimized')).toBe('true');
    expect(p.cookie('webchat.state.unreadMessages')).toBe('2');
    expect(p.cookie('webchat.state.asyncUnreadMessageCount')).toBe('2');
    await p.bus.command('WebChat.minimize', { minimized: false });
    await settle();
    expect(bubbles()).toEqual(['one', 'two']);
    for (const name of UNREAD) expect(p.cookie(`webchat.state.${name}`)).toBeUndefined();
  });

  it('ends the chat when the visitor chooses to end it', async () => {
    const p = await page(ASYNC);
    await openAndStart(p);
    $<HTMLButtonElement>('.fd-wc-close').click();
    await settle();
    $<HTMLButtonElement>('.fd-wc-yes').click();
    await settle();
    expect(p.server.calls.some((c) => c.method === 'DELETE')).toBe(true);
    expect(windowShown()).toBeNull();
    expect(p.uiNamed('cancelled')).toHaveLength(1);
  });

  it('a visitor message does not bring a hidden chat back, nor does the chat button need to', async () => {
    const p = await page(ASYNC);
    await openAndStart(p);
    await keep();
    await p.bus.command('WebChatService.sendMessage', { message: 'sent from elsewhere' });
    await settle();
    expect(windowShown()).toBeNull();
    $<HTMLButtonElement>('.fd-wc-button').click();
    await settle();
    expect(bubbles()).toEqual(['sent from elsewhere']);
  });

  it('without async, closing a running chat still asks to end it', async () => {
    const p = await page({ chatButton: { enabled: true, openDelay: 0 } });
    await openAndStart(p);
    $<HTMLButtonElement>('.fd-wc-close').click();
    await settle();
    expect($('.fd-wc-overlay p').textContent).toBe('Do you want to end this chat?');
    expect(shadow()?.querySelector('.fd-wc-keep')).toBeNull();
  });
});

describe('async chat: restored hidden', () => {
  function existing(agentMessages: number) {
    const server = fakeServer();
    const made = server.create('Ann Lee');
    server.join('agent-1', 'Alice');
    for (let n = 1; n <= agentMessages; n++) server.post('agent-1', `m${n}`);
    return {
      server,
      cookies: {
        [`${V2C}JWtoken`]: made.jwt,
        [`${V2C}ConversationID`]: made.id,
        [`${V2C}MemberID`]: made.member.id,
        [`${V2C}WS_URL`]: made.eventStreamUri,
        'webchat.state.open': 'false',
        'webchat.state.lastMessageCountRead': '7',
        'webchat.state.asyncUnreadMessageCount': '2',
      },
    };
  }

  it('stays hidden, and comes back with the unread count carried over from the last page', async () => {
    const { server, cookies } = existing(8);
    // Only the newest three messages are loaded: counting them could not give the right badge.
    const p = await page({ ...MINIMIZED, maxMessagePageSize: 3 }, cookies, server);
    await settle();
    expect(windowShown()).toBeNull();
    expect(shadow()?.querySelector('.fd-wc-button')).toBeTruthy();
    expect(p.cookie('webchat.state.asyncUnreadMessageCount')).toBe('2');
    server.post('agent-1', 'one more');
    await settle();
    expect(windowShown()?.dataset['minimized']).toBe('true');
    expect($('.fd-wc-badge').textContent).toBe('3');
    expect(p.cookie('webchat.state.asyncUnreadMessageCount')).toBe('3');
    expect(p.cookie('webchat.state.unreadMessages')).toBe('3');
  });

  it('comes back at once for replies that came while the visitor was away', async () => {
    const { server, cookies } = existing(3);
    server.post('agent-1', 'while you were away');
    const p = await page(MINIMIZED, { ...cookies, [`${V2C}LastMsgId`]: 'msg-5' }, server);
    await settle();
    expect(windowShown()?.dataset['minimized']).toBe('true');
    expect($('.fd-wc-badge').textContent).toBe('3');
    expect(p.cookie('webchat.state.asyncUnreadMessageCount')).toBe('3');
  });

  it('stays hidden through a restore even when it is not async, like any closed chat', async () => {
    const { server, cookies } = existing(1);
    await page({ chatButton: { enabled: true, openDelay: 0 } }, cookies, server);
    await settle();
    server.post('agent-1', 'no async: no comeback');
    await settle();
    expect(windowShown()).toBeNull();
  });
});
