import { afterEach, describe, expect, it, vi } from 'vitest';
import type { BusEvent } from '../../../src/core/types';
import { registerClickToCall } from '../../../src/plugins/clicktocall/clicktocall';
import * as N from '../../../src/plugins/clicktocall/names';
import { NUMBER_COOKIES as C } from '../../../src/plugins/clicktocallservice/names';
import { reasonOf } from '../../helpers';
import { settle } from '../webchatservice/setup';
import { bootCalls, fakeCalls, type FakeCalls } from '../clicktocallservice/fake_calls';

const EVENTS = [
  'opened',
  'closed',
  'started',
  'cancelled',
  'submitted',
  'completed',
  'expired',
  'minimized',
  'unminimized',
];

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
  vi.useRealTimers();
});

async function page(
  clicktocall: Record<string, unknown> = {},
  cookies: Record<string, string> = {},
  server: FakeCalls = fakeCalls(),
) {
  const ui: BusEvent[] = [];
  const started = await bootCalls(clicktocall, cookies, server, (bus, win) => {
    registerClickToCall(bus, win);
    for (const name of EVENTS) bus.subscribe(`ClickToCall.${name}`, (event) => ui.push(event));
  });
  await settle();
  return {
    ...started,
    ui,
    uiNamed: (name: string) => ui.filter((e) => e.event === `ClickToCall.${name}`),
    autoLoad: () =>
      JSON.parse(started.cookie('app.autoLoadList') ?? '{}') as Record<string, boolean>,
  };
}

const shadow = () =>
  document.querySelector('frontdesk-widget[data-plugin=ClickToCall]')?.shadowRoot;
