import { afterEach, describe, expect, it } from 'vitest';
import { emojisOf, EMOJI_COLUMNS } from '../../../src/plugins/webchat/emoji_menu';
import { settle } from '../webchatservice/setup';
import { $, all, fill, openAndStart, page, shadow } from './setup';

afterEach(() => {
  delete window._genesys;
  document.body.innerHTML = '';
});

const focused = () => shadow()?.activeElement;
const items = () => all('#fd-wc-emojis [role=menuitem]') as HTMLElement[];
const press = (key: string) =>
  focused()?.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
const box = () => $<HTMLTextAreaElement>('#fd-wc-input');

describe('emoji menu', () => {
  it('is off unless `emojis` is true', async () => {
    const p = await page();
    await openAndStart(p);
    expect(shadow()?.querySelector('.fd-wc-emoji')).toBeNull();
    expect(emojisOf(undefined, '😀')).toEqual([]);
  });

  it('works from the keyboard: arrows, Home, End, insert at the caret, Escape gives focus back', async () => {
    const p = await page({ emojis: true });
    await openAndStart(p);
    const button = $<HTMLButtonElement>('.fd-wc-emoji');
    expect(button.getAttribute('aria-haspopup')).toBe('menu');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    fill('#fd-wc-input', 'Hi there');
    box().setSelectionRange(2, 2);
    button.click();
    await settle();
    expect($('#fd-wc-emojis').getAttribute('role')).toBe('menu');
    expect($('.fd-wc-emoji').getAttribute('aria-expanded')).toBe('true');
    expect(items()).toHaveLength(24);
    expect(focused()).toBe(items()[0]);
    press('ArrowRight');
    expect(focused()).toBe(items()[1]);
    press('ArrowDown');
    expect(focused()).toBe(items()[1 + EMOJI_COLUMNS]);
    expect(
      items()
        .map((item) => item.tabIndex)
        .filter((tab) => tab === 0),
    ).toHaveLength(1);
    press('End');
    expect(focused()).toBe(items()[23]);
    press('ArrowRight');
    expect(focused()).toBe(items()[23]);
    press('Home');
    press('ArrowUp');
    expect(focused()).toBe(items()[0]);
    press('ArrowRight');
    press('ArrowRight');
    const chosen = focused() as HTMLButtonElement;
    expect(chosen.textContent).toBe('😊');
    chosen.click();
    await settle();
    expect(shadow()?.querySelector('#fd-wc-emojis')).toBeNull();
    expect(box().value).toBe('Hi😊 there');
    expect(focused()).toBe(box());
    expect(box().selectionStart).toBe(4);
    expect(p.server.calls.some((c) => c.path.endsWith('/typing'))).toBe(true);

    $<HTMLButtonElement>('.fd-wc-emoji').click();
    await settle();
    press('Escape');
    await settle();
    expect(shadow()?.querySelector('#fd-wc-emojis')).toBeNull();
    expect(focused()).toBe($('.fd-wc-emoji'));
    // The Escape closed the menu only: the window stays.
    expect(shadow()?.querySelector('.fd-wc-window')).toBeTruthy();
  });

  it('takes `emojiList` as given, and never grows the message past maxMessageLength', async () => {
    expect(emojisOf(true, ['🦄', 42, ''])).toEqual(['🦄']);
    expect(emojisOf(true, '')).toHaveLength(24);
    const p = await page({ emojis: true, emojiList: '🦄, 🐙 🍕', maxMessageLength: 5 });
    await openAndStart(p);
    $<HTMLButtonElement>('.fd-wc-emoji').click();
    await settle();
    expect(items().map((item) => item.textContent)).toEqual(['🦄', '🐙', '🍕']);
    fill('#fd-wc-input', 'abcd');
    items()[1]!.click();
    await settle();
    expect(box().value).toBe('abcd');
    fill('#fd-wc-input', 'abc');
    $<HTMLButtonElement>('.fd-wc-emoji').click();
    await settle();
    items()[1]!.click();
    await settle();
    expect(box().value).toBe('abc🐙');
  });

  it('follows the reading direction: in Arabic the left arrow moves on', async () => {
    const p = await page({ emojis: true });
    await openAndStart(p);
    await p.bus.command('App.setLanguage', { lang: 'ar' });
    await settle();
    $<HTMLButtonElement>('.fd-wc-emoji').click();
    await settle();
    expect($('.fd-wc-emoji').getAttribute('aria-label')).toBe('رموز تعبيرية');
    press('ArrowLeft');
    expect(focused()).toBe(items()[1]);
    press('ArrowRight');
    expect(focused()).toBe(items()[0]);
  });
});
