/**
 * WebChatService: the chat session behind WebChat (or a site's own chat UI), with the Genesys
 * Widgets command and event API. The session logic is `session.ts`; the wire protocol is the
 * transport that `webchat.transport.type` names (`transports.ts`).
 */
import { commonOf, isRecord, type Common } from '../../core/common';
import type { CXBusGlobal, PluginInterface } from '../../core/types';
import { firstFile, NO_FILE } from './file_input';
import { addFilters, readFilters } from './messages';
import * as R from './reasons';
import { createSession, type Preprocessor } from './session';
import type { ChatTransport } from './transport';
import { DEFAULT_TRANSPORT, TRANSPORTS } from './transports';

const PAGE_SIZE = 100;
const RESTORE_TIMEOUT_MS = 60000;
/** Registration form fields that `startChat` takes as top-level options. */
const FORM_FIELDS = ['firstname', 'lastname', 'email', 'subject'];
const PREVIEW_INPUT_TYPES = ['text', 'search'];

export interface ServiceSetup {
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
}

type Options = Record<string, unknown>;
type PreviewInput = HTMLInputElement | HTMLTextAreaElement;

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const number = (value: unknown, fallback: number): number =>
  typeof value === 'number' && value >= 0 ? value : fallback;
const isRegExp = (value: unknown): value is RegExp =>
  Object.prototype.toString.call(value) === '[object RegExp]';

/** A textarea or a text input (checked by tag, so elements of other frames pass too). */
function isPreviewInput(value: unknown): value is PreviewInput {
  if (!isRecord(value) || typeof value['addEventListener'] !== 'function') return false;
  const tag = value['tagName'];
  return (
    tag === 'TEXTAREA' || (tag === 'INPUT' && PREVIEW_INPUT_TYPES.includes(String(value['type'])))
  );
}

