import type { ScriptLoader } from './types';

/**
 * A loader that adds `<script src>` tags. `nonce` is the CSP nonce of the script that
 * installed the bus, passed on so that pages with a nonce-based CSP accept our plugins.
 */
export function scriptTagLoader(doc: Document, nonce: string): ScriptLoader {
  return (url) =>
    new Promise<void>((resolve, reject) => {
      const script = doc.createElement('script');
      script.async = true;
      if (nonce) script.nonce = nonce;
      script.onload = () => resolve();
      script.onerror = () => {
        script.remove();
        reject(new Error(`could not load ${url}`));
      };
      script.src = url;
      (doc.head || doc.documentElement).appendChild(script);
    });
}
