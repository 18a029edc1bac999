/** Reading `window._genesys.widgets` (or the legacy `_genesys.cxwidget`) the way App does. */
import { isRecord } from '../common';

export interface MainOptions {
  debug: boolean;
  theme: string;
  themes: Record<string, unknown>;
  lang: string;
  i18n: unknown;
  mobileMode: 'auto' | boolean;
  mobileModeBreakpoint: number;
  preload: string[];
  pluginLoadDelay: number;
  header: Record<string, string>;
  deploymentID?: string;
  cookieOptions?: Record<string, unknown>;
}

/** Only these request headers may be set through the configuration or `updateAJAXHeader`. */
export function allowedHeaders(value: unknown): Record<string, string> {
  const header: Record<string, string> = {};
  if (!isRecord(value)) return header;
  for (const key of ['Authorization', 'apikey']) {
    const text = value[key];
    if (typeof text === 'string') header[key] = text;
  }
  return header;
}

/** The configuration object on the page, created empty when there is none. */
export function widgetsConfig(win: Window): Record<string, unknown> {
  const genesys = (win._genesys ??= {});
  if (isRecord(genesys.widgets)) return genesys.widgets;
  if (isRecord(genesys.cxwidget)) return genesys.cxwidget;
  return (genesys.widgets = {});
}

/** `main`, `app` and `global` merged (`main` wins), with defaults and types checked. */
export function mainOptions(widgets: Record<string, unknown>): MainOptions {
  const merged: Record<string, unknown> = {};
  for (const key of ['global', 'app', 'main']) {
    const part = widgets[key];
    if (isRecord(part)) Object.assign(merged, part);
  }
  const text = (key: string, fallback: string): string => {
    const value = merged[key];
    return typeof value === 'string' && value !== '' ? value : fallback;
  };
  const number = (key: string, fallback: number): number => {
    const value = merged[key];
    return typeof value === 'number' && value >= 0 ? value : fallback;
  };
  const mobile = merged['mobileMode'];
  const preload = merged['preload'];
  const options: MainOptions = {
    debug: merged['debug'] === true,
    theme: text('theme', 'dark'),
    themes: isRecord(merged['themes']) ? merged['themes'] : {},
    lang: text('lang', 'en'),
    i18n: merged['i18n'],
    mobileMode: typeof mobile === 'boolean' ? mobile : 'auto',
    mobileModeBreakpoint: number('mobileModeBreakpoint', 600),
    preload: Array.isArray(preload)
      ? preload.filter((name): name is string => typeof name === 'string')
      : [],
    pluginLoadDelay: number('pluginLoadDelay', 100),
    header: allowedHeaders(merged['header']),
  };
  const deploymentID = merged['deploymentID'];
  if (typeof deploymentID === 'string' && deploymentID !== '') options.deploymentID = deploymentID;
  if (isRecord(merged['cookieOptions'])) options.cookieOptions = merged['cookieOptions'];
  return options;
}
