import { afterEach, describe, expect, it, vi } from 'vitest';
import * as R from '../../../src/plugins/webchat/reasons';
import { reasonOf } from '../../helpers';
import { fakeServer } from '../webchatservice/fake_server';
import { settle, V2C } from '../webchatservice/setup';
import { $, all, fill, openAndStart, page, shadow, submit, texts } from './setup';

const XSS = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script><b>bold</b>';
const last = <T>(list: T[]): T | undefined => list[list.length - 1];

afterEach(() => {
  delete window._genesys;
  delete (window as unknown as { hacked?: number }).hacked;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

describe('WebChat window', () => {
  it('button → form with validation → chat both ways → typing → end, with cookies and events', async () => {
    const p = await page({
      chatButton: { enabled: true, openDelay: 0 },
      charCountEnabled: true,
      maxMessageLength: 140,
    });
    await vi.waitFor(() => expect(shadow()?.querySelector('.fd-wc-button')).toBeTruthy());
    expect(p.uiNamed('chatButtonDisplayed')).toHaveLength(1);
    $<HTMLButtonElement>('.fd-wc-button').click();
    await settle();
    expect($('.fd-wc-window').getAttribute('role')).toBe('dialog');
    expect(p.cookie('webchat.state.open')).toBe('true');
    expect(all('.fd-wc-field label').map((l) => l.textContent)).toEqual([
      'First name',
      'Last name',
      'Email',
      'Subject',
    ]);
    expect($('label[for=cx_webchat_form_email]')).toBeTruthy();

    fill('#cx_webchat_form_email', 'not-an-email');
    submit();
    expect($('#cx_webchat_form_firstname').getAttribute('aria-invalid')).toBe('true');
    expect($('#cx_webchat_form_email').getAttribute('aria-invalid')).toBe('true');
    expect(p.server.calls).toHaveLength(0);
    fill('#cx_webchat_form_email', 'ann@example.test');
    fill('#cx_webchat_form_firstname', 'Ann');
    expect($('#cx_webchat_form_firstname').getAttribute('aria-invalid')).toBeNull();
    fill('#cx_webchat_form_lastname', 'Lee');
    fill('#cx_webchat_form_subject', 'Order 42');
    submit();
    await settle();
    expect(p.server.calls[0]?.body).toMatchObject({
      memberInfo: {
        displayName: 'Ann Lee',
        customFields: {
          firstName: 'Ann',
          lastName: 'Lee',
          email: 'ann@example.test',
          subject: 'Order 42',
        },
      },
    });
    expect(p.uiNamed('submitted')).toHaveLength(1);
    expect(p.uiNamed('started')[0]?.data).toMatchObject({
      form: { firstname: 'Ann' },
      started: expect.any(Number),
    });
    expect(JSON.parse(p.cookie('app.autoLoadList')!)).toEqual({
      WebChatService: true,
      WebChat: true,
    });
    const saved = JSON.parse(p.cookie('webchat.metaData')!);
    expect(saved.form).toEqual({ firstname: '', lastname: '', email: '', subject: '' });
    expect(p.cookie('webchat.metaData')).not.toContain('Ann');
    expect($('.fd-wc-log').getAttribute('role')).toBe('log');
    expect(texts()).toEqual(['Chat started']);

    p.server.join('agent-1', 'Alice');
    p.server.post('agent-1', 'Hello Ann, how can I help?');
    await settle();
    expect(texts()[1]).toBe('Alice joined the chat');
    expect($('.fd-wc-msg[data-party=Agent] .fd-wc-text').textContent).toBe(
      'Hello Ann, how can I help?',
    );
    const added = last(p.uiNamed('messageAdded'))!.data as {
      data: { text: string };
      html: Element;
    };
    expect(added.data.text).toBe('Hello Ann, how can I help?');
    expect(added.html.getAttribute('data-party')).toBe('Agent');

    fill('#fd-wc-input', 'Where is my order?');
    await settle();
    expect(last(p.server.calls)?.path).toMatch(/\/typing$/);
    expect($('#fd-wc-count').textContent).toBe('122 characters left');
    expect($<HTMLTextAreaElement>('#fd-wc-input').maxLength).toBe(140);
    $('#fd-wc-input').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await settle();
    expect(last(p.server.messages)?.body).toBe('Where is my order?');
    expect($<HTMLTextAreaElement>('#fd-wc-input').value).toBe('');
    expect(last(all('.fd-wc-msg'))?.getAttribute('data-party')).toBe('Client');
    expect(last(all('.fd-wc-msg .fd-wc-name'))?.textContent).toBe('Ann Lee');

    p.server.broadcast('typing-indicator', { sender: { id: 'agent-1' } });
    await settle();
    expect($('.fd-wc-typing').textContent).toBe('Alice is typing…');
    p.server.post('agent-1', 'Let me check.');
    await settle();
    expect(shadow()?.querySelector('.fd-wc-typing')).toBeNull();

    $<HTMLButtonElement>('.fd-wc-end').click();
    expect($('.fd-wc-overlay').textContent).toContain('Do you want to end this chat?');
    $<HTMLButtonElement>('.fd-wc-yes').click();
    await settle();
    expect(last(p.server.calls)?.method).toBe('DELETE');
    expect(p.uiNamed('completed')).toHaveLength(1);
    expect(p.uiNamed('closed')).toHaveLength(1);
    expect(shadow()?.querySelector('.fd-wc-window')).toBeNull();
    expect(p.cookie('webchat.state.open')).toBe('false');
    expect(p.cookie('webchat.metaData')).toBeUndefined();
    expect(JSON.parse(p.cookie('app.autoLoadList')!)).toEqual({
      WebChatService: false,
      WebChat: false,
    });
    expect(shadow()?.querySelector('.fd-wc-button')).toBeTruthy();
  });

  it('closing a minimized chat unminimizes it so the end-chat question is visible', async () => {
    const p = await page();
    await openAndStart(p);
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    $<HTMLButtonElement>('.fd-wc-close').click();
    await settle();
    expect(p.cookie('webchat.state.minimized')).toBe('false');
    expect($('.fd-wc-window').getAttribute('data-minimized')).toBe('false');
    $<HTMLButtonElement>('.fd-wc-yes').click();
    await settle();
    expect(p.cookie('webchat.state.open')).toBe('false');
    expect(p.uiNamed('closed').length).toBeGreaterThan(0);
  });

  it('minimizes with an unread badge and the unread cookies', async () => {
    const p = await page();
    await openAndStart(p);
    p.server.join();
    await settle();
    $<HTMLButtonElement>('.fd-wc-min').click();
    await settle();
    expect(p.uiNamed('minimized')).toHaveLength(1);
    expect(p.cookie('webchat.state.minimized')).toBe('true');
    // "Alice joined the chat" was read.
    expect(p.cookie('webchat.state.lastMessageCountRead')).toBe('1');
    p.server.post('agent-1', 'one');
    p.server.post('agent-1', 'two');
    await settle();
    expect($('.fd-wc-badge').textContent).toBe('2');
    expect($('.fd-wc-badge').getAttribute('aria-label')).toBe('2 unread messages');
    expect(p.cookie('webchat.state.unreadMessages')).toBe('2');
    expect(p.cookie('webchat.state.asyncUnreadMessageCount')).toBe('2');
    await p.bus.command('WebChat.minimize', { minimized: false });
    await settle();
    expect(p.uiNamed('unminimized')).toHaveLength(1);
    expect(shadow()?.querySelector('.fd-wc-badge')).toBeNull();
    expect(p.cookie('webchat.state.minimized')).toBe('false');
    for (const name of ['unreadMessages', 'lastMessageCountRead', 'asyncUnreadMessageCount']) {
      expect(p.cookie(`webchat.state.${name}`)).toBeUndefined();
    }
    await p.bus.command('WebChat.minimize');
    expect(p.cookie('webchat.state.lastMessageCountRead')).toBe('3');
    await p.bus.command('WebChat.close');
    expect(p.cookie('webchat.state.lastMessageCountRead')).toBeUndefined();
    expect(p.cookie('webchat.state.open')).toBe('false');
    await p.bus.command('WebChat.open');
    await p.bus.command('WebChat.minimize');
    await p.bus.command('WebChat.endChat');
    await settle();
    expect(p.cookie('webchat.state.minimized')).toBeUndefined();
    expect(p.cookie('webchat.state.lastMessageCountRead')).toBeUndefined();
  });

  it('asks before closing a filled form (confirmFormCloseEnabled) and rejects with the Genesys strings', async () => {
    const p = await page({}, { 'webchat.state.unreadMessages': '4' });
    const reason = (command: string, options?: object) =>
      reasonOf(p.bus.command(`WebChat.${command}`, options));
    expect(await reason('close')).toBe('already closed');
    expect(await reason('endChat')).toBe('there is no active chat session to end');
    expect(await reason('injectMessage', { text: 'x' })).toBe('No chat session to inject into.');
    expect(await reason('showOverlay', { html: 'x' })).toBe(
      'WebChat is not currently open. Ignoring command.',
    );
    expect(await reason('hideOverlay')).toBe(R.NOT_OPEN);
    expect(await reason('showChatButton')).toBe(R.BUTTON_DISABLED);
    expect(await reason('hideChatButton')).toBe(R.BUTTON_HIDDEN);
    await p.bus.command('WebChat.open');
    expect(p.cookie('webchat.state.unreadMessages')).toBeUndefined();
    expect(await reason('open')).toBe('already opened');
    expect(await reason('invite')).toBe('Chat is already open. Ignoring invite command.');
    expect(await reason('reInvite')).toBe(R.REINVITE_REFUSED);
    expect(await reason('injectMessage', { text: 'x' })).toBe('No chat session to inject into.');
    fill('#cx_webchat_form_firstname', 'Ann');
    $<HTMLButtonElement>('.fd-wc-close').click();
    expect($('.fd-wc-overlay').getAttribute('role')).toBe('alertdialog');
    $<HTMLButtonElement>('.fd-wc-no').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }),
    );
    expect(shadow()?.querySelector('.fd-wc-overlay')).toBeNull();
    $<HTMLButtonElement>('.fd-wc-close').click();
    $<HTMLButtonElement>('.fd-wc-yes').click();
    expect(shadow()?.querySelector('.fd-wc-window')).toBeNull();
    await settle();
    expect(p.uiNamed('cancelled')).toHaveLength(1);
    expect(p.cookie('webchat.state.open')).toBe('false');

    delete window._genesys;
    document.body.innerHTML = '';
    const quick = await page({ confirmFormCloseEnabled: false });
    await quick.bus.command('WebChat.open');
    fill('#cx_webchat_form_firstname', 'Ann');
    $<HTMLButtonElement>('.fd-wc-close').click();
    expect(shadow()?.querySelector('.fd-wc-window')).toBeNull();
  });

  it('shows and hides the chat button and the window on command', async () => {
    const p = await page({ chatButton: { enabled: true, openDelay: 50 } });
    expect(await reasonOf(p.bus.command('WebChat.hide'))).toBe(R.NOT_OPEN);
    await vi.waitFor(() => expect(shadow()?.querySelector('.fd-wc-button')).toBeTruthy());
    expect(await reasonOf(p.bus.command('WebChat.showChatButton'))).toBe(R.BUTTON_SHOWN);
    await p.bus.command('WebChat.hideChatButton');
    expect(shadow()?.querySelector('.fd-wc-button')).toBeNull();
    await p.bus.command('WebChat.showChatButton', { openDelay: 0 });
    expect(shadow()?.querySelector('.fd-wc-button')).toBeTruthy();
    await p.bus.command('WebChat.open');
    expect(shadow()?.querySelector('.fd-wc-button')).toBeNull();
    await p.bus.command('WebChat.hide');
    expect(shadow()?.querySelector('.fd-wc-window')).toBeNull();
    expect(await reasonOf(p.bus.command('WebChat.hide'))).toBe(R.ALREADY_HIDDEN);
    await p.bus.command('WebChat.show');
    expect(shadow()?.querySelector('.fd-wc-window')).toBeTruthy();
    expect(await reasonOf(p.bus.command('WebChat.show'))).toBe(R.ALREADY_SHOWN);
    expect(p.bus.data('WebChat.open')).toBe(true);
  });

  it('auto-submits a prefilled form and merges open userData', async () => {
    const p = await page({ userData: { plan: 'gold' } });
    await p.bus.command('WebChat.open', {
      form: { autoSubmit: true, firstname: 'Bo', lastname: 'Ng' },
      userData: { cart: 3 },
    });
    await settle();
    expect(p.server.calls[0]?.body).toMatchObject({
      memberInfo: {
        displayName: 'Bo Ng',
        customFields: { firstName: 'Bo', plan: 'gold', cart: '3' },
      },
    });
    expect(p.uiNamed('started')[0]?.data).toMatchObject({ autoSubmitted: true, prefilled: true });
  });

  it('uses a formJSON form with custom validation and sends other fields as userData', async () => {
    const p = await page();
    const validate = vi.fn((_e: unknown, _wrapper: unknown, input: HTMLInputElement) =>
      /^\d+$/.test(input.value),
    );
    await p.bus.command('WebChat.open', {
      formJSON: {
        inputs: [
          { id: 'nick', name: 'nickname', label: 'Nickname', value: 'Zed' },
          { id: 'order', name: 'order', label: '@i18n:webchat.ChatFormSubject', validate },
          {
            id: 'topic',
            name: 'topic',
            type: 'select',
            label: 'Topic',
            options: [
              { text: 'Billing', value: 'billing' },
              { text: 'Other', value: 'other' },
            ],
          },
        ],
      },
    });
    expect($('label[for=order]').textContent).toBe('Subject');
    fill('#order', 'abc');
    submit();
    expect($('#order').getAttribute('aria-invalid')).toBe('true');
    expect(validate).toHaveBeenCalled();
    fill('#order', '42');
    const select = $<HTMLSelectElement>('#topic');
    select.value = 'other';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    submit();
    await settle();
    expect(p.server.calls[0]?.body).toMatchObject({
      memberInfo: { displayName: 'Zed', customFields: { order: '42', topic: 'other' } },
    });
  });
});

