/**
 * ClickToCall: the window on top of ClickToCallService, with the Genesys Widgets commands and
 * events. A registration form (the phone number checked), then the number to call as a `tel:`
 * link, the access code, a countdown and the estimated wait; when the time is up the number
 * expires. The window's own state is the `clicktocall.state.open` cookie; the number's four
 * cookies belong to the service, which clears them when `ClickToCall.expired` is published.
 */
import { h, render } from 'preact';
import { commonOf, isRecord, rememberFocus, type Common } from '../../core/common';
import type { CommandCall, CXBusGlobal, PluginInterface } from '../../core/types';
import { builtInValid, fieldsOf, type Field } from '../../shared/form';
import * as N from './names';
import { STRINGS } from './strings';
import { CSS } from './styles';
import {
  ClickToCallPanel,
  clock,
  type ClickToCallActions,
  type ClickToCallView,
  type Problem,
} from './view';

interface Received {
  error?: boolean;
  netfail?: boolean;
  sPhoneNumber?: string;
  sAccessCode?: string;
  sPhoneTelHref?: string;
  iExpireTime?: number;
}

interface Restored {
  bRestoreSuccess?: boolean;
  bExpired?: boolean;
  sPhoneNumber?: string;
  sPhoneTelHref?: string;
  sAccessCode?: string;
  iExipreTime?: number;
}

type Options = Record<string, unknown>;
type Stamp = 'opened' | 'submitted' | 'started' | 'completed' | 'expired' | 'cancelled' | 'closed';
type Meta = Partial<Record<Stamp, number>> & { form?: Record<string, string> };

const ANNOUNCE_AT = [100, 75, 50, 25, 10];
const noop = (): void => undefined;
const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' && value >= 0 ? value : fallback;

/** Add ClickToCall's built-in strings where the site's language pack has none. */
function addStrings(common: Common): void {
  for (const [lang, strings] of Object.entries(STRINGS)) {
    const present = common.i18n.strings(lang)['clicktocall'] ?? {};
    const missing = Object.fromEntries(
      Object.entries(strings).filter(([key]) => !(key in present)),
    );
    common.i18n.add(lang, 'clicktocall', missing);
  }
}

