/**
 * WebChatService: the chat session behind WebChat (or a site's own chat UI). It keeps the
 * Genesys Widgets command and event API and talks to Frontdesk through the transport that
 * `webchat.transport.type` names; messages are de-duplicated by their per-conversation index
 * and, after any gap, reconnect or page load, fetched again from the last one held.
 */
import { commonOf, isRecord, type Common } from '../../core/common';
import type { CXBusGlobal, PluginInterface } from '../../core/types';
import {
  addFilters, FILTERS_COOKIE, isFiltered, normalise, partyType, readFilters, type ChatMessage,
} from './messages';
import * as R from './reasons';
import {
  createV2Transport, isLost, V2, V2_COOKIES, type Member, type RawMessage, type RequestError,
  type V2Listener, type V2Session, type V2Transport,
} from './v2_sockets';

const AGENT_TYPING_MS = 3000;
const TYPING_THROTTLE_MS = 2000;
const WATCH_MS = 1000;
const FORM_FIELDS: Record<string, string> = {
  firstname: 'firstName', lastname: 'lastName', email: 'email', subject: 'subject',
};

interface Agent {
  name: string;
  connected: boolean;
  supervisor: boolean;
  connectedTime: number;
  disconnectedTime: number;
}

export interface ServiceSetup {
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
}

type Options = Record<string, unknown>;

const text = (value: unknown): string => typeof value === 'string' ? value : '';
const number = (value: unknown, fallback: number): number =>
  typeof value === 'number' && value >= 0 ? value : fallback;
const isRegExp = (value: unknown): value is RegExp =>
  Object.prototype.toString.call(value) === '[object RegExp]';

