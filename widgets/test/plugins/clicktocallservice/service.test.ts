import { afterEach, describe, expect, it, vi } from 'vitest';
import * as N from '../../../src/plugins/clicktocallservice/names';
import { safeTelHref } from '../../../src/plugins/clicktocallservice/service';
import { reasonOf } from '../../helpers';
import { bootCalls, DATA_URL, fakeCalls } from './fake_calls';

const C = N.NUMBER_COOKIES;

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

describe('ClickToCallService', () => {
  it('posts the Genesys form with the api key and keeps the number in four cookies', async () => {
    const t0 = 1_800_000_000_000;
    const page = await bootCalls(
      { apikey: 'key-1', userData: { shop: 'demo', _sneaky: 'x' } },
      {},
      fakeCalls(),
      undefined,
      () => t0,
    );
    const result = await page.bus.command('ClickToCallService.requestNumber', {
      phonenumber: '+49 171 1234567',
      firstname: 'Vic',
      lastname: 'Tor',
      _provide_code: 'false',
      userData: { cart: { items: 2 } },
    });
    const [call] = page.server.sent;
    expect(call!.method).toBe('POST');
    expect(call!.url.href).toBe(DATA_URL);
    expect(call!.headers['apikey']).toBe('key-1');
    expect(Object.fromEntries(call!.form)).toEqual({
      _call_direction: 'USERORIGINATED',
      _wait_for_agent: 'false',
      _wait_for_user_confirm: 'false',
      _provide_code: 'true',
      _customer_number: '+49 171 1234567',
      _language: 'en',
      _genesys_url: window.location.href,
      _genesys_pageTitle: document.title,
      _genesys_referrer: document.referrer,
      phonenumber: '+49 171 1234567',
      firstname: 'Vic',
      lastname: 'Tor',
      shop: 'demo',
      cart: '{"items":2}',
    });
    const expected = {
      error: false,
      netfail: false,
      errormsg: '',
      sPhoneNumber: '+12025550100',
      sAccessCode: '123456',
      sPhoneTelHref: 'tel:+12025550100,,123456%23',
      iExpireTime: 600,
    };
    expect(result).toEqual(expected);
    expect(page.named('ClickToCallService.numberReceived').map((e) => e.data)).toEqual([expected]);
    expect(page.cookie(C.expire)).toBe(String(t0 + 600_000));
    expect(page.cookie(C.phoneNumber)).toBe('+12025550100');
    expect(page.cookie(C.accessCode)).toBe('123456');
    expect(page.cookie(C.telHref)).toBe('tel:+12025550100,,123456%23');
    const values = page.fake.cookies.map((c) => decodeURIComponent(c.value)).join(' ');
    for (const personal of ['Vic', 'Tor', '171', 'demo', 'items'])
      expect(values).not.toContain(personal);
  });

  it('reports validation errors and network failures in numberReceived, storing nothing', async () => {
    const page = await bootCalls({});
    page.server.answer(() => [
      422,
      {
        error: { code: 'invalid_input', message: 'bad', details: {} },
        exception: 'invalid_input',
        message: '_customer_number must be a phone number.',
      },
    ]);
    const refused = await page.bus.command('ClickToCallService.requestNumber', {
      phonenumber: 'x1',
    });
    expect(refused).toMatchObject({
      error: true,
      netfail: false,
      errormsg: '_customer_number must be a phone number.',
    });
    page.server.answer(() => 'offline');
    const offline = await page.bus.command('ClickToCallService.requestNumber', {
      phonenumber: '+4930123',
    });
    expect(offline).toMatchObject({ error: true, netfail: true });
    page.server.answer(() => [
      200,
      {
        _access_number: '+1555',
        _access_code: '1',
        _tel_url: 'javascript:alert(1)',
        _expiration_time: 60,
      },
    ]);
    const hostile = await page.bus.command<{ sPhoneTelHref: string }>(
      'ClickToCallService.requestNumber',
      { phonenumber: '+4930123' },
    );
    expect(hostile.sPhoneTelHref).toBe('tel:+1555');
    expect(page.named('ClickToCallService.numberReceived')).toHaveLength(3);
    expect(safeTelHref('tel:+1 (555) <b>', '+1 555')).toBe('tel:+1555');
  });

  it('restores an unexpired number with the seconds left, and reports the page once', async () => {
    const now = 1_800_000_000_000;
    const page = await bootCalls(
      {},
      {
        [C.expire]: String(now + 95_500),
        [C.phoneNumber]: '+12025550100',
        [C.accessCode]: '654321',
        [C.telHref]: 'tel:+12025550100,,654321%23',
      },
      fakeCalls(),
      undefined,
      () => now,
    );
    const restored = {
      bRestoreSuccess: true,
      sPhoneNumber: '+12025550100',
      sPhoneTelHref: 'tel:+12025550100,,654321%23',
      sAccessCode: '654321',
      iExipreTime: 95,
    };
    expect(await page.bus.command('ClickToCallService.restore')).toEqual(restored);
    expect(await page.bus.command('ClickToCallService.restore')).toEqual(restored);
    expect(page.named('ClickToCallService.restored')).toHaveLength(2);
    const reports = page.server.sent.filter((call) => call.url.pathname.endsWith('/pages'));
    expect(reports).toHaveLength(1);
    expect(reports[0]!.url.href).toBe(
      'https://fd.example.test/api/click-to-call/pages?queue=sales',
    );
    expect(Object.fromEntries(reports[0]!.form)).toEqual({
      _access_number: '+12025550100',
      _access_code: '654321',
      _genesys_url: window.location.href,
      _genesys_pageTitle: document.title,
    });
  });

  it('forgets an expired number at restore, and the number when ClickToCall expires it', async () => {
    const now = 1_800_000_000_000;
    const held = {
      [C.expire]: String(now - 1),
      [C.phoneNumber]: '+1202',
      [C.accessCode]: '1',
      [C.telHref]: 'tel:+1202',
    };
    const page = await bootCalls({}, held, fakeCalls(), undefined, () => now);
    expect(await page.bus.command('ClickToCallService.restore')).toEqual({
      bRestoreSuccess: false,
      bExpired: true,
    });
    expect(page.fake.cookies.filter((c) => c.name.includes('clicktocall'))).toEqual([]);
    expect(await page.bus.command('ClickToCallService.restore')).toEqual({
      bRestoreSuccess: false,
    });

    await page.bus.command('ClickToCallService.requestNumber', { phonenumber: '+4930123' });
    expect(page.cookie(C.phoneNumber)).toBe('+12025550100');
    const ui = page.bus.registerPlugin('ClickToCall');
    if (!ui) throw new Error('ClickToCall taken');
    ui.publish('expired', {});
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(page.fake.cookies.filter((c) => c.name.includes('clicktocall'))).toEqual([]);
  });

  it('keeps the sealed status key with the number; a key the server refuses is not asked again', async () => {
    const server = fakeCalls();
    const page = await bootCalls({}, {}, server);
    server.answer((call) =>
      call.url.pathname.endsWith('/status')
        ? undefined
        : [
            200,
            {
              _access_number: '+12025550100',
              _access_code: '1',
              _tel_url: 'tel:+12025550100',
              _expiration_time: 600,
              _status_key: 'forged',
            },
          ],
    );
    await page.bus.command('ClickToCallService.requestNumber', { phonenumber: '+4930123' });
    expect(page.cookie(C.statusKey)).toBe('forged');
    await vi.waitFor(() => expect(server.statusAsked()).toEqual(['forged']));
    await new Promise((resolve) => setTimeout(resolve, 150)); // several intervals of 20 ms
    expect(server.statusAsked()).toEqual(['forged']);
    expect(page.named('ClickToCallService.callReceived')).toEqual([]);

    // Anything but a sealed-looking value is not kept at all.
    server.answer((call) =>
      call.url.pathname.endsWith('/status')
        ? undefined
        : [
            200,
            {
              _access_number: '+12025550100',
              _access_code: '2',
              _tel_url: 'tel:+12025550100',
              _expiration_time: 600,
              _status_key: 'a b;c',
            },
          ],
    );
    await page.bus.command('ClickToCallService.requestNumber', { phonenumber: '+4930123' });
    expect(page.cookie(C.statusKey)).toBeUndefined();
  });

  it('reads the estimated wait of the configured queue', async () => {
    const page = await bootCalls({ ewt: { queue: 'billing' } });
    page.server.setWait(150);
    expect(await page.bus.command('ClickToCallService.getEstimatedWaitTime')).toEqual({
      queue: 'billing',
      estimatedWaitSeconds: 150,
    });
    expect(page.server.sent[0]!.url.href).toBe(
      'https://fd.example.test/api/click-to-call/wait?queue=billing',
    );
    const plain = await bootCalls({ dataURL: 'https://fd.example.test/api/click-to-call/' });
    await plain.bus.command('ClickToCallService.getEstimatedWaitTime');
    expect(plain.server.sent[0]!.url.href).toBe('https://fd.example.test/api/click-to-call/wait');
  });

  it('rejects bad calls with its reasons', async () => {
    const page = await bootCalls({});
    expect(await reasonOf(page.bus.command('ClickToCallService.configure', {}))).toBe(
      N.INVALID_CONFIGURATION,
    );
    expect(await reasonOf(page.bus.command('ClickToCallService.requestNumber', {}))).toBe(
      N.NO_PHONE_NUMBER,
    );
    expect(
      await reasonOf(
        page.bus.command('ClickToCallService.requestNumber', {
          phonenumber: '+4930',
          userData: 'x',
        }),
      ),
    ).toBe(N.BAD_USER_DATA);
    await page.bus.command('ClickToCallService.configure', { dataURL: '' });
    expect(
      await reasonOf(
        page.bus.command('ClickToCallService.requestNumber', { phonenumber: '+4930' }),
      ),
    ).toBe(N.NOT_CONFIGURED);
    expect(page.server.sent).toEqual([]);
  });
});
