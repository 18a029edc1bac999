/**
 * ClickToCallService: asks the server at `clicktocall.dataURL` for a number to call and an access
 * code, keeps them in the four `clicktocall.state.*` number cookies until they expire, and gives
 * them back after a refresh, a navigation or a move to another sub-domain (`restore`).
 *
 * The cookies hold only the contact centre's number, the code, its `tel:` link, the expiry
 * time and the server's sealed status key; nothing the visitor typed is stored in the browser.
 * While ClickToCall shows a number, the service asks the server every few seconds whether the
 * call came in, and publishes `callReceived` when it did.
 */
import { commonOf, isRecord, type Common } from '../../core/common';
import type { HttpError } from '../../core/http';
import type { CXBusGlobal, PluginInterface } from '../../core/types';
import * as N from './names';

export interface ServiceSetup {
  fetch?: typeof fetch;
  now?: () => number;
  /** ms between questions about the call (default 4000). */
  statusInterval?: number;
}

/** The `numberReceived` event, and what `requestNumber` resolves with. */
export interface NumberReceived {
  error: boolean;
  netfail: boolean;
  errormsg: string;
  sPhoneNumber: string;
  sAccessCode: string;
  sPhoneTelHref: string;
  iExpireTime: number;
}

/** What `restore` resolves with; `iExipreTime` (seconds left) is spelled as Genesys spelt it. */
export interface Restored {
  bRestoreSuccess: boolean;
  bExpired?: boolean;
  sPhoneNumber?: string;
  sPhoneTelHref?: string;
  sAccessCode?: string;
  iExipreTime?: number;
}

interface Held {
  expire: number;
  phone: string;
  code: string;
  href: string;
  key: string;
}

type Options = Record<string, unknown>;

interface Answer {
  ok: boolean;
  status: number;
  data: unknown;
}

const DEFAULT_TIMEOUT_MS = 3000;
const STATUS_INTERVAL_MS = 4000;
// The server's sealed key: base64url after a version prefix, and cookie-sized.
const SEALED_KEY = /^[A-Za-z0-9._-]{1,1000}$/;
// A `tel:` link and nothing else: a hostile server must not hand the page a javascript: link.
const SAFE_TEL = /^tel:[0-9+*#%,;pPwW.-]+$/;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const asField = (value: unknown): string | undefined => {
  if (value === undefined || value === null || typeof value === 'function') return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
};

/** The `tel:` link to show: the server's when it is one, else one made from the number. */
export function safeTelHref(href: unknown, number: string): string {
  return typeof href === 'string' && SAFE_TEL.test(href)
    ? href
    : `tel:${number.replace(/[^0-9+]/g, '')}`;
}