describe('restore', () => {
  function existing() {
    const server = fakeServer();
    const made = server.create('Ann Lee');
    server.join('agent-1', 'Alice');
    server.post('agent-1', 'first');
    server.post('agent-1', 'second');
    return {
      server,
      cookies: {
        [`${V2C}JWtoken`]: made.jwt,
        [`${V2C}ConversationID`]: made.id,
        [`${V2C}MemberID`]: made.member.id,
        [`${V2C}WS_URL`]: made.eventStreamUri,
        'webchat.state.open': 'true',
        'webchat.state.minimized': 'true',
        'webchat.state.lastMessageCountRead': '2',
        'webchat.metaData': JSON.stringify({ id: 'abc', agentReached: 5, form: { firstname: '' } }),
      },
    };
  }

  it('reopens minimized with the transcript, the badge and the saved metadata', async () => {
    const { server, cookies } = existing();
    const p = await page({}, cookies, server);
    await vi.waitFor(() => expect(shadow()?.querySelector('.fd-wc-window')).toBeTruthy());
    await settle();
    expect($('.fd-wc-window').dataset['minimized']).toBe('true');
    expect($('.fd-wc-badge').textContent).toBe('1');
    expect(p.uiNamed('opened')[0]?.data).toMatchObject({ id: 'abc', agentReached: 5 });
    await p.bus.command('WebChat.minimize', { minimized: false });
    expect(texts().slice(0, 2)).toEqual(['Chat started', 'Alice joined the chat']);
    expect(all('.fd-wc-msg .fd-wc-text').map((e) => e.textContent)).toEqual(['first', 'second']);
    expect(JSON.parse(p.cookie('app.autoLoadList')!)).toMatchObject({
      WebChat: true,
      WebChatService: true,
    });
  });

  it('stays closed with the chat button when the window was closed (state.open false)', async () => {
    const { server, cookies } = existing();
    await page(
      { chatButton: { enabled: true, openDelay: 0 } },
      { ...cookies, 'webchat.state.open': 'false' },
      server,
    );
    await settle();
    expect(shadow()?.querySelector('.fd-wc-window')).toBeNull();
    $<HTMLButtonElement>('.fd-wc-button').click();
    await settle();
    expect(all('.fd-wc-msg .fd-wc-text').map((e) => e.textContent)).toEqual(['first', 'second']);
  });

  it('on restoreFailed: closed, re-invite toast, and the UI cookies cleared', async () => {
    const { server, cookies } = existing();
    server.members.get('cust-1')!.state = 'DISCONNECTED';
    const p = await page({}, { ...cookies, 'webchat.state.unreadMessages': '3' }, server);
    await vi.waitFor(() => expect(shadow()?.querySelector('.fd-wc-toast')).toBeTruthy());
    expect($('.fd-wc-toast h2').textContent).toBe('Chat ended');
    expect(p.uiNamed('closed')).toHaveLength(1);
    for (const name of [
      'state.minimized',
      'state.unreadMessages',
      'metaData',
      'state.lastMessageCountRead',
    ]) {
      expect(p.cookie(`webchat.${name}`)).toBeUndefined();
    }
    $<HTMLButtonElement>('.fd-wc-accept').click();
    await settle();
    expect(shadow()?.querySelector('.fd-wc-form')).toBeTruthy();
  });
});

