/** Start App and WebChatService on a fresh bus with a fake server and a fake cookie jar. */
import { expect, vi } from 'vitest';
import { startApp } from '../../../src/core/app/app';
import type { BusEvent } from '../../../src/core/types';
import { registerWebChatService } from '../../../src/plugins/webchatservice/service';
import { fakeJar } from '../../fake_jar';
import { flush, makeBus } from '../../helpers';
import { DATA_URL, fakeServer, type FakeServer } from './fake_server';

export const P = '_genesys.widgets.';
export const V2C = 'webchat.state.purecloud-v2-sockets.';

export interface Started {
  bus: ReturnType<typeof makeBus>['bus'];
  server: FakeServer;
  fake: ReturnType<typeof fakeJar>;
  cookie(name: string): string | undefined;
  setCookie(name: string, value: string): void;
  removeCookie(name: string): void;
  events: BusEvent[];
  named(event: string): BusEvent[];
}

export const SERVICE_EVENTS = [
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
  'clientConnected',
  'agentConnected',
  'agentDisconnected',
  'disconnected',
  'reconnected',
  'sessionLost',
  'capabilitiesChanged',
  'queuePosition',
  'clientTypingStarted',
];

export function v2Config(
  transport: Record<string, unknown> = {},
  webchat: Record<string, unknown> = {},
) {
  return {
    webchat: {
      transport: {
        type: 'purecloud-v2-sockets',
        dataURL: DATA_URL,
        deploymentKey: 'dep-1',
        orgGuid: 'org-1',
        socketReconnectInterval: 5,
        ...transport,
      },
      ...webchat,
    },
  };
}

/** Boot the page: config, cookies already in the jar, then App and the service. */
export async function boot(
  widgets: Record<string, unknown>,
  cookies: Record<string, string> = {},
  server: FakeServer = fakeServer(),
  extra?: (bus: Started['bus'], win: Window) => void,
): Promise<Started> {
  window._genesys = { widgets };
  const fake = fakeJar('shop.example.test');
  const setCookie = (name: string, value: string): void =>
    fake.jar.write(`${P}${name}=${encodeURIComponent(value)}; Path=/`);
  for (const [name, value] of Object.entries(cookies)) setCookie(name, value);
  const made = makeBus();
  const events: BusEvent[] = [];
  for (const name of SERVICE_EVENTS) {
    made.bus.subscribe(`WebChatService.${name}`, (event) => events.push(event));
  }
  startApp(made.bus, window, { jar: fake.jar });
  registerWebChatService(made.bus, window, { fetch: server.fetch, WebSocket: server.WebSocket });
  extra?.(made.bus, window);
  await vi.waitFor(() => expect(made.bus.data('App.ready')).toBe(true));
  await flush();
  const cookie = (name: string): string | undefined => {
    const found = fake.cookies.find((c) => c.name === P + name);
    return found && decodeURIComponent(found.value);
  };
  return {
    bus: made.bus,
    server,
    fake,
    cookie,
    setCookie,
    removeCookie: (name) =>
      fake.jar.write(`${P}${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`),
    events,
    named: (event) => events.filter((e) => e.event === `WebChatService.${event}`),
  };
}

/** Wait until every queued promise, socket accept and bus delivery has run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await flush();
}

/** The texts of every message published in messageReceived, in order. */
export function received(
  started: Started,
): { index: number; type: string; text: string; from: string; restoring: boolean }[] {
  return started.named('messageReceived').flatMap((e) => {
    const data = e.data as {
      messages: {
        index: number;
        type: string;
        text: string;
        from: { type: string };
        restoring?: boolean;
      }[];
    };
    return data.messages.map((m) => ({
      index: m.index,
      type: m.type,
      text: m.text,
      from: m.from.type,
      restoring: m.restoring === true,
    }));
  });
}