/** Register ClickToCallService on `bus`; it configures itself when App is ready. */
export function registerClickToCallService(
  bus: CXBusGlobal,
  win: Window,
  setup: ServiceSetup = {},
): PluginInterface | false {
  const plugin = bus.registerPlugin('ClickToCallService');
  if (!plugin) return false;
  const now = setup.now ?? Date.now;
  let common: Common | undefined;
  let config: Options = {};
  let reported = '';

  const cookies = () => common!.cookies;
  const fetchFn = (): typeof fetch => setup.fetch ?? win.fetch.bind(win);
  const endpoint = (suffix: string, params: Record<string, string> = {}): string => {
    const url = new URL(text(config['dataURL']), win.location.href);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${suffix}`;
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
    return url.href;
  };
  /** The server's answer, whatever its status: this protocol puts its errors in its own fields. */
  const send = (url: string, method: string, body?: URLSearchParams): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (text(config['apikey'])) headers['apikey'] = text(config['apikey']);
    return common!
      .http(fetchFn(), {
        method,
        url,
        headers,
        body,
        credentials: 'omit',
        timeout:
          typeof config['ajaxTimeout'] === 'number' ? config['ajaxTimeout'] : DEFAULT_TIMEOUT_MS,
      })
      .then(
        (reply) => ({ ok: true, ...reply }),
        (failure: HttpError) => {
          if (!failure.status) throw failure;
          return { ok: false, status: failure.status, data: failure.reply };
        },
      );
  };

  // The number cookies

  const held = (): Held | undefined => {
    const expire = Number(cookies().get(N.NUMBER_COOKIES.expire));
    const phone = cookies().get(N.NUMBER_COOKIES.phoneNumber) ?? '';
    const href = cookies().get(N.NUMBER_COOKIES.telHref) ?? '';
    if (!Number.isFinite(expire) || expire <= 0 || !phone || !href) return undefined;
    return {
      expire,
      phone,
      href: safeTelHref(href, phone),
      code: cookies().get(N.NUMBER_COOKIES.accessCode) ?? '',
      key: cookies().get(N.NUMBER_COOKIES.statusKey) ?? '',
    };
  };
  const hold = (number: Held): void => {
    cookies().set(N.NUMBER_COOKIES.expire, String(number.expire));
    cookies().set(N.NUMBER_COOKIES.phoneNumber, number.phone);
    cookies().set(N.NUMBER_COOKIES.accessCode, number.code);
    cookies().set(N.NUMBER_COOKIES.telHref, number.href);
    if (number.key) cookies().set(N.NUMBER_COOKIES.statusKey, number.key);
    else cookies().remove(N.NUMBER_COOKIES.statusKey);
  };
  const forget = (): void => {
    for (const name of Object.values(N.NUMBER_COOKIES)) cookies().remove(name);
  };

  // Requests

  const requestForm = (data: Options, phone: string): URLSearchParams => {
    const form = new URLSearchParams();
    const add = (name: string, value: unknown): void => {
      const field = asField(value);
      if (field !== undefined) form.set(name, field);
    };
    add('_call_direction', 'USERORIGINATED');
    add('_wait_for_agent', 'false');
    add('_wait_for_user_confirm', 'false');
    add('_provide_code', String(config['provideAccessCode'] !== false));
    add('_customer_number', phone);
    add('_language', plugin.data('App.language'));
    add('_genesys_url', win.location.href);
    add('_genesys_pageTitle', win.document.title);
    add('_genesys_referrer', win.document.referrer);
    // Protocol fields start with "_": a form field or userData key may not pose as one.
    for (const [name, value] of Object.entries(data)) {
      if (name !== 'userData' && !name.startsWith('_')) add(name, value);
    }
    const userData = {
      ...(isRecord(config['userData']) ? config['userData'] : {}),
      ...(isRecord(data['userData']) ? data['userData'] : {}),
    };
    for (const [name, value] of Object.entries(userData))
      if (!name.startsWith('_')) add(name, value);
    return form;
  };

  const received = (payload: Partial<NumberReceived>): NumberReceived => {
    const result: NumberReceived = {
      error: false,
      netfail: false,
      errormsg: '',
      sPhoneNumber: '',
      sAccessCode: '',
      sPhoneTelHref: '',
      iExpireTime: 0,
      ...payload,
    };
    plugin.publish('numberReceived', result);
    return result;
  };

  const requestNumber = async (data: Options): Promise<NumberReceived> => {
    if (!text(config['dataURL'])) throw N.NOT_CONFIGURED;
    if (data['userData'] !== undefined && !isRecord(data['userData'])) throw N.BAD_USER_DATA;
    const phone = text(data['phonenumber']).trim();
    if (!phone) throw N.NO_PHONE_NUMBER;
    let response: Answer;
    try {
      response = await send(text(config['dataURL']), 'POST', requestForm(data, phone));
    } catch {
      return received({ error: true, netfail: true });
    }
    const reply = isRecord(response.data) ? response.data : {};
    const number = text(reply['_access_number']);
    const seconds = Number(reply['_expiration_time']);
    if (!response.ok || !number || !(seconds > 0)) {
      const message =
        text(reply['message']) || (isRecord(reply['error']) ? text(reply['error']['message']) : '');
      return received({ error: true, errormsg: message || `HTTP ${response.status}` });
    }
    const code = text(reply['_access_code']);
    const href =
      config['autoDialAccessCode'] === false
        ? safeTelHref(undefined, number)
        : safeTelHref(reply['_tel_url'], number);
    const key = text(reply['_status_key']);
    hold({
      expire: now() + seconds * 1000,
      phone: number,
      code,
      href,
      key: SEALED_KEY.test(key) ? key : '',
    });
    reported = href;
    watch();
    return received({
      sPhoneNumber: number,
      sAccessCode: code,
      sPhoneTelHref: href,
      iExpireTime: seconds,
    });
  };

  /** Tell the server which page the visitor is on now; fire and forget, once per page. */
  const reportPage = (number: Held): void => {
    if (!text(config['dataURL']) || reported === number.href) return;
    reported = number.href;
    const form = new URLSearchParams({
      _access_number: number.phone,
      _access_code: number.code,
      _genesys_url: win.location.href,
      _genesys_pageTitle: win.document.title,
    });
    send(endpoint('pages'), 'POST', form).catch(() => undefined);
  };

  // Whether the call came in: asked while a number is shown, until it came in or expired.

  let watching: ReturnType<typeof setTimeout> | undefined;
  /** Each start or stop begins a new round; an answer from an older round is dropped. */
  let round = 0;
  const stopWatching = (): void => {
    round++;
    clearTimeout(watching);
  };
  const askStatus = async (mine: number): Promise<void> => {
    const number = held();
    if (!number?.key || number.expire <= now() || !text(config['dataURL'])) return;
    let status = '';
    let refused = false;
    try {
      const response = await send(
        endpoint('status'),
        'POST',
        new URLSearchParams({ _status_key: number.key }),
      );
      const body = response.data;
      if (isRecord(body)) status = text(body['status']);
      // A key the server refuses stays refused; anything else (busy, offline) may pass.
      refused = response.status === 401 || response.status === 403;
    } catch {
      // Offline for a moment: ask again later.
    }
    if (mine !== round) return;
    if (status === 'received') {
      plugin.publish('callReceived', { sPhoneNumber: number.phone, sAccessCode: number.code });
      return;
    }
    if (refused || status === 'expired') return;
    watching = setTimeout(() => void askStatus(mine), setup.statusInterval ?? STATUS_INTERVAL_MS);
  };
  const watch = (): void => {
    stopWatching();
    const mine = round;
    // Asked at once: a page opened after the call came in says so straight away.
    watching = setTimeout(() => void askStatus(mine), 0);
  };

  const restore = (): Restored => {
    const number = held();
    if (!number) return { bRestoreSuccess: false };
    const left = Math.floor((number.expire - now()) / 1000);
    if (left <= 0) {
      forget();
      return { bRestoreSuccess: false, bExpired: true };
    }
    const result: Restored = {
      bRestoreSuccess: true,
      sPhoneNumber: number.phone,
      sPhoneTelHref: number.href,
      sAccessCode: number.code,
      iExipreTime: left,
    };
    plugin.publish('restored', result);
    reportPage(number);
    return result;
  };

  const queueOf = (data: Options): string => {
    const ewt = isRecord(config['ewt']) ? config['ewt'] : {};
    const given = text(data['queue']) || text(ewt['queue']);
    if (given || !text(config['dataURL'])) return given;
    return new URL(text(config['dataURL']), win.location.href).searchParams.get('queue') ?? '';
  };

  const waitTime = async (
    data: Options,
  ): Promise<{ queue: string; estimatedWaitSeconds: number }> => {
    if (!text(config['dataURL'])) throw N.NOT_CONFIGURED;
    const queue = queueOf(data);
    const response = await send(endpoint('wait', queue ? { queue } : {}), 'GET');
    const body = response.data;
    const seconds = isRecord(body) ? Number(body['estimated_wait_seconds']) : NaN;
    if (!response.ok || !Number.isFinite(seconds)) throw `HTTP ${response.status}`;
    return { queue: isRecord(body) ? text(body['queue']) : queue, estimatedWaitSeconds: seconds };
  };

  // Commands

  const command = (name: string, run: (data: Options) => unknown): void => {
    plugin.registerCommand(name, ({ data, deferred }) => {
      Promise.resolve()
        .then(() => run(data))
        .then(
          (value) => deferred.resolve(value),
          (reason: unknown) => deferred.reject(reason),
        );
    });
  };
  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw N.INVALID_CONFIGURATION;
    config = { ...config, ...data };
    return config;
  });
  command('requestNumber', requestNumber);
  command('restore', restore);
  command('getEstimatedWaitTime', waitTime);
  plugin.registerEvents(['ready', 'restored', 'numberReceived', 'callReceived']);

  // The number's cookies go when ClickToCall says it expired.
  plugin.subscribe('ClickToCall.expired', () => {
    stopWatching();
    if (common) forget();
  });
  // Nobody looks at a closed window: the server is asked only while it is open.
  plugin.subscribe('ClickToCall.opened', () => {
    if (common && held()) watch();
  });
  plugin.subscribe('ClickToCall.closed', stopWatching);
  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    const own = common.config()['clicktocall'];
    if (isRecord(own)) config = { ...own };
    plugin.ready();
    plugin.republish('ready', {});
  });
  return plugin;
}