const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const found = shadow()?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
};
const has = (selector: string): boolean => Boolean(shadow()?.querySelector(selector));
function fill(selector: string, value: string) {
  const input = $<HTMLInputElement>(selector);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
const submit = () =>
  $<HTMLFormElement>('.fd-c2c-form').dispatchEvent(new Event('submit', { cancelable: true }));

async function requestNumber(p: Awaited<ReturnType<typeof page>>) {
  await p.bus.command('ClickToCall.open');
  fill('#cx_clicktocall_form_firstname', 'Vic');
  fill('#cx_clicktocall_form_phonenumber', '+49 171 1234567');
  submit();
  await settle();
}

describe('ClickToCall', () => {
  it('form with a checked phone number → number, code, tel link, countdown, wait; cookies, events', async () => {
    const p = await page({ ewt: { threshold: 60 } });
    await p.bus.command('ClickToCall.open');
    expect(p.cookie(N.OPEN_COOKIE)).toBe('true');
    expect(
      Array.from(shadow()!.querySelectorAll('.fd-c2c-field label')).map((l) => l.textContent),
    ).toEqual(['First name', 'Last name', 'Your phone number']);
    submit();
    expect($('#cx_clicktocall_form_phonenumber').getAttribute('aria-invalid')).toBe('true');
    expect($('#cx_clicktocall_form_phonenumber-error').textContent).toBe(
      'Please fill in this field.',
    );
    fill('#cx_clicktocall_form_phonenumber', '0171-CALL-ME');
    submit();
    expect($('#cx_clicktocall_form_phonenumber-error').textContent).toContain('digits only');
    // Digits, but too few or too many: the message says so (re-checked while typing).
    fill('#cx_clicktocall_form_phonenumber', '12');
    expect($('#cx_clicktocall_form_phonenumber-error').textContent).toBe(
      'This number is too short: please give at least 6 digits.',
    );
    fill('#cx_clicktocall_form_phonenumber', '+49 171 1234567 8901');
    expect($('#cx_clicktocall_form_phonenumber-error').textContent).toBe(
      'This number is too long: a phone number has at most 15 digits.',
    );
    submit();
    expect($('#cx_clicktocall_form_phonenumber-error').textContent).toContain('too long');
    expect(p.server.sent).toHaveLength(0);
    fill('#cx_clicktocall_form_phonenumber', '+49 171 1234567');
    expect(has('#cx_clicktocall_form_phonenumber-error')).toBe(false);
    fill('#cx_clicktocall_form_firstname', 'Vic');
    submit();
    await settle();

    expect(p.server.sent[0]!.form.get('_customer_number')).toBe('+491711234567');
    expect(p.server.sent[0]!.form.get('firstname')).toBe('Vic');
    const link = $<HTMLAnchorElement>('#fd-c2c-number');
    expect(link.textContent).toBe('+12025550100');
    expect(link.getAttribute('href')).toBe('tel:+12025550100,,123456%23');
    expect($('#fd-c2c-code').textContent).toBe('123456');
    expect($('#fd-c2c-countdown').textContent).toBe('Valid for 10:00');
    expect($('#fd-c2c-wait').textContent).toBe('Expected wait: about 2 min');
    expect(p.uiNamed('opened')).toHaveLength(1);
    expect(p.uiNamed('submitted')).toHaveLength(1);
    expect(p.uiNamed('started')).toHaveLength(1);
    expect(p.uiNamed('completed')).toHaveLength(1);
    expect(
      (p.uiNamed('completed')[0]!.data as { form: Record<string, string> }).form.firstname,
    ).toBe('Vic');
    expect(p.autoLoad()).toEqual({ ClickToCall: true });
    const values = p.fake.cookies.map((c) => decodeURIComponent(c.value)).join(' ');
    expect(values).not.toMatch(/Vic|171/);
  });

  it('shows that the call came in: the countdown stops, the service stops asking', async () => {
    const p = await page({ ewt: { display: false } });
    await requestNumber(p);
    const key = p.cookie(C.statusKey);
    expect(key).toBe('v1.key-123456');
    await vi.waitFor(() => expect(p.server.statusAsked().length).toBeGreaterThan(1));
    expect(new Set(p.server.statusAsked())).toEqual(new Set([key]));
    expect(has('#fd-c2c-received')).toBe(false);

    p.server.setStatus(key!, 'received');
    await vi.waitFor(() => expect(has('#fd-c2c-received')).toBe(true));
    expect($('#fd-c2c-received').textContent).toBe(
      'Call received — an agent will be with you shortly.',
    );
    expect($('#fd-c2c-received').getAttribute('role')).toBe('status');
    expect(has('#fd-c2c-countdown')).toBe(false);
    expect(p.named('ClickToCallService.callReceived').map((e) => e.data)).toEqual([
      { sPhoneNumber: '+12025550100', sAccessCode: '123456' },
    ]);
    const asked = p.server.statusAsked().length;
    await new Promise((resolve) => setTimeout(resolve, 150)); // several intervals of 20 ms
    expect(p.server.statusAsked()).toHaveLength(asked);
  });

  it('asks about the call only while the window is open', async () => {
    const p = await page({ ewt: { display: false } });
    await requestNumber(p);
    await vi.waitFor(() => expect(p.server.statusAsked().length).toBeGreaterThan(0));
    await p.bus.command('ClickToCall.close');
    await settle();
    const asked = p.server.statusAsked().length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(p.server.statusAsked()).toHaveLength(asked);
    await p.bus.command('ClickToCall.open');
    await vi.waitFor(() => expect(p.server.statusAsked().length).toBeGreaterThan(asked));
    expect(has('#fd-c2c-number')).toBe(true);
  });

  it('counts down to expiry: the number goes, its cookies go, autoLoadList flips to false', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    const p = await page({ ewt: { display: false } });
    p.server.answer((call) =>
      call.url.pathname.endsWith('/wait')
        ? undefined
        : [
            200,
            {
              _access_number: '+12025550100',
              _access_code: '777777',
              _tel_url: 'tel:+12025550100',
              _expiration_time: 3,
            },
          ],
    );
    await requestNumber(p);
    expect($('#fd-c2c-countdown').textContent).toBe('Valid for 0:03');
    expect(p.cookie(C.accessCode)).toBe('777777');
    expect($('.fd-c2c-live').textContent).toBe('0:03 left to call with this number and code.');
    vi.advanceTimersByTime(1000);
    expect($('#fd-c2c-countdown').textContent).toBe('Valid for 0:02');
    vi.advanceTimersByTime(2000);
    await settle();
    expect(p.uiNamed('expired')).toHaveLength(1);
    expect($('.fd-c2c-expired').textContent).toBe('This number and code have expired.');
    for (const name of Object.values(C)) expect(p.cookie(name)).toBeUndefined();
    expect(p.autoLoad()).toEqual({ ClickToCall: false });
    $<HTMLButtonElement>('#fd-c2c-again').click();
    expect(has('#cx_clicktocall_form_phonenumber')).toBe(true);
  });

  it('comes back after navigation with the number and the countdown left', async () => {
    const left = Date.now() + 125_000;
    const p = await page(
      {},
      {
        [N.OPEN_COOKIE]: 'true',
        [C.expire]: String(left),
        [C.phoneNumber]: '+12025550100',
        [C.accessCode]: '424242',
        [C.telHref]: 'tel:+12025550100,,424242%23',
      },
    );
    await vi.waitFor(() => expect(has('#fd-c2c-number')).toBe(true));
    expect($('#fd-c2c-code').textContent).toBe('424242');
    expect($('#fd-c2c-countdown').textContent).toMatch(/^Valid for 2:0[45]$/);
    expect(p.autoLoad()).toEqual({ ClickToCall: true });
    expect(p.server.sent.filter((call) => call.url.pathname.endsWith('/pages'))).toHaveLength(1);
  });

  it('a number that expired while away shows as expired, and is forgotten', async () => {
    const p = await page(
      {},
      {
        [N.OPEN_COOKIE]: 'true',
        [C.expire]: String(Date.now() - 1000),
        [C.phoneNumber]: '+1202',
        [C.accessCode]: '1',
        [C.telHref]: 'tel:+1202',
        'app.autoLoadList': '{"ClickToCall":true}',
      },
    );
    await vi.waitFor(() => expect(has('.fd-c2c-expired')).toBe(true));
    expect(p.uiNamed('expired')).toHaveLength(1);
    expect(p.cookie(C.phoneNumber)).toBeUndefined();
    expect(p.autoLoad()).toEqual({ ClickToCall: false });
  });

  it('closes with a confirmation while a number is held, minimizes, and rejects twice', async () => {
    const p = await page();
    await requestNumber(p);
    expect(await reasonOf(p.bus.command('ClickToCall.open'))).toBe(N.ALREADY_OPENED);
    await p.bus.command('ClickToCall.minimize');
    expect($('.fd-c2c-window').dataset['minimized']).toBe('true');
    expect(has('#fd-c2c-number')).toBe(false);
    $<HTMLButtonElement>('.fd-c2c-close').click();
    expect($('#fd-c2c-confirm').textContent).toContain('stay valid');
    expect($('.fd-c2c-window').dataset['minimized']).toBe('false');
    $<HTMLButtonElement>('.fd-c2c-no').click();
    expect(has('.fd-c2c-window')).toBe(true);
    $<HTMLButtonElement>('.fd-c2c-close').click();
    $<HTMLButtonElement>('.fd-c2c-yes').click();
    await settle();
    expect(has('.fd-c2c-window')).toBe(false);
    expect(p.cookie(N.OPEN_COOKIE)).toBe('false');
    expect(p.cookie(C.phoneNumber)).toBe('+12025550100'); // valid until it expires
    expect(p.autoLoad()).toEqual({ ClickToCall: false });
    expect(p.uiNamed('minimized')).toHaveLength(1);
    expect(p.uiNamed('unminimized')).toHaveLength(1);
    expect(p.uiNamed('closed')).toHaveLength(1);
    expect(p.uiNamed('cancelled')).toHaveLength(0);
    expect(await reasonOf(p.bus.command('ClickToCall.close'))).toBe(N.ALREADY_CLOSED);
    await p.bus.command('ClickToCall.open');
    expect($('#fd-c2c-code').textContent).toBe('123456');
  });

  it('asks before dropping a typed form; closing before a number is cancelled', async () => {
    const p = await page();
    await p.bus.command('ClickToCall.open', { form: { firstname: 'Ann' } });
    expect($<HTMLInputElement>('#cx_clicktocall_form_firstname').value).toBe('Ann');
    $<HTMLButtonElement>('.fd-c2c-close').click();
    expect($('#fd-c2c-confirm').textContent).toContain('What you typed will be lost');
    $<HTMLButtonElement>('.fd-c2c-yes').click();
    await settle();
    expect(p.uiNamed('cancelled')).toHaveLength(1);
    expect(p.server.sent).toHaveLength(0);
  });

  it('shows the server refusing or unreachable in the form, in the page language', async () => {
    const p = await page();
    p.server.answer(() => [
      503,
      {
        error: { code: 'unavailable', message: 'busy', details: {} },
        exception: 'unavailable',
        message: 'busy',
      },
    ]);
    await requestNumber(p);
    expect($('.fd-c2c-form [role=alert]').textContent).toBe(
      'We could not give you a number. Please try again.',
    );
    await p.bus.command('App.setLanguage', { lang: 'de' });
    p.server.answer(() => 'offline');
    submit();
    await settle();
    expect($('.fd-c2c-form [role=alert]').textContent).toContain('nicht erreichbar');
    expect($('#fd-c2c-submit').textContent).toBe('Nummer zum Anrufen erhalten');
  });

  it('takes a custom formJSON and autoSubmit, with userData from open', async () => {
    const p = await page({
      formJSON: {
        inputs: [
          { id: 'phone', name: 'phonenumber', label: 'Phone', required: true },
          { id: 'order', name: 'orderId', label: 'Order', value: 'A-1' },
        ],
      },
    });
    await p.bus.command('ClickToCall.open', {
      form: { phonenumber: '+4930123456', autoSubmit: true },
      userData: { vip: true },
    });
    await settle();
    expect(Object.fromEntries(p.server.sent[0]!.form)).toMatchObject({
      phonenumber: '+4930123456',
      orderId: 'A-1',
      vip: 'true',
    });
    expect(has('#fd-c2c-number')).toBe(true);
  });
});
