import { afterEach, describe, expect, it } from 'vitest';
import { createUIHost, HOST_TAG } from '../../src/core/ui_host';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('UI host', () => {
  it('mounts each plugin in its own open shadow root on body, with its styles inside', () => {
    const ui = createUIHost(document);
    const one = ui.mount('One', '.x{color:red}');
    const two = ui.mount('Two');
    expect(document.querySelectorAll(HOST_TAG)).toHaveLength(2);
    expect(one.host.dataset['plugin']).toBe('One');
    expect(one.host.shadowRoot).toBe(one.shadow);
    expect(one.root.className).toBe('fd');
    expect(one.shadow.contains(one.root)).toBe(true);
    expect(document.head.querySelector('style')).toBeNull();
    one.remove();
    expect(document.querySelectorAll(HOST_TAG)).toHaveLength(1);
    expect(two.root.isConnected).toBe(true);
  });

  it('applies theme, direction, language and mobile mode to every root, now and later', () => {
    const ui = createUIHost(document);
    const early = ui.mount('Early').root;
    ui.update({
      theme: { name: 'sea', base: 'dark', className: 'cx-sea', vars: { '--fd-accent': '#0af' } },
      dir: 'rtl',
      lang: 'ar',
      mobile: true,
    });
    const late = ui.mount('Late').root;
    for (const root of [early, late]) {
      expect(root.dataset['theme']).toBe('sea');
      expect(root.dataset['themeBase']).toBe('dark');
      expect(root.dataset['mobile']).toBe('true');
      expect(root.getAttribute('dir')).toBe('rtl');
      expect(root.getAttribute('lang')).toBe('ar');
      expect(root.classList.contains('cx-sea')).toBe(true);
      expect(root.style.getPropertyValue('--fd-accent')).toBe('#0af');
    }
    ui.update({ theme: { name: 'light', base: 'light' } });
    expect(early.classList.contains('cx-sea')).toBe(false);
    expect(late.style.getPropertyValue('--fd-accent')).toBe('');
  });
});