/** Register WebChatService on `bus`; it configures itself when App is ready. */
export function registerWebChatService(
  bus: CXBusGlobal,
  win: Window,
  setup: ServiceSetup = {},
): PluginInterface | false {
  const plugin = bus.registerPlugin('WebChatService');
  if (!plugin) return false;
  let common: Common | undefined;
  let config: Options = {};
  let userData: Options = {};
  let previewInput: PreviewInput | undefined;

  const cookies = () => common!.cookies;
  const transportConfig = (): Options => (isRecord(config['transport']) ? config['transport'] : {});
  const option = (key: string): unknown => transportConfig()[key] ?? config[key];
  const asyncChat = (): boolean =>
    [transportConfig()['async'], config['async']].some(
      (given) => isRecord(given) && given['enabled'] === true,
    );

  const session = createSession({
    plugin,
    win,
    cookies,
    option,
    asyncChat,
    makeTransport() {
      const factory = TRANSPORTS[text(option('type')) || DEFAULT_TRANSPORT];
      if (!factory || !common) return undefined;
      return factory({
        option,
        win,
        cookies: common.cookies,
        http: common.http,
        fetch: setup.fetch ?? win.fetch.bind(win),
        WebSocket: setup.WebSocket ?? (win as Window & typeof globalThis).WebSocket,
      });
    },
    pageSize: () =>
      Math.max(1, Math.min(Math.floor(number(option('maxMessagePageSize'), PAGE_SIZE)), PAGE_SIZE)),
    restoreTimeout: () => number(option('restoreTimeout'), RESTORE_TIMEOUT_MS),
  });

  const configure = (options: Options): void => {
    config = { ...config, ...options };
    if (isRecord(config['userData'])) userData = { ...config['userData'] };
    session.reconfigure();
    const on = asyncChat();
    const capabilities = {
      async: on,
      asyncClose: on ? 'hideChat' : 'endChat',
      pagination: on && session.pages(),
      fileUpload: session.transport()?.sendFile !== undefined,
    };
    plugin.data('capabilities', capabilities);
    plugin.publish('capabilitiesChanged', capabilities);
  };

  const sendPreview = (): void => {
    const value = previewInput?.value ?? '';
    if (session.active() && value.trim() !== '')
      plugin.command('sendTyping', { message: value }).fail(() => undefined);
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
  const needSession = (reason = R.NO_SESSION): void => {
    if (!session.active()) throw reason;
  };

  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw 'Invalid configuration';
    configure(data);
    return config;
  });

  command('startChat', (data) => {
    if (session.active() || session.restoring()) throw R.ACTIVE;
    let extra: unknown = data['userData'] ?? {};
    if (typeof extra === 'string') {
      try {
        extra = JSON.parse(extra) as unknown;
      } catch {
        throw R.MALFORMED;
      }
    }
    if (!isRecord(extra)) throw R.MALFORMED;
    if (!session.hasTransport()) throw R.UNKNOWN_TRANSPORT;
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...userData, ...extra })) {
      if (value !== undefined && value !== null) fields[key] = String(value);
    }
    Object.assign(fields, {
      _genesys_source: 'web',
      _genesys_referrer: win.document.referrer,
      _genesys_url: win.location.href,
      _genesys_pageTitle: win.document.title,
    });
    const form: Record<string, string> = {};
    for (const key of FORM_FIELDS) if (text(data[key]) !== '') form[key] = text(data[key]);
    const interaction = isRecord(data['interactionData'])
      ? data['interactionData']
      : option('interactionData');
    return session.start({
      nickname:
        text(data['nickname']) || `${text(data['firstname'])} ${text(data['lastname'])}`.trim(),
      form,
      userData: fields,
      interactionData: isRecord(interaction) ? interaction : {},
    });
  });

  command('endChat', () => {
    needSession();
    return session.end();
  });

  command('sendMessage', (data) => {
    const message = data['message'];
    if (typeof message !== 'string' || message.trim() === '') throw R.NO_TEXT;
    needSession();
    const max = config['maxMessageLength'];
    if (typeof max === 'number' && message.length > max) throw R.TOO_LONG(max);
    return session.send(message);
  });

  command('sendTyping', (data) => {
    needSession();
    return session.typing(
      typeof data['message'] === 'string' ? data['message'] : (previewInput?.value ?? ''),
    );
  });

  command('registerTypingPreviewInput', (data) => {
    const input = data['input'];
    if (!isPreviewInput(input)) throw R.BAD_PREVIEW_INPUT;
    previewInput?.removeEventListener('input', sendPreview);
    previewInput = input;
    input.addEventListener('input', sendPreview);
  });

  command('sendCustomNotice', (data) => {
    if (!session.transport()?.sendCustomNotice) throw R.NO_NOTICES;
    needSession();
    return session.use((active) => active.sendCustomNotice!(text(data['message'])));
  });

  command('sendFilteredMessage', (data) => {
    needSession(R.NO_SESSION_FILTERED);
    if (isRegExp(data['regex']) && !addFilters(cookies(), [data['regex']])) throw R.FILTERS_FULL;
    const message = text(data['message']);
    if (message) plugin.command('sendMessage', { message }).fail(() => undefined);
    return undefined;
  });

  command('addPrefilter', (data) => {
    const given = data['filters'];
    const list = Array.isArray(given) ? given : [given];
    if (list.length === 0 || !list.every(isRegExp)) throw R.BAD_FILTERS;
    if (!addFilters(cookies(), list)) throw R.FILTERS_FULL;
    return readFilters(cookies());
  });

  command('registerPreProcessor', (data) => {
    const run = data['preprocessor'];
    if (typeof run !== 'function') throw R.NO_PREPROCESSOR;
    session.addPreprocessor(run as Preprocessor);
    return run;
  });

  command('updateUserData', (data) => {
    if (session.active()) {
      if (!session.transport()?.updateUserData) throw R.NO_USERDATA_UPDATE;
      return session.use((active) => active.updateUserData!(data));
    }
    userData = { ...userData, ...data };
    return userData;
  });

  command('restore', () => session.restore());
  command('verifySession', async () => ({ sessionActive: await session.verify() }));
  command('getSessionData', () => session.data());
  command('getTranscript', () => session.transcript());
  command('getAgents', () => ({ agents: session.agents() }));
  command('getStats', () => session.stats());
  // File commands: only transports that can (the ChatTransport's optional methods).
  command('sendFile', (data) => {
    if (!session.transport()?.sendFile) throw R.NO_FILES;
    needSession();
    const file = firstFile(data['files']);
    if (!file) throw NO_FILE;
    return session.use((active) => active.sendFile!(file));
  });
  command('getFileLimits', () => {
    if (!session.transport()?.getFileLimits) throw R.NO_FILES;
    needSession();
    return session.use((active) => active.getFileLimits!());
  });
  command('downloadFile', (data) => {
    if (!session.transport()?.downloadFile) throw R.NO_FILES;
    needSession();
    return session.use((active) => active.downloadFile!(text(data['fileId'])));
  });
  command('fetchHistory', () => session.history());

  // Polling commands: only a polling transport (REST polling) has them.
  const polling = (run: (active: ChatTransport) => unknown): unknown => {
    const active = session.transport();
    if (!active?.pausePolling) throw R.NO_POLLING;
    needSession();
    return run(active);
  };
  command('startPoll', () =>
    polling((active) => {
      active.pausePolling!(false);
    }),
  );
  command('stopPoll', () =>
    polling((active) => {
      if (!active.pausePolling!(true)) throw R.NOT_POLLING;
    }),
  );
  command('resetPollExceptions', () => polling((active) => active.resetPollExceptions?.()));
  command('sleep', () => polling((active) => active.sleep?.(true)));
  command('wake', () => polling((active) => active.sleep?.(false)));

  plugin.registerEvents([
    'ready',
    'started',
    'ended',
    'restored',
    'restoreTimeout',
    'restoreFailed',
    'messageReceived',
    'error',
    'agentTypingStarted',
    'agentTypingStopped',
    'agentTypingTimeout',
    'clientTypingStarted',
    'clientConnected',
    'agentConnected',
    'agentDisconnected',
    'botConnected',
    'botDisconnected',
    'disconnected',
    'reconnected',
    'capabilitiesChanged',
    'sessionLost',
    'queuePosition',
    // REST polling's own (spec 5.3).
    'clientTypingStopped',
    'sleeping',
    'waking',
    'chatServerWentOffline',
    'chatServerBackOnline',
    'pollingStarted',
    'pollingStopped',
  ]);

  // WebChat's window state, for a transport that keeps its own copy (pureengage-v3-rest).
  plugin.subscribe('WebChat.opened', () => session.transport()?.windowOpen?.(true));
  plugin.subscribe('WebChat.closed', () => session.transport()?.windowOpen?.(false));

  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    const own = common.config()['webchat'];
    configure(isRecord(own) ? own : {});
    plugin.data('sessionActive', false);
    plugin.ready();
    plugin.republish('ready', {});
    if (session.stored()) session.restore().catch(() => undefined);
  });
  return plugin;
}
