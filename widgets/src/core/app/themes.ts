/** The theme map: built-in `dark` and `light`, plus `main.themes` from the configuration. */
import { isRecord } from '../common';
import type { Theme } from '../ui_host';

/**
 * The theme called `name`, or undefined. A custom theme is a CSS class name (the Genesys
 * form, `{blue: 'cx-theme-blue'}`) or an object of custom properties, e.g.
 * `{ocean: {base: 'dark', '--fd-accent': '#0af'}}`; bare keys get the `--fd-` prefix.
 */
export function findTheme(name: unknown, themes: Record<string, unknown>): Theme | undefined {
  if (name === 'dark' || name === 'light') return { name, base: name };
  if (typeof name !== 'string' || !Object.prototype.hasOwnProperty.call(themes, name)) {
    return undefined;
  }
  const spec = themes[name];
  if (typeof spec === 'string') return { name, base: 'light', className: spec };
  if (!isRecord(spec)) return undefined;
  const vars: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec)) {
    if (key !== 'base' && typeof value === 'string') {
      vars[key.startsWith('--') ? key : `--fd-${key}`] = value;
    }
  }
  return { name, base: spec['base'] === 'dark' ? 'dark' : 'light', vars };
}