/** Register WebChatService on `bus`; it configures itself when App is ready. */
export function registerWebChatService(bus: CXBusGlobal, win: Window,
  setup: ServiceSetup = {}): PluginInterface | false {
  const plugin = bus.registerPlugin('WebChatService');
  if (!plugin) return false;
  let common: Common | undefined;
  let config: Options = {};
  let transport: V2Transport | undefined;
  let session: V2Session | undefined;
  let restoring: Promise<unknown> | undefined;
  let transcript: ChatMessage[] = [];
  let originals: RawMessage[] = [];
  let agents: Record<string, Agent> = {};
  let startTime = 0;
  let endTime = 0;
  let userData: Options = {};
  let typingSent = 0;
  const seen = new Map<number, string>();
  let lastIndex = 0;
  let catching = false;
  let restoringNow = false;
  const members = new Map<string, Member>();
  const preprocessors: ((message: ChatMessage) => unknown)[] = [];
  let chain: Promise<void> = Promise.resolve();
  let typingTimer: ReturnType<typeof setTimeout> | undefined;
  let watch: ReturnType<typeof setInterval> | undefined;

  const cookies = () => common!.cookies;
  const transportConfig = (): Options => isRecord(config['transport']) ? config['transport'] : {};
  const option = (key: string): unknown => transportConfig()[key] ?? config[key];
  const sessionData = (): Options | undefined => session && {
    conversationId: session.conversationId, memberId: session.memberId,
    eventStreamUri: session.eventStreamUri,
  };
  const enqueue = (job: () => Promise<void> | void): void => {
    chain = chain.then(job).catch((error: unknown) => publishError(error));
  };
  const publishError = (error: unknown): void => {
    const failure = error as Partial<RequestError>;
    plugin.publish('error', {
      errors: [{ code: `${V2}-${failure.code ?? 'error'}`, message: failure.message ?? String(error),
        response: error }],
    });
  };

  // Configuration and transport

  const makeTransport = (): V2Transport | undefined => {
    if (option('type') !== V2 || !common) return undefined;
    const fetchFn = setup.fetch ?? win.fetch.bind(win);
    return createV2Transport({
      dataURL: text(option('dataURL')),
      timeout: Math.max(number(config['ajaxTimeout'], 12000), 12000),
      reconnectInterval: number(option('socketReconnectInterval'), 2000),
      heartbeatInterval: number(option('socketHeartbeatTrackerInterval'), 14000),
      fetch: fetchFn,
      WebSocket: setup.WebSocket ?? (win as Window & typeof globalThis).WebSocket,
      network: win,
      cookies: common.cookies,
    });
  };

  const configure = (options: Options): void => {
    config = { ...config, ...options };
    if (isRecord(config['userData'])) userData = { ...config['userData'] };
    if (!session) transport = makeTransport();
    const capabilities = { async: false, asyncClose: false, pagination: false, fileUpload: false };
    plugin.data('capabilities', capabilities);
    plugin.publish('capabilitiesChanged', capabilities);
  };

  // Messages

  const memberOf = async (id: string | undefined): Promise<Member | undefined> => {
    if (!id || !transport) return undefined;
    const known = members.get(id);
    if (known) return known;
    let found: Member;
    try {
      found = await transport.member(id);
    } catch {
      // Not a member (e.g. the server's own notices): an External party, asked for once.
      found = { id };
    }
    members.set(id, found);
    return found;
  };

  const agentList = (): Options => ({ ...agents });
  const stopAgentTyping = (timeout: boolean): void => {
    if (typingTimer === undefined) return;
    clearTimeout(typingTimer);
    typingTimer = undefined;
    plugin.data('agentTyping', false);
    plugin.publish('agentTypingStopped', {});
    if (timeout) plugin.publish('agentTypingTimeout', {});
  };

  /** Agent bookkeeping and the connect/disconnect events of one member. */
  const memberState = (member: Member, connected: boolean, message?: ChatMessage): void => {
    const type = partyType(member, session?.memberId ?? '');
    const payload = (): Options => ({ message, agents: agentList() });
    if (type === 'Client') {
      if (member.id === session?.memberId && connected) plugin.publish('clientConnected', payload());
      return;
    }
    if (type !== 'Agent' && type !== 'Bot') return;
    const now = Date.now();
    const agent = agents[member.id];
    if (agent?.connected === connected) return;
    if (!agent && !connected) return;
    agents = {
      ...agents,
      [member.id]: {
        name: member.displayName ?? '', connected, supervisor: false,
        connectedTime: agent?.connectedTime ?? now, disconnectedTime: connected ? 0 : now,
      },
    };
    const event = type === 'Bot' ? 'bot' : 'agent';
    if (type === 'Bot' && option('botEventsEnabled') !== true) return;
    plugin.publish(`${event}${connected ? 'Connected' : 'Disconnected'}`, payload());
  };

  const catchUp = (): void => {
    if (catching || !transport) return;
    catching = true;
    enqueue(async () => {
      try {
        if (session) await deliver(await transport!.messagesAfter(seen.get(lastIndex)), false, true);
      } finally {
        catching = false;
      }
    });
  };

  /**
   * Publish the messages not seen before, in index order. `settled` marks a complete fetch:
   * the first one fixes where the gapless run starts, and none of them re-triggers a catch-up.
   */
  const deliver = async (raws: RawMessage[], restoring: boolean, settled = false): Promise<void> => {
    if (!session) return;
    const self = session.memberId;
    const fresh = raws
      .filter((raw) => typeof raw.index === 'number' && !seen.has(raw.index))
      .sort((a, b) => a.index! - b.index!);
    // A pushed message after a gap waits for the catch-up, which fetches both in order.
    if (!settled && lastIndex > 0 && fresh[0] && fresh[0].index! > lastIndex + 1) return catchUp();
    const filters = readFilters(cookies());
    const messages: ChatMessage[] = [];
    const originalMessages: RawMessage[] = [];
    for (const raw of fresh) {
      if (seen.has(raw.index!)) continue;
      seen.set(raw.index!, raw.id);
      const member = await memberOf(raw.sender?.id);
      let message = normalise(raw, member, self);
      if (restoring) message.restoring = true;
      const hidden = isFiltered(message.text, filters);
      for (const run of preprocessors) {
        try {
          const changed = run(message);
          if (isRecord(changed)) message = changed as unknown as ChatMessage;
        } catch {
          // A site's pre-processor failing must not lose the message.
        }
      }
      if (member && message.type === 'ParticipantJoined') memberState(member, true, message);
      if (member && message.type === 'ParticipantLeft') memberState(member, false, message);
      if (message.from.type !== 'Client' && message.type === 'Message') stopAgentTyping(false);
      if (hidden) continue;
      messages.push(message);
      originalMessages.push(raw);
    }
    if (settled && lastIndex === 0 && seen.size > 0) lastIndex = Math.min(...seen.keys()) - 1;
    while (seen.has(lastIndex + 1)) lastIndex++;
    const lastId = seen.get(lastIndex);
    if (lastId) transport!.rememberLast(lastId);
    transcript = [...transcript, ...messages];
    originals = [...originals, ...originalMessages];
    if (messages.length) {
      plugin.publish('messageReceived', {
        originalMessages, messages, restoring, sessionData: sessionData(),
      });
    }
    const ownLeft = fresh.some((raw) => raw.bodyType === 'member-leave' && raw.sender?.id === self);
    if (ownLeft && !restoring) finish(true);
  };

  // Session life

  const finish = (clear: boolean): void => {
    if (!session) return;
    transport?.stop(clear);
    if (clear) cookies().remove(FILTERS_COOKIE);
    session = undefined;
    endTime = Date.now();
    for (const [id, agent] of Object.entries(agents)) {
      if (agent.connected) agents = { ...agents, [id]: { ...agent, connected: false, disconnectedTime: endTime } };
    }
    stopAgentTyping(false);
    clearInterval(watch);
    transport = makeTransport();
    plugin.data('sessionActive', false);
    plugin.command('App.deregisterAutoLoad').fail(() => undefined);
    plugin.publish('ended', {});
  };

  const lose = (error: unknown): void => {
    if (!session) return;
    plugin.publish('sessionLost', error);
    finish(true);
  };

  const listener: V2Listener = {
    frame(type, body) {
      enqueue(async () => {
        if (!session) return;
        if (type === 'message') return deliver([body as RawMessage], false);
        const sender = isRecord(body['sender']) ? text(body['sender']['id']) : '';
        if (type === 'typing-indicator' && sender !== session.memberId) {
          const member = await memberOf(sender);
          if (typingTimer === undefined) {
            plugin.data('agentTyping', true);
            plugin.publish('agentTypingStarted', {
              from: { id: sender, name: member?.displayName ?? '', type: partyType(member, session.memberId) },
            });
          }
          clearTimeout(typingTimer);
          typingTimer = setTimeout(() => stopAgentTyping(true), AGENT_TYPING_MS);
        }
        if (type === 'member-change') {
          const changed = isRecord(body['member']) ? body['member'] : body;
          const id = text(changed['id']);
          const state = text(changed['state']);
          if (id === session.memberId) {
            if (state === 'DISCONNECTED') finish(true);
            return;
          }
          members.delete(id);
          const member = await memberOf(id);
          if (member && state) memberState(member, state !== 'DISCONNECTED');
        }
      });
    },
    caughtUp(messages, first) {
      const replay = first && restoringNow;
      restoringNow = false;
      enqueue(() => deliver(messages, replay, true));
    },
    disconnected: () => plugin.publish('disconnected', {}),
    reconnected: () => plugin.publish('reconnected', {}),
    ended: () => finish(false),
    lost: lose,
  };

  const begin = (active: V2Session, replay: boolean): void => {
    session = active;
    transcript = [];
    originals = [];
    agents = {};
    seen.clear();
    lastIndex = 0;
    typingSent = 0;
    startTime = Date.now();
    endTime = 0;
    restoringNow = replay;
    plugin.data('sessionActive', true);
    plugin.command('App.registerAutoLoad').fail(() => undefined);
    clearInterval(watch);
    // A conversation ended (or replaced) in another tab ends here too.
    watch = setInterval(() => {
      if (session && transport && !transport.current()) finish(false);
    }, WATCH_MS);
    transport!.connect(listener, true);
  };

  /** A REST call on the own member; a lost session ends the chat. */
  const own = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const active = session!;
    if (!transport!.current()) {
      finish(false);
      throw R.NO_SESSION;
    }
    try {
      return await transport!.request<T>(method,
        `/${encodeURIComponent(active.conversationId)}/members/${encodeURIComponent(active.memberId)}${path}`,
        body);
    } catch (error) {
      if (isLost(error)) lose(error);
      else publishError(error);
      throw error;
    }
  };

  const restore = (): Promise<unknown> => {
    if (restoring) return Promise.reject(R.RESTORING);
    if (session) return Promise.reject(R.ALREADY_ACTIVE);
    const stored = transport?.stored();
    if (!transport || !stored) return Promise.reject(R.NOTHING_TO_RESTORE);
    const attempt = (async () => {
      let me: Member;
      try {
        me = await transport!.member(stored.memberId);
        if (me.state !== 'CONNECTED') throw { status: 0, code: 'ended', message: `member ${me.state ?? ''}` };
      } catch (error) {
        transport!.stop(true);
        cookies().remove(FILTERS_COOKIE);
        const timedOut = isRecord(error) && error['code'] === 'timeout';
        plugin.publish(timedOut ? 'restoreTimeout' : 'restoreFailed', error);
        plugin.command('App.deregisterAutoLoad').fail(() => undefined);
        throw error;
      }
      members.set(me.id, me);
      begin(stored, true);
      plugin.publish('restored', { async: false });
      return sessionData();
    })();
    restoring = attempt;
    attempt.then(() => { restoring = undefined; }, () => { restoring = undefined; });
    return attempt;
  };

  // Commands

  const command = (name: string, run: (data: Options) => unknown): void => {
    plugin.registerCommand(name, ({ data, deferred }) => {
      Promise.resolve().then(() => run(data)).then(
        (value) => deferred.resolve(value), (reason: unknown) => deferred.reject(reason));
    });
  };
  const needSession = (reason = R.NO_SESSION): void => {
    if (!session) throw reason;
  };

  command('configure', (data) => {
    if (Object.keys(data).length === 0) throw 'Invalid configuration';
    configure(data);
    return config;
  });

  command('startChat', async (data) => {
    if (session || restoring) throw R.ACTIVE;
    let extra: unknown = data['userData'] ?? {};
    if (typeof extra === 'string') {
      try {
        extra = JSON.parse(extra) as unknown;
      } catch {
        throw R.MALFORMED;
      }
    }
    if (!isRecord(extra)) throw R.MALFORMED;
    if (!transport) throw option('type') === undefined ? R.NO_TRANSPORT : R.UNKNOWN_TRANSPORT;
    const fields: Record<string, string> = {};
    for (const [key, value] of Object.entries({ ...userData, ...extra })) {
      if (value !== undefined && value !== null) fields[key] = String(value);
    }
    for (const [key, name] of Object.entries(FORM_FIELDS)) {
      if (typeof data[key] === 'string' && data[key] !== '') fields[name] = data[key] as string;
    }
    Object.assign(fields, {
      _genesys_source: 'web', _genesys_referrer: win.document.referrer,
      _genesys_url: win.location.href, _genesys_pageTitle: win.document.title,
    });
    const nickname = text(data['nickname'])
      || `${text(data['firstname'])} ${text(data['lastname'])}`.trim();
    const interaction = isRecord(data['interactionData']) ? data['interactionData']
      : isRecord(option('interactionData')) ? option('interactionData') as Options : {};
    const routing = isRecord(interaction['routing']) ? interaction['routing'] : {};
    const body: Options = {
      deploymentId: text(option('deploymentKey')),
      organizationId: text(option('orgGuid') ?? option('organizationId')),
      routingTarget: { targetType: 'QUEUE', ...routing },
      memberInfo: { displayName: nickname, role: 'CUSTOMER', customFields: fields },
    };
    if (isRecord(interaction['journey'])) body['journeyContext'] = interaction['journey'];
    let created: V2Session;
    try {
      created = await transport.create(body);
    } catch (error) {
      publishError(error);
      throw error;
    }
    if (session) throw R.ACTIVE;
    begin(created, false);
    plugin.publish('started', { data: sessionData() });
    return sessionData();
  });

  command('endChat', async () => {
    needSession();
    try {
      return await own('DELETE', '');
    } finally {
      finish(true);
    }
  });

  command('sendMessage', async (data) => {
    const message = data['message'];
    if (typeof message !== 'string' || message.trim() === '') throw R.NO_TEXT;
    needSession();
    const max = config['maxMessageLength'];
    if (typeof max === 'number' && message.length > max) throw R.TOO_LONG(max);
    const sent = await own<RawMessage>('POST', '/messages', { body: message });
    if (isRecord(sent)) enqueue(() => deliver([sent], false));
    return sent;
  });

  command('sendTyping', async () => {
    needSession();
    const now = Date.now();
    if (now - typingSent < TYPING_THROTTLE_MS) return {};
    typingSent = now;
    plugin.publish('clientTypingStarted', {});
    return own('POST', '/typing');
  });

  command('sendCustomNotice', () => {
    throw R.NO_NOTICES;
  });

  command('sendFilteredMessage', async (data) => {
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
    preprocessors.push(run as (message: ChatMessage) => unknown);
    return run;
  });

  command('updateUserData', (data) => {
    if (session) throw R.NO_USERDATA_UPDATE;
    userData = { ...userData, ...data };
    return userData;
  });

  command('restore', () => restore());
  command('verifySession', async () => {
    if (restoring) await restoring.catch(() => undefined);
    if (session && transport && !transport.current()) finish(false);
    return { sessionActive: session !== undefined };
  });
  command('getSessionData', () => sessionData());
  command('getTranscript', () => ({ messages: transcript, originalMessages: originals }));
  command('getAgents', () => ({ agents: agentList() }));
  command('getStats', () => ({
    agents: agentList(), startTime, endTime,
    duration: startTime ? (endTime || Date.now()) - startTime : 0,
  }));
  command('sendFile', () => {
    throw R.NO_FILES;
  });
  command('getFileLimits', () => {
    throw R.NO_FILES;
  });
  command('fetchHistory', () => {
    throw R.NO_HISTORY;
  });

  plugin.registerEvents(['ready', 'started', 'ended', 'restored', 'restoreTimeout', 'restoreFailed',
    'messageReceived', 'error', 'agentTypingStarted', 'agentTypingStopped', 'agentTypingTimeout',
    'clientTypingStarted', 'clientConnected', 'agentConnected', 'agentDisconnected',
    'botConnected', 'botDisconnected', 'disconnected', 'reconnected', 'capabilitiesChanged',
    'sessionLost']);

  plugin.subscribe('App.ready', () => {
    if (common) return;
    common = commonOf(win);
    if (!common) return;
    const own = common.config()['webchat'];
    configure(isRecord(own) ? own : {});
    plugin.data('sessionActive', false);
    plugin.ready();
    plugin.republish('ready', {});
    if (cookies().get(V2_COOKIES.conversation) && transport) restore().catch(() => undefined);
  });
  return plugin;
}