describe('invites', () => {
  it('auto-invites after idle time once per browser session', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const p = await page({
      autoInvite: { enabled: true, timeToInviteSeconds: 3, inviteTimeoutSeconds: 10 },
    });
    vi.advanceTimersByTime(2000);
    window.dispatchEvent(new Event('mousemove'));
    vi.advanceTimersByTime(2500);
    expect(shadow()?.querySelector('.fd-wc-toast')).toBeFalsy();
    vi.advanceTimersByTime(1000);
    expect($('.fd-wc-toast h2').textContent).toBe('Need help?');
    $<HTMLButtonElement>('.fd-wc-accept').click();
    await settle();
    expect(p.cookie('webchat.autoInvite.disabled')).toBe('true');
    expect(p.uiNamed('opened')[0]?.data).toMatchObject({ proactive: true });

    delete window._genesys;
    document.body.innerHTML = '';
    await page(
      { autoInvite: { enabled: true, timeToInviteSeconds: 1 } },
      { 'webchat.autoInvite.disabled': 'true' },
    );
    vi.advanceTimersByTime(5000);
    expect(shadow()?.querySelector('.fd-wc-toast')).toBeFalsy();
  });

  it('invite command shows a toast that times out; reject disables auto-invite', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    const p = await page({ autoInvite: { inviteTimeoutSeconds: 2 } });
    await p.bus.command('WebChat.invite');
    expect($('.fd-wc-toast').getAttribute('role')).toBe('dialog');
    vi.advanceTimersByTime(2100);
    expect(shadow()?.querySelector('.fd-wc-toast')).toBeNull();
    await p.bus.command('WebChat.invite');
    $<HTMLButtonElement>('.fd-wc-reject').click();
    expect(p.cookie('webchat.autoInvite.disabled')).toBe('true');
  });
});