/** Register ClickToCall on `bus`; it configures itself when App is ready. */
export function registerClickToCall(bus: CXBusGlobal, win: Window): PluginInterface | false {
  const plugin = bus.registerPlugin('ClickToCall');
  if (!plugin) return false;
  let common: Common | undefined;
  let config: Options = {};
  let mounted: { root: HTMLElement; shadow: ShadowRoot } | undefined;
  let formDef: unknown = N.DEFAULT_FORM;
  let openUserData: Options = {};
  let expiresAt = 0;
  let lifetime = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let waitTimer: ReturnType<typeof setTimeout> | undefined;
  let focusTarget: string | undefined;
  let giveFocusBack = (): void => undefined;
  let meta: Meta = {};
  const spoken = new Set<number>();
  const view: ClickToCallView = {
    open: false,
    minimized: false,
    stage: 'form',
    fields: [],
    values: {},
    invalid: {},
    formError: '',
    number: undefined,
    remaining: 0,
    countdown: true,
    waitMinutes: undefined,
    confirm: undefined,
    announce: '',
  };

  const t = (key: string, fill: Record<string, string | number> = {}): string =>
    (common ? common.t('clicktocall', key) : key).replace(/<%(\w+)%>/g, (_all, name: string) =>
      String(fill[name] ?? ''),
    );
  const ewt = (): Options => (isRecord(config['ewt']) ? config['ewt'] : {});
  const service = <T>(name: string, options: object = {}) =>
    plugin.command<T>(`${N.SERVICE}.${name}`, options);

  const draw = (): void => {
    if (!common) return;
    if (!mounted) {
      if (!view.open) return;
      mounted = common.ui.mount('ClickToCall', CSS);
    }
    render(h(ClickToCallPanel, { view, actions, t }), mounted.root);
    if (focusTarget) {
      mounted.shadow.querySelector<HTMLElement>(focusTarget)?.focus();
      focusTarget = undefined;
    }
  };
  const publish = (event: Stamp): void => {
    meta[event] = Date.now();
    plugin.publish(event, { ...meta });
  };

  // The number, its countdown and the wait

  const stopTimers = (): void => {
    clearInterval(ticker);
    clearTimeout(waitTimer);
    ticker = undefined;
  };

  const expire = (): void => {
    stopTimers();
    view.number = undefined;
    view.stage = 'expired';
    view.waitMinutes = undefined;
    view.remaining = 0;
    view.announce = ''; // the expired notice is a status region itself
    publish('expired');
    plugin.command('App.deregisterAutoLoad').fail(noop);
    draw();
  };

  const tick = (): void => {
    if (!view.number) return;
    const left = Math.max(0, Math.ceil((expiresAt - Date.now()) / 1000));
    view.remaining = left;
    if (left <= 0) return expire();
    const share = lifetime > 0 ? (left / lifetime) * 100 : 0;
    const marks = Array.isArray(config['ariaNumberExpirationIntervals'])
      ? config['ariaNumberExpirationIntervals'].filter(
          (mark): mark is number => typeof mark === 'number',
        )
      : ANNOUNCE_AT;
    const due = marks.filter((mark) => share <= mark && !spoken.has(mark));
    if (due.length) {
      for (const mark of due) spoken.add(mark);
      view.announce = t('TimeLeft', { Time: clock(left) });
    }
    draw();
  };

  const refreshWait = (): void => {
    clearTimeout(waitTimer);
    const settings = ewt();
    if (settings['display'] === false || !view.number || !view.open) return;
    service<{ estimatedWaitSeconds: number }>('getEstimatedWaitTime', { queue: settings['queue'] })
      .done((reply) => {
        const seconds = reply.estimatedWaitSeconds;
        view.waitMinutes =
          seconds >= count(settings['threshold'], 30)
            ? Math.max(1, Math.round(seconds / 60))
            : undefined;
        draw();
      })
      .fail(noop);
    waitTimer = setTimeout(refreshWait, count(settings['refreshInterval'], 10) * 1000);
  };

  const hold = (phone: string, code: string, href: string, seconds: number): void => {
    view.number = { phone, code: config['provideAccessCode'] === false ? '' : code, href };
    view.stage = 'number';
    expiresAt = Date.now() + seconds * 1000;
    lifetime = seconds;
    spoken.clear();
    clearInterval(ticker);
    ticker = setInterval(tick, 1000);
    // An open window with a number is an active session: it comes back on the next page.
    if (view.open) plugin.command('App.registerAutoLoad').fail(noop);
    tick();
    refreshWait();
  };

  // The form

  const loadForm = (): void => {
    const previous = view.values;
    const translate = (namespace: string, key: string): string => common!.t(namespace, key);
    view.fields = fieldsOf(formDef, translate);
    if (view.fields.length === 0) view.fields = fieldsOf(N.DEFAULT_FORM, translate);
    view.values = {};
    for (const field of view.fields) view.values[field.name] = previous[field.name] ?? field.value;
  };

  const newForm = (data: Options): void => {
    formDef = data['formJSON'] ?? config['formJSON'] ?? N.DEFAULT_FORM;
    openUserData = isRecord(data['userData']) ? data['userData'] : {};
    view.stage = 'form';
    view.invalid = {};
    view.formError = '';
    view.values = {};
    loadForm();
    const given = isRecord(data['form']) ? data['form'] : {};
    for (const [key, value] of Object.entries(given)) {
      if (typeof value === 'string' && key in view.values) view.values[key] = value;
    }
    focusTarget = view.fields[0] ? `#${view.fields[0].id}` : undefined;
  };

  const problemOf = (field: Field, event: Event | undefined): Problem | undefined => {
    const value = view.values[field.name] ?? '';
    if (!builtInValid(field, value)) return value.trim() === '' ? 'required' : 'invalid';
    const phone = value.replace(/\s+/g, '');
    if (field.name === 'phonenumber' && phone !== '') {
      // Say what is wrong: characters that are not digits, or how many digits there are.
      if (!N.PHONE.test(phone)) return 'phone';
      const digits = phone.replace('+', '').length;
      if (digits < N.PHONE_DIGITS.min) return 'short';
      if (digits > N.PHONE_DIGITS.max) return 'long';
    }
    if (!field.validate) return undefined;
    const root = mounted?.shadow;
    const wrapper = root?.querySelector(`[data-field="${field.name}"]`);
    try {
      return field.validate(
        event,
        wrapper,
        root?.getElementById(field.id),
        wrapper?.querySelector('label'),
        undefined,
        win.CXBus,
        common,
      ) === false
        ? 'invalid'
        : undefined;
    } catch {
      return 'invalid';
    }
  };

  const failed = (message: string): void => {
    view.stage = 'form';
    view.formError = message;
    draw();
  };

  const submit = (event?: Event): void => {
    event?.preventDefault();
    if (view.stage !== 'form' || !view.open) return;
    view.invalid = {};
    for (const field of view.fields) {
      const problem = problemOf(field, event);
      if (problem) view.invalid[field.name] = problem;
    }
    const firstInvalid = view.fields.find((field) => view.invalid[field.name]);
    if (firstInvalid) {
      focusTarget = `#${firstInvalid.id}`;
      return draw();
    }
    const options: Options = { userData: openUserData };
    for (const field of view.fields) {
      const value = view.values[field.name] ?? '';
      if (value !== '')
        options[field.name] = field.name === 'phonenumber' ? value.replace(/\s+/g, '') : value;
    }
    meta.form = { ...view.values };
    view.stage = 'requesting';
    view.formError = '';
    draw();
    publish('submitted');
    publish('started');
    service<Received>('requestNumber', options)
      .done((reply) => {
        if (reply.error || !reply.sPhoneNumber)
          return failed(t(reply.netfail ? 'Offline' : 'RequestFailed'));
        hold(
          reply.sPhoneNumber,
          reply.sAccessCode ?? '',
          reply.sPhoneTelHref ?? '',
          count(reply.iExpireTime, 0),
        );
        focusTarget = '#fd-c2c-number';
        draw();
        publish('completed');
      })
      .fail(() => failed(t('RequestFailed')));
  };

  // Open, close, minimize

  const open = async (data: Options): Promise<void> => {
    giveFocusBack = rememberFocus(win);
    view.open = true;
    view.minimized = data['minimized'] === true;
    view.confirm = undefined;
    common!.cookies.set(N.OPEN_COOKIE, 'true');
    plugin.data('open', true);
    meta = {};
    let restored: Restored = {};
    try {
      restored = await service<Restored>('restore');
    } catch {
      // No service (yet): the form is all there is to show.
    }
    if (restored.bRestoreSuccess && restored.sPhoneNumber) {
      hold(
        restored.sPhoneNumber,
        restored.sAccessCode ?? '',
        restored.sPhoneTelHref ?? '',
        count(restored.iExipreTime, 0),
      );
      focusTarget = '#fd-c2c-number';
    } else if (restored.bExpired) {
      expire();
    } else if (view.stage !== 'requesting') {
      newForm(data);
    }
    draw();
    publish('opened');
    const given = isRecord(data['form']) ? data['form'] : {};
    if (given['autoSubmit'] === true && view.stage === 'form') submit();
  };

  const close = (): void => {
    const cancelled = view.stage === 'form' || view.stage === 'requesting';
    view.open = false;
    view.confirm = undefined;
    view.minimized = false;
    clearTimeout(waitTimer);
    common!.cookies.set(N.OPEN_COOKIE, 'false');
    plugin.data('open', false);
    plugin.command('App.deregisterAutoLoad').fail(noop);
    draw();
    giveFocusBack();
    if (cancelled) publish('cancelled');
    publish('closed');
  };

  const minimize = (minimized: boolean): void => {
    if (!view.open || view.minimized === minimized) return;
    view.minimized = minimized;
    draw();
    plugin.publish(minimized ? 'minimized' : 'unminimized', {});
  };

  const actions: ClickToCallActions = {
    toggleMinimize: () => minimize(!view.minimized),
    requestClose() {
      const typed = Object.values(view.values).some((value) => value !== '');
      if (view.stage === 'number') view.confirm = 'close';
      else if (view.stage === 'form' && typed && config['confirmFormCloseEnabled'] !== false)
        view.confirm = 'form';
      else return close();
      if (view.minimized) minimize(false);
      focusTarget = '.fd-c2c-no';
      draw();
    },
    answer(yes) {
      view.confirm = undefined;
      if (yes) return close();
      focusTarget = '.fd-c2c-close';
      draw();
    },
    escape() {
      if (view.confirm) return actions.answer(false);
      if (view.minimized) return;
      // A number stays on screen, out of the way; anything else closes (asking first if typed in).
      if (view.stage !== 'number') return actions.requestClose();
      focusTarget = '.fd-c2c-min';
      minimize(true);
    },
    submit,
    edit(field, value, event) {
      view.values = { ...view.values, [field.name]: value };
      if (view.invalid[field.name]) {
        const problem = problemOf(field, event);
        const invalid = { ...view.invalid };
        if (problem) invalid[field.name] = problem;
        else delete invalid[field.name];
        view.invalid = invalid;
      }
      draw();
    },
    again() {
      newForm({});
      draw();
    },
  };

  // Commands

  const command = (name: string, run: (data: Options, call: CommandCall) => unknown): void => {
    plugin.registerCommand(name, (call) => {
      Promise.resolve()
        .then(() => run(call.data, call))
        .then(
          (value) => call.deferred.resolve(value),
          (reason: unknown) => call.deferred.reject(reason),
        );
    });
  };
  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw N.INVALID_CONFIGURATION;
    config = { ...config, ...data };
    view.countdown = config['enableCountdown'] !== false;
    return config;
  });
  command('open', (data) => {
    if (view.open) throw N.ALREADY_OPENED;
    return open(data);
  });
  command('close', () => {
    if (!view.open) throw N.ALREADY_CLOSED;
    close();
  });
  command('minimize', (data) => {
    minimize(typeof data['minimized'] === 'boolean' ? data['minimized'] : !view.minimized);
  });
  plugin.registerEvents([
    'ready',
    'opened',
    'closed',
    'started',
    'cancelled',
    'submitted',
    'completed',
    'expired',
    'minimized',
    'unminimized',
  ]);

  // The IVR took the code: no countdown any more, the visitor knows they got through.
  plugin.subscribe(`${N.SERVICE}.callReceived`, () => {
    if (!view.number) return;
    stopTimers();
    view.number = undefined;
    view.waitMinutes = undefined;
    view.stage = 'received';
    view.announce = '';
    draw();
  });
  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    addStrings(common);
    const own = common.config()['clicktocall'];
    config = isRecord(own) ? { ...own } : {};
    view.countdown = config['enableCountdown'] !== false;
    plugin.subscribe('App.language', () => {
      if (view.stage === 'form' && view.open) loadForm();
      draw();
    });
    plugin.data('open', false);
    plugin.ready();
    plugin.republish('ready', {});
    if (common.cookies.get(N.OPEN_COOKIE) === 'true') {
      plugin.command('open', { restoring: true }).fail(noop);
      return;
    }
    // Closed, but on the page: keep the countdown, so the number's cookies go when it expires.
    service<Restored>('restore')
      .done((restored) => {
        if (restored.bRestoreSuccess && restored.sPhoneNumber && !view.number) {
          hold(
            restored.sPhoneNumber,
            restored.sAccessCode ?? '',
            restored.sPhoneTelHref ?? '',
            count(restored.iExipreTime, 0),
          );
        }
      })
      .fail(noop);
  });
  return plugin;
}
