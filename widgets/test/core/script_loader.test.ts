import { describe, expect, it, vi } from 'vitest';
import { scriptTagLoader } from '../../src/core/script_loader';

/** Capture the script elements the loader appends instead of letting the DOM fetch them. */
function captured() {
  const scripts: HTMLScriptElement[] = [];
  vi.spyOn(document.head, 'appendChild').mockImplementation(<T extends Node>(node: T) => {
    scripts.push(node as unknown as HTMLScriptElement);
    return node;
  });
  return scripts;
}

describe('scriptTagLoader', () => {
  it('adds an async script with the nonce and resolves on load', async () => {
    const scripts = captured();
    const loading = scriptTagLoader(document, 'n0nce')('https://cdn.example.test/p/hello.min.js');

    const script = scripts[0];
    expect(script?.src).toBe('https://cdn.example.test/p/hello.min.js');
    expect(script?.async).toBe(true);
    expect(script?.nonce).toBe('n0nce');
    script?.dispatchEvent(new Event('load'));
    await expect(loading).resolves.toBeUndefined();
  });

  it('rejects and removes the tag when the file fails to load', async () => {
    const scripts = captured();
    const loading = scriptTagLoader(document, '')('/missing.js');

    const script = scripts[0];
    expect(script?.hasAttribute('nonce')).toBe(false);
    script?.dispatchEvent(new Event('error'));
    await expect(loading).rejects.toThrow('could not load /missing.js');
  });
});