describe('safety: text stays text', () => {
  it('renders message text, agent names and visitor names as text, never as elements', async () => {
    const p = await page();
    await openAndStart(p, XSS);
    p.server.join('agent-1', XSS);
    p.server.post('agent-1', XSS);
    await p.bus.command('WebChatService.sendMessage', {
      message: '<svg onload="window.hacked=3">',
    });
    await settle();
    const log = $('.fd-wc-log');
    expect(log.querySelector('img, script, b, svg')).toBeNull();
    expect(all('.fd-wc-msg .fd-wc-text').map((e) => e.textContent)).toEqual([
      XSS,
      '<svg onload="window.hacked=3">',
    ]);
    expect(all('.fd-wc-msg .fd-wc-name').map((e) => e.textContent)).toEqual([XSS, `${XSS} Lee`]);
    expect(texts()[1]).toBe(`${XSS} joined the chat`);
    p.server.broadcast('typing-indicator', { sender: { id: 'agent-1' } });
    await settle();
    expect($('.fd-wc-typing').querySelector('*')).toBeNull();
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
  });

  it('injectMessage and showOverlay keep only safe elements from HTML', async () => {
    const p = await page();
    await openAndStart(p);
    const element = await p.bus.command<Element>('WebChat.injectMessage', {
      type: 'html',
      name: 'Bot',
      text: `${XSS}<a href="javascript:alert(1)">bad</a><a href="https://example.test/x">good</a>`,
    });
    const injected = $('[data-key=i1] .fd-wc-text');
    expect(element.getAttribute('data-key')).toBe('i1');
    expect(injected.querySelector('img, script')).toBeNull();
    expect(injected.querySelector('b')?.textContent).toBe('bold');
    expect(injected.querySelector('b')?.attributes).toHaveLength(0);
    const links = Array.from(injected.querySelectorAll('a'));
    expect(links.map((a) => a.getAttribute('href'))).toEqual([null, 'https://example.test/x']);
    expect(links[1]?.getAttribute('rel')).toBe('noopener noreferrer');
    await p.bus.command('WebChat.injectMessage', { text: XSS, name: '<i>n</i>' });
    expect($('[data-key=i2] .fd-wc-text').textContent).toBe(XSS);
    expect($('[data-key=i2] .fd-wc-name').textContent).toBe('<i>n</i>');
    await p.bus.command('WebChat.showOverlay', { html: `<p>Hi</p>${XSS}`, hideFooter: true });
    expect($('.fd-wc-custom').querySelector('img, script')).toBeNull();
    expect($('.fd-wc-custom p').textContent).toBe('Hi');
    expect(shadow()?.querySelector('#fd-wc-input')).toBeNull();
    await p.bus.command('WebChat.hideOverlay');
    expect(shadow()?.querySelector('.fd-wc-custom')).toBeNull();
    await settle();
    expect((window as unknown as { hacked?: number }).hacked).toBeUndefined();
  });
});

