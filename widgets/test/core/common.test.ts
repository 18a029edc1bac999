import { afterEach, describe, expect, it } from 'vitest';
import { rememberFocus } from '../../src/core/common';

afterEach(() => {
  document.body.innerHTML = '';
});

function button(parent: Node, label: string): HTMLButtonElement {
  const made = document.createElement('button');
  made.textContent = label;
  parent.appendChild(made);
  return made;
}

describe('rememberFocus', () => {
  it('gives focus back to the opener once the widget that had it has gone', () => {
    const opener = button(document.body, 'Call us');
    opener.focus();
    const giveBack = rememberFocus(window);
    const host = document.createElement('frontdesk-widget');
    document.body.appendChild(host);
    const inside = button(host.attachShadow({ mode: 'open' }), 'Close');
    inside.focus();
    inside.remove();
    giveBack();
    expect(document.activeElement).toBe(opener);
  });

  it('finds the opener inside another widget, and leaves focus the visitor moved elsewhere', () => {
    const host = document.createElement('frontdesk-widget');
    document.body.appendChild(host);
    const link = button(host.attachShadow({ mode: 'open' }), 'Article');
    link.focus();
    const giveBack = rememberFocus(window);
    const elsewhere = button(document.body, 'Search');
    elsewhere.focus();
    giveBack();
    expect(document.activeElement).toBe(elsewhere);
    elsewhere.blur();
    giveBack();
    expect(host.shadowRoot!.activeElement).toBe(link);
  });

  it('does nothing when nothing but the page had focus', () => {
    const giveBack = rememberFocus(window);
    const other = button(document.body, 'Other');
    other.remove();
    giveBack();
    expect(document.activeElement).toBe(document.body);
  });
});
