/** A page with App, WebChatService (on the fake v2 server) and WebChat, and its Shadow DOM. */
import type { BusEvent } from '../../../src/core/types';
import { registerWebChat } from '../../../src/plugins/webchat/webchat';
import { fakeServer, type FakeServer } from '../webchatservice/fake_server';
import { boot, settle, v2Config } from '../webchatservice/setup';

export async function page(
  webchat: Record<string, unknown> = {},
  cookies: Record<string, string> = {},
  server: FakeServer = fakeServer(),
  transport: Record<string, unknown> = {},
) {
  const ui: BusEvent[] = [];
  const started = await boot(v2Config(transport, webchat), cookies, server, (bus, win) => {
    registerWebChat(bus, win);
    for (const name of [
      'opened',
      'submitted',
      'started',
      'rejected',
      'completed',
      'cancelled',
      'closed',
      'minimized',
      'unminimized',
      'messageAdded',
      'chatButtonDisplayed',
    ]) {
      bus.subscribe(`WebChat.${name}`, (event) => ui.push(event));
    }
  });
  await settle();
  return {
    ...started,
    ui,
    uiNamed: (name: string) => ui.filter((e) => e.event === `WebChat.${name}`),
  };
}

export type Page = Awaited<ReturnType<typeof page>>;

export const shadow = () =>
  document.querySelector('frontdesk-widget[data-plugin=WebChat]')?.shadowRoot;
export const $ = <T extends Element = HTMLElement>(selector: string): T => {
  const found = shadow()?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
};
export const all = (selector: string) => Array.from(shadow()?.querySelectorAll(selector) ?? []);
export function fill(selector: string, value: string) {
  const input = $<HTMLInputElement>(selector);
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
export const submit = () =>
  $<HTMLFormElement>('.fd-wc-form').dispatchEvent(new Event('submit', { cancelable: true }));
export const texts = () => all('.fd-wc-log li').map((li) => li.textContent ?? '');
/** The message bubbles' texts, in order. */
export const bubbles = () => all('.fd-wc-msg .fd-wc-text').map((e) => e.textContent);

export async function openAndStart(p: Page, first = 'Ann') {
  await p.bus.command('WebChat.open');
  fill('#cx_webchat_form_firstname', first);
  fill('#cx_webchat_form_lastname', 'Lee');
  submit();
  await settle();
}