describe('markdown', () => {
  it('renders a safe subset for agent messages, text everywhere else', async () => {
    const p = await page({ markdown: true });
    await openAndStart(p);
    p.server.join();
    p.server.post(
      'agent-1',
      '**Hi** *there* `code` [docs](https://example.test/d) [bad](javascript:alert(1)) <b>x</b>',
    );
    await p.bus.command('WebChatService.sendMessage', { message: '**not rich**' });
    await settle();
    const [agent, client] = all('.fd-wc-msg .fd-wc-text');
    expect(agent?.querySelector('strong')?.textContent).toBe('Hi');
    expect(agent?.querySelector('em')?.textContent).toBe('there');
    expect(agent?.querySelector('code')?.textContent).toBe('code');
    expect(
      Array.from(agent?.querySelectorAll('a') ?? []).map((a) => a.getAttribute('href')),
    ).toEqual(['https://example.test/d']);
    expect(agent?.querySelector('b')).toBeNull();
    expect(agent?.textContent).toContain('[bad](javascript:alert(1)) <b>x</b>');
    expect(client?.textContent).toBe('**not rich**');
  });
});

describe('language', () => {
  it('follows App.setLanguage (German, Arabic right to left)', async () => {
    const p = await page();
    await p.bus.command('WebChat.open');
    await p.bus.command('App.setLanguage', { lang: 'de' });
    await settle();
    expect($('#fd-wc-title').textContent).toBe('Chat');
    expect($('label[for=cx_webchat_form_firstname]').textContent).toBe('Vorname');
    await p.bus.command('App.setLanguage', { lang: 'ar' });
    await settle();
    expect($('.fd').getAttribute('dir')).toBe('rtl');
    expect($('#fd-wc-submit').textContent).toBe('ابدأ الدردشة');
  });
});
