import { createBus } from './bus';
import { scriptTagLoader } from './script_loader';

/**
 * Put the bus on `window.CXBus` unless a bus is already there (the loader and the
 * all-in-one bundle may both be on a page; the first one wins and keeps its plugins).
 * Plugins default to `plugins/` beside this script, which is where the build puts them.
 */
function install(): void {
  if (window.CXBus) return;
  const script = document.currentScript as HTMLScriptElement | null;
  window.CXBus = createBus({
    loadScript: scriptTagLoader(document, script?.nonce ?? ''),
    pluginsPath: script?.src ? new URL('plugins/', script.src).href : '',
  });
}

install();
