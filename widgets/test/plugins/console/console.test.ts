import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp } from '../../../src/core/app/app';
import {
  ALREADY_CLOSED,
  ALREADY_OPENED,
  preview,
  registerConsole,
} from '../../../src/plugins/console/console';
import { fakeJar } from '../../fake_jar';
import { flush, makeBus, reasonOf } from '../../helpers';

const P = '_genesys.widgets.';

async function start(widgets: Record<string, unknown> = {}, cookies: Record<string, string> = {}) {
  window._genesys = { widgets };
  const fake = fakeJar('shop.example.test');
  for (const [name, value] of Object.entries(cookies)) {
    fake.jar.write(`${P}${name}=${encodeURIComponent(value)}; Path=/`);
  }
  const made = makeBus();
  startApp(made.bus, window, { jar: fake.jar });
  const plugin = registerConsole(made.bus, window);
  if (!plugin) throw new Error('Console did not register');
  await vi.waitFor(() => expect(made.bus.data('App.ready')).toBe(true));
  await flush();
  const cookie = (name: string): string | undefined => {
    const found = fake.cookies.find((c) => c.name === P + name);
    return found && decodeURIComponent(found.value);
  };
  return { ...made, fake, plugin, cookie };
}

const shadow = () => document.querySelector('frontdesk-widget[data-plugin=Console]')?.shadowRoot;
const $ = <T extends Element>(selector: string): T => {
  const found = shadow()?.querySelector<T>(selector);
  if (!found) throw new Error(`no ${selector}`);
  return found;
};
function pick(selector: string, value: string) {
  const select = $<HTMLSelectElement>(selector);
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
}
function type(text: string) {
  const area = $<HTMLTextAreaElement>('#fd-options');
  area.value = text;
  area.dispatchEvent(new Event('input', { bubbles: true }));
}

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

describe('Console commands', () => {
  it('open and close publish events, write console.session and the auto-load list', async () => {
    const { bus, cookie } = await start();
    const events = vi.fn();
    bus.subscribe('Console.opened', events);
    bus.subscribe('Console.closed', events);
    expect(shadow()).toBeUndefined();
    await bus.command('Console.open');
    expect(shadow()).toBeTruthy();
    expect(await reasonOf(bus.command('Console.open'))).toBe(ALREADY_OPENED);
    expect(await reasonOf(bus.command('Console.restore'))).toBe(ALREADY_OPENED);
    await flush();
    expect(cookie('console.session')).toBe('true');
    expect(cookie('app.autoLoadList')).toBe('{"Console":true}');

    await bus.command('Console.close');
    expect(shadow()).toBeUndefined();
    expect(await reasonOf(bus.command('Console.close'))).toBe(ALREADY_CLOSED);
    await flush();
    expect(cookie('console.session')).toBe('false');
    expect(cookie('app.autoLoadList')).toBe('{"Console":false}');
    expect(events.mock.calls.map(([e]) => e.event)).toEqual(['Console.opened', 'Console.closed']);
  });

  it('opens at start-up when configured with console.open', async () => {
    await start({ console: { open: true } });
    await vi.waitFor(() => expect(shadow()).toBeTruthy());
  });

  it('configure merges options', async () => {
    const { bus } = await start({ console: { a: 1 } });
    await expect(bus.command('Console.configure', { b: 2 })).resolves.toEqual({ a: 1, b: 2 });
  });
});

describe('Console window', () => {
  it('runs the picked command with JSON options and shows results and rejections', async () => {
    const { bus, cookie } = await start();
    await bus.command('Console.open');
    pick('#fd-command-plugin', 'App');
    pick('#fd-command', 'setTheme');
    type('{"theme":"light"}');
    $<HTMLButtonElement>('#fd-run').click();
    await vi.waitFor(() => expect($('#fd-result').textContent).toBe('Resolved: "light"'));
    expect(cookie('console.commandPlugin')).toBe('App');
    expect(cookie('console.command')).toBe('setTheme');
    expect(cookie('console.optionsArea')).toBe('{"theme":"light"}');

    type('{"theme":"x"}');
    $<HTMLButtonElement>('#fd-run').click();
    await vi.waitFor(() =>
      expect($('#fd-result').textContent).toBe('Rejected: Invalid theme specified'),
    );
    type('{oops');
    $<HTMLButtonElement>('#fd-run').click();
    expect($('#fd-result').textContent).toMatch(/^Rejected: Options are not valid JSON: /);
    type('[1]');
    $<HTMLButtonElement>('#fd-run').click();
    expect($('#fd-result').textContent).toBe('Rejected: Options must be a JSON object');
  });

  it('subscribes to events with a live log and removes the cookie when the list empties', async () => {
    const { bus, cookie } = await start();
    await bus.command('Console.open');
    pick('#fd-event-plugin', 'App');
    pick('#fd-event', 'theme');
    $<HTMLButtonElement>('#fd-subscribe').click();
    expect(cookie('console.activeSubscriptions')).toBe('["App.theme"]');
    expect(cookie('console.eventPlugin')).toBe('App');
    await bus.command('App.setTheme', { theme: 'light' });
    await flush();
    expect($('.fd-log').textContent).toContain('App.theme');
    expect($('.fd-log').textContent).toContain('{"theme":"light"}');

    shadow()?.querySelector<HTMLButtonElement>('.fd-subs button')?.click();
    expect(cookie('console.activeSubscriptions')).toBeUndefined();
    await bus.command('App.setTheme', { theme: 'dark' });
    await flush();
    expect($('.fd-log').textContent).not.toContain('"dark"');
  });

  it('moves with arrow keys and keeps the position in console.windowPosition', async () => {
    const { bus, cookie } = await start();
    await bus.command('Console.open');
    const handle = $<HTMLButtonElement>('.fd-move');
    handle.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
    handle.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'ArrowDown', shiftKey: true, bubbles: true }),
    );
    expect(cookie('console.windowPosition')).toBe('{"x":34,"y":74}');
    expect($<HTMLElement>('.fd-console').style.left).toBe('34px');
  });

  it('restores selections, options, position and live subscriptions from the cookies', async () => {
    const { bus } = await start(
      {},
      {
        'console.session': 'true',
        'console.commandPlugin': 'App',
        'console.command': 'getTheme',
        'console.eventPlugin': 'App',
        'console.event': 'language',
        'console.optionsArea': '{"a":1}',
        'console.windowPosition': '{"x":100,"y":50}',
        'console.activeSubscriptions': '["App.language","Later.event"]',
      },
    );
    await vi.waitFor(() => expect(shadow()).toBeTruthy());
    expect($<HTMLSelectElement>('#fd-command').value).toBe('getTheme');
    expect($<HTMLSelectElement>('#fd-event').value).toBe('language');
    expect($<HTMLTextAreaElement>('#fd-options').value).toBe('{"a":1}');
    expect($<HTMLElement>('.fd-console').style.top).toBe('50px');
    expect($('.fd-subs').textContent).toContain('Later.event');
    await bus.command('App.setLanguage', { lang: 'de' });
    await flush();
    expect($('.fd-log').textContent).toContain('App.language');
    expect($('h2').textContent).toBe('Konsole');
  });
});

describe('preview', () => {
  it('survives cycles and cuts long text', () => {
    const cycle: Record<string, unknown> = { a: 1 };
    cycle['self'] = cycle;
    expect(preview(cycle)).toBe('{"a":1,"self":"[circular]"}');
    expect(preview('x'.repeat(10), 4)).toBe('"xxx…');
    expect(preview(undefined)).toBe('undefined');
  });
});
