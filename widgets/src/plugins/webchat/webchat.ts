/**
 * WebChat: the chat window on top of WebChatService, with the Genesys Widgets commands,
 * events, metadata object and `webchat.*` UI cookies. The UI lives in a Shadow DOM root
 * and is a Preact view of one state object; every change goes through `draw()`.
 */
import { h, render } from 'preact';
import { commonOf, isRecord, type Common } from '../../core/common';
import type { BusEvent, CommandCall, CXBusGlobal, PluginInterface } from '../../core/types';
import { builtInValid, DEFAULT_FORM, fieldsOf, TOP_LEVEL, type Field } from './form';
import { watchIdle } from './idle';
import { forCookie, newMeta, withDerived, type Meta, type Stamp } from './metadata';
import * as R from './reasons';
import { UI_COOKIES } from './reasons';
import { safeNodes } from './sanitize';
import { CSS } from './styles';
import { WebChatPanel, type Entry, type WebChatActions, type WebChatView } from './view';

const SERVICE = 'WebChatService';
type Options = Record<string, unknown>;
interface Message {
  index: number;
  type: string;
  text: string;
  timestamp: number;
  from: { id: string; type: string; name: string };
}

const count = (value: unknown, fallback: number): number =>
  typeof value === 'number' && value >= 0 ? value : fallback;

/** Register WebChat on `bus`; it configures itself when App is ready. */
export function registerWebChat(bus: CXBusGlobal, win: Window): PluginInterface | false {
  const plugin = bus.registerPlugin('WebChat');
  if (!plugin) return false;
  const doc = win.document;
  let common: Common | undefined;
  let config: Options = {};
  let mounted: { root: HTMLElement; shadow: ShadowRoot } | undefined;
  let active = false;
  let meta = newMeta();
  let formDef: unknown = DEFAULT_FORM;
  let openUserData: Options = {};
  let received = 0;
  let lastRead = 0;
  let injected = 0;
  let focusTarget: string | undefined;
  let inviteTimer: ReturnType<typeof setTimeout> | undefined;
  let added: [Message | Options, string][] = [];
  const view: WebChatView = {
    button: false, open: false, shown: true, minimized: false, stage: 'form', fields: [], values: {},
    invalid: {}, formError: '', entries: [], draft: '', maxLength: 500, charCount: false, markdown: false,
    agentTyping: undefined, unread: 0, confirm: undefined, overlay: undefined, toast: undefined,
    offline: false,
  };

  const cookies = () => common!.cookies;
  const t = (key: string, fill: Record<string, string | number> = {}): string =>
    (common ? common.t('webchat', key) : key).replace(/<%(\w+)%>/g, (_all, name: string) =>
      String(fill[name] ?? ''));
  const option = (path: string): unknown => path.split('.').reduce<unknown>(
    (value, key) => isRecord(value) ? value[key] : undefined, config);
  const buttonEnabled = (): boolean => option('chatButton.enabled') === true;

  // Drawing

  const draw = (): void => {
    if (!common) return;
    if (!mounted) {
      if (!view.button && !view.open && !view.toast) return;
      mounted = common.ui.mount('WebChat', CSS);
    }
    const shown = { ...view, button: view.button && !(view.toast && option('chatButton.hideDuringInvite') !== false) };
    render(h(WebChatPanel, { view: shown, actions, t }), mounted.root);
    const log = mounted.shadow.getElementById('fd-wc-log');
    if (log) log.scrollTop = log.scrollHeight;
    if (focusTarget) {
      mounted.shadow.querySelector<HTMLElement>(focusTarget)?.focus();
      focusTarget = undefined;
    }
    const published = added;
    added = [];
    for (const [data, key] of published) {
      plugin.publish('messageAdded', { data, html: mounted.shadow.querySelector(`[data-key="${key}"]`) });
    }
  };

  // Metadata

  const metadata = (): Options => withDerived(meta);
  const saveMeta = (): void => {
    if (active && option('metaDataEnabled') !== false) cookies().setJSON(UI_COOKIES.metaData, forCookie(meta));
  };
  const announce = (event: string, stamp?: Stamp): void => {
    if (stamp) meta[stamp] = Date.now();
    const data = metadata();
    plugin.data('metadata', data);
    saveMeta();
    plugin.publish(event, data);
  };

  // Unread messages

  const setUnread = (): void => {
    view.unread = Math.max(received - lastRead, 0);
    if (!view.minimized || !active) return;
    cookies().set(UI_COOKIES.unread, String(view.unread));
    cookies().set(UI_COOKIES.asyncUnread, String(view.unread));
  };
  const clearUnread = (): void => {
    for (const name of [UI_COOKIES.unread, UI_COOKIES.lastRead, UI_COOKIES.asyncUnread]) cookies().remove(name);
    view.unread = 0;
  };

  // Transcript

  const insert = (entry: Entry): void => {
    let at = view.entries.length;
    while (at > 0 && entry.index !== undefined && (view.entries[at - 1]!.index ?? 0) > entry.index) at--;
    view.entries = [...view.entries.slice(0, at), entry, ...view.entries.slice(at)];
  };

  const addMessage = (message: Message): void => {
    const key = `m${message.index}`;
    if (view.entries.some((entry) => entry.key === key)) return;
    const party = message.from.type;
    const name = message.from.name;
    const base = { key, party, name, time: message.timestamp, index: message.index };
    if (message.type === 'Message') {
      insert({ ...base, kind: 'message', text: message.text });
      if (party === 'Client') meta.userMessages++;
      else {
        meta.agentMessages++;
        received++;
        view.agentTyping = undefined;
      }
    } else {
      let text = message.text;
      const agentName = name || t('AgentNameDefault');
      if (message.type === 'ParticipantJoined') text = party === 'Client' ? t('ChatStarted') : t('AgentConnected', { Agent: agentName });
      if (message.type === 'ParticipantLeft') text = party === 'Client' ? '' : t('AgentDisconnected', { Agent: agentName });
      if (!text) return;
      insert({ ...base, kind: 'system', text });
      meta.systemMessages++;
    }
    added.push([message, key]);
  };

  const loadTranscript = (): void => {
    plugin.command<{ messages: Message[] }>(`${SERVICE}.getTranscript`).done((transcript) => {
      for (const message of transcript.messages) addMessage(message);
      setUnread();
      draw();
    }).fail(() => undefined);
  };

  // Form and start

  const loadForm = (): void => {
    const previous = view.values;
    view.fields = fieldsOf(formDef, (namespace, key) => common!.t(namespace, key));
    if (view.fields.length === 0) view.fields = fieldsOf(DEFAULT_FORM, (namespace, key) => common!.t(namespace, key));
    view.values = {};
    for (const field of view.fields) view.values[field.name] = previous[field.name] ?? field.value;
  };

  const fieldValid = (field: Field, event: Event | undefined): boolean => {
    const value = view.values[field.name] ?? '';
    if (!builtInValid(field, value)) return false;
    if (!field.validate) return true;
    const root = mounted?.shadow;
    const wrapper = root?.querySelector(`[data-field="${field.name}"]`);
    try {
      return field.validate(event, wrapper, root?.getElementById(field.id), wrapper?.querySelector('label'),
        undefined, win.CXBus, common) !== false;
    } catch {
      return false;
    }
  };

  const submit = (event?: Event): void => {
    event?.preventDefault();
    if (view.stage !== 'form' || !view.open) return;
    view.invalid = {};
    for (const field of view.fields) if (!fieldValid(field, event)) view.invalid[field.name] = true;
    const firstInvalid = view.fields.find((field) => view.invalid[field.name]);
    if (firstInvalid) {
      focusTarget = `#${firstInvalid.id}`;
      return draw();
    }
    const options: Options = {};
    const userData: Options = { ...openUserData };
    for (const field of view.fields) {
      const value = view.values[field.name] ?? '';
      if (TOP_LEVEL.includes(field.name)) options[field.name] = value;
      else if (value !== '') userData[field.name] = value;
    }
    options['userData'] = userData;
    meta.form = { ...view.values };
    view.stage = 'starting';
    view.formError = '';
    draw();
    announce('submitted');
    plugin.command(`${SERVICE}.startChat`, options).fail((reason: unknown) => {
      if (active) return;
      view.stage = 'form';
      view.formError = t('ChatStartFailed');
      meta.errors = [...(meta.errors || []), reason];
      draw();
      announce('rejected', 'rejected');
    });
  };

  // Open, close, minimize

  const open = (data: Options): void => {
    view.open = true;
    view.shown = true;
    view.minimized = data['minimized'] === true;
    view.confirm = undefined;
    view.overlay = undefined;
    cookies().set(UI_COOKIES.open, 'true');
    plugin.data('open', true);
    if (active) {
      if (view.stage !== 'ended') view.stage = 'chat';
      loadTranscript();
      focusTarget = '#fd-wc-input';
    } else if (data['restoring'] !== true) {
      meta = newMeta();
      view.entries = [];
      view.stage = 'form';
      view.formError = '';
      view.invalid = {};
      view.values = {};
      received = 0;
      lastRead = 0;
      clearUnread();
      formDef = data['formJSON'] ?? config['form'] ?? DEFAULT_FORM;
      openUserData = isRecord(data['userData']) ? data['userData'] : {};
      loadForm();
      const given = isRecord(data['form']) ? data['form'] : {};
      for (const [key, value] of Object.entries(given)) {
        if (typeof value === 'string' && key in view.values) {
          view.values[key] = value;
          meta.prefilled ||= value !== '';
        }
      }
      meta.proactive = data['proactive'] === true;
      if (data['proactiveData'] !== undefined) meta.proactiveData = data['proactiveData'];
      meta.autoSubmitted = given['autoSubmit'] === true;
      focusTarget = view.fields[0] ? `#${view.fields[0].id}` : undefined;
    }
    if (view.minimized) {
      lastRead = count(Number(cookies().get(UI_COOKIES.lastRead)), received);
      setUnread();
    }
    draw();
    announce('opened', active ? undefined : 'opened');
    if (meta.autoSubmitted && view.stage === 'form') submit();
  };

  const close = (): void => {
    view.open = false;
    view.confirm = undefined;
    view.overlay = undefined;
    view.minimized = false;
    clearTimeout(inviteTimer);
    cookies().set(UI_COOKIES.open, 'false');
    cookies().remove(UI_COOKIES.lastRead);
    plugin.data('open', false);
    view.button = buttonEnabled();
    focusTarget = '.fd-wc-button';
    draw();
    if (!active && !meta.started && !meta.cancelled) announce('cancelled', 'cancelled');
    announce('closed', 'closed');
  };

  const minimize = (minimized: boolean): void => {
    if (!view.open || view.minimized === minimized) return;
    view.minimized = minimized;
    if (active) cookies().set(UI_COOKIES.minimized, String(minimized));
    if (minimized) {
      lastRead = received;
      cookies().set(UI_COOKIES.lastRead, String(lastRead));
    } else {
      clearUnread();
    }
    draw();
    saveMeta();
    plugin.publish(minimized ? 'minimized' : 'unminimized', {});
  };

  // Invites

  const showToast = (kind: 'invite' | 'reinvite', seconds: number): void => {
    view.toast = kind;
    clearTimeout(inviteTimer);
    inviteTimer = setTimeout(() => {
      view.toast = undefined;
      draw();
    }, seconds * 1000);
    focusTarget = '.fd-wc-accept';
    draw();
  };
  const inviteSettings = (): Options => {
    const auto = option('autoInvite');
    if (isRecord(auto)) return auto;
    const legacy = option('proactive');
    return isRecord(legacy)
      ? { enabled: legacy['enabled'], timeToInviteSeconds: legacy['idleTimer'], inviteTimeoutSeconds: legacy['cancelTimer'] }
      : {};
  };
  const inviteTimeout = (): number => count(inviteSettings()['inviteTimeoutSeconds'], 30);

  const armAutoInvite = (): void => {
    const settings = inviteSettings();
    if (settings['enabled'] !== true || cookies().get(UI_COOKIES.inviteOff)) return;
    watchIdle(win, count(settings['timeToInviteSeconds'], 5), () => {
      if (!view.open && !active && !view.toast && !cookies().get(UI_COOKIES.inviteOff)) showToast('invite', inviteTimeout());
    });
  };

  // Service events

  const onService = (event: string, handler: (data: Options) => void): void => {
    plugin.subscribe(`${SERVICE}.${event}`, (e: BusEvent) => handler(isRecord(e.data) ? e.data : {}));
  };

  onService('started', () => {
    active = true;
    view.stage = 'chat';
    view.offline = false;
    focusTarget = '#fd-wc-input';
    plugin.command('App.registerAutoLoad').fail(() => undefined);
    draw();
    announce('started', 'started');
  });
  const restored = (): void => {
    active = true;
    view.stage = 'chat';
    plugin.command('App.registerAutoLoad').fail(() => undefined);
    const saved = cookies().getJSON(UI_COOKIES.metaData);
    if (isRecord(saved)) meta = { ...meta, ...saved } as Meta;
    if (view.open) return loadTranscript();
    if (cookies().get(UI_COOKIES.open) === 'false') {
      view.button = buttonEnabled();
      loadTranscript();
      return;
    }
    const mobile = plugin.data('App.mobileMode') === true;
    open({ restoring: true, form: false,
      minimized: cookies().get(UI_COOKIES.minimized) === 'true' || (mobile && option('minimizeOnMobileRestore') === true) });
  };
  onService('restored', restored);
  const restoreFailed = (): void => {
    for (const name of [UI_COOKIES.minimized, UI_COOKIES.unread, UI_COOKIES.metaData, UI_COOKIES.lastRead]) {
      cookies().remove(name);
    }
    plugin.publish('closed', metadata());
    view.button = buttonEnabled();
    draw();
    plugin.command('reInvite').fail(() => undefined);
  };
  onService('restoreFailed', restoreFailed);
  onService('restoreTimeout', restoreFailed);
  onService('messageReceived', (data) => {
    const messages = Array.isArray(data['messages']) ? data['messages'] as Message[] : [];
    for (const message of messages) addMessage(message);
    setUnread();
    draw();
    saveMeta();
  });
  onService('agentTypingStarted', (data) => {
    const from = isRecord(data['from']) ? data['from'] : {};
    view.agentTyping = typeof from['name'] === 'string' ? from['name'] : '';
    draw();
  });
  const typingStopped = (): void => {
    view.agentTyping = undefined;
    draw();
  };
  onService('agentTypingStopped', typingStopped);
  onService('agentConnected', () => {
    meta.numAgents++;
    if (!meta.agentReached) meta.agentReached = Date.now();
    saveMeta();
  });
  onService('botConnected', () => {
    if (!meta.botReached) meta.botReached = Date.now();
  });
  onService('disconnected', () => {
    view.offline = true;
    draw();
  });
  onService('reconnected', () => {
    view.offline = false;
    draw();
  });
  onService('ended', () => {
    if (!active) return;
    active = false;
    view.stage = 'ended';
    view.agentTyping = undefined;
    view.offline = false;
    view.confirm = undefined;
    insert({ key: `end${Date.now()}`, kind: 'system', party: '', name: '', text: t('ChatEnded'), time: Date.now() });
    for (const name of [UI_COOKIES.minimized, UI_COOKIES.metaData, UI_COOKIES.lastRead, UI_COOKIES.unread,
      UI_COOKIES.asyncUnread]) cookies().remove(name);
    plugin.command('App.deregisterAutoLoad').fail(() => undefined);
    draw();
    const stamp: Stamp = meta.agentReached || meta.botReached ? 'completed' : 'cancelled';
    meta[stamp] = Date.now();
    const data = metadata();
    plugin.data('metadata', data);
    plugin.publish(stamp, data);
  });

  // User actions

  const actions: WebChatActions = {
    openFromButton: () => plugin.command('open').fail(() => undefined),
    toggleMinimize: () => minimize(!view.minimized),
    requestClose() {
      const typed = Object.values(view.values).some((value) => value !== '' && value !== 'false');
      if (view.stage === 'form' && typed && option('confirmFormCloseEnabled') !== false) view.confirm = 'close';
      else if (active) view.confirm = 'end';
      else return close();
      // The question lives in the window body, which a minimized window does not show.
      if (view.minimized) minimize(false);
      focusTarget = '.fd-wc-no';
      draw();
    },
    answer(yes) {
      const asked = view.confirm;
      view.confirm = undefined;
      focusTarget = '.fd-wc-close';
      if (!yes) return draw();
      if (asked === 'end') {
        plugin.command(`${SERVICE}.endChat`).always(() => {
          if (view.open) close();
        });
        return draw();
      }
      close();
    },
    submit,
    edit(field, value, event) {
      view.values = { ...view.values, [field.name]: value };
      if (view.invalid[field.name] && field.validateWhileTyping) {
        view.invalid = { ...view.invalid, [field.name]: !fieldValid(field, event) };
      }
      draw();
    },
    draft(text) {
      view.draft = text;
      draw();
      if (text.trim() !== '') plugin.command(`${SERVICE}.sendTyping`, { message: text }).fail(() => undefined);
    },
    send() {
      const message = view.draft;
      if (message.trim() === '' || !active) return;
      view.draft = '';
      focusTarget = '#fd-wc-input';
      draw();
      plugin.command(`${SERVICE}.sendMessage`, { message }).fail((reason: unknown) => {
        if (view.draft === '') view.draft = message;
        meta.errors = [...(meta.errors || []), reason];
        draw();
      });
    },
    accept() {
      const invite = view.toast === 'invite';
      if (invite) cookies().set(UI_COOKIES.inviteOff, 'true');
      view.toast = undefined;
      clearTimeout(inviteTimer);
      draw();
      if (!view.open) plugin.command('open', invite ? { proactive: true } : {}).fail(() => undefined);
    },
    reject() {
      if (view.toast === 'invite') cookies().set(UI_COOKIES.inviteOff, 'true');
      view.toast = undefined;
      clearTimeout(inviteTimer);
      focusTarget = '.fd-wc-button';
      draw();
    },
    endChat() {
      view.confirm = 'end';
      focusTarget = '.fd-wc-no';
      draw();
    },
  };

  // Commands

  const command = (name: string, run: (data: Options, call: CommandCall) => unknown): void => {
    plugin.registerCommand(name, (call) => {
      try {
        call.deferred.resolve(run(call.data, call));
      } catch (reason) {
        call.deferred.reject(reason);
      }
    });
  };

  const configure = (options: Options): void => {
    config = { ...config, ...options };
    view.maxLength = count(config['maxMessageLength'], 500);
    view.charCount = config['charCountEnabled'] === true;
    view.markdown = config['markdown'] === true || option('transport.markdown') === true;
  };

  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw 'Invalid configuration';
    configure(data);
    return config;
  });
  command('open', (data) => {
    if (view.open) throw R.ALREADY_OPENED;
    open(data);
  });
  command('close', () => {
    if (!view.open) throw R.ALREADY_CLOSED;
    close();
  });
  command('minimize', (data) => {
    minimize(typeof data['minimized'] === 'boolean' ? data['minimized'] : !view.minimized);
  });
  command('endChat', () => {
    if (!active) throw R.NO_CHAT_TO_END;
    return plugin.command(`${SERVICE}.endChat`);
  });
  command('invite', () => {
    if (view.open) throw R.INVITE_WHILE_OPEN;
    showToast('invite', inviteTimeout());
  });
  command('reInvite', () => {
    if (view.open || view.toast || option('inviteOnRestoreTimeout') === false) throw R.REINVITE_REFUSED;
    showToast('reinvite', inviteTimeout());
  });
  command('injectMessage', (data) => {
    if (!view.open || (view.stage !== 'chat' && view.stage !== 'ended')) throw R.NO_CHAT_TO_INJECT;
    const key = `i${++injected}`;
    const given = data['text'];
    const html = data['type'] === 'html';
    const text = typeof given === 'string' ? given
      : isRecord(given) && typeof (given as unknown as Node).textContent === 'string'
        ? (given as unknown as Node).textContent ?? '' : '';
    const entry: Entry = { key, kind: html ? 'html' : 'message', party: 'External',
      name: typeof data['name'] === 'string' ? data['name'] : '', text, time: Date.now() };
    if (html) entry.nodes = safeNodes(doc, given);
    insert(entry);
    draw();
    return mounted?.shadow.querySelector(`[data-key="${key}"]`) ?? true;
  });
  command('showChatButton', (data) => {
    if (!buttonEnabled()) throw R.BUTTON_DISABLED;
    if (view.button) throw R.BUTTON_SHOWN;
    return new Promise<void>((resolve) => setTimeout(() => {
      view.button = true;
      draw();
      plugin.publish('chatButtonDisplayed', {});
      resolve();
    }, count(data['openDelay'], 0)));
  });
  command('hideChatButton', () => {
    if (!view.button) throw R.BUTTON_HIDDEN;
    view.button = false;
    draw();
  });
  command('showOverlay', (data) => {
    if (!view.open) throw R.NOT_OPEN;
    view.overlay = { nodes: safeNodes(doc, data['html']), hideFooter: data['hideFooter'] === true };
    draw();
  });
  command('hideOverlay', () => {
    if (!view.open) throw R.NOT_OPEN;
    view.overlay = undefined;
    draw();
  });
  command('hide', () => {
    if (!view.open) throw R.NOT_OPEN;
    if (!view.shown) throw R.ALREADY_HIDDEN;
    view.shown = false;
    draw();
  });
  command('show', () => {
    if (!view.open) throw R.NOT_OPEN;
    if (view.shown) throw R.ALREADY_SHOWN;
    view.shown = true;
    draw();
  });
  plugin.registerEvents(['ready', 'opened', 'submitted', 'started', 'rejected', 'completed', 'cancelled',
    'closed', 'minimized', 'unminimized', 'messageAdded', 'chatButtonDisplayed']);

  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    const own = common.config()['webchat'];
    configure(isRecord(own) ? own : {});
    plugin.subscribe('App.language', () => {
      if (view.stage === 'form' && view.open) loadForm();
      draw();
    });
    plugin.data('open', false);
    plugin.ready();
    plugin.republish('ready', {});
    if (buttonEnabled()) {
      setTimeout(() => {
        if (view.button || view.open) return;
        view.button = true;
        draw();
        plugin.publish('chatButtonDisplayed', {});
      }, count(option('chatButton.openDelay'), 1000));
    }
    armAutoInvite();
    // Loads WebChatService if needed; a session it restored before WebChat was here still shows.
    plugin.command<{ sessionActive: boolean }>(`${SERVICE}.verifySession`).done((state) => {
      if (state.sessionActive && !active) restored();
    }).fail(() => undefined);
  });
  return plugin;
}
