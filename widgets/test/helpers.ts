import { vi } from 'vitest';
import { createBus } from '../src/core/bus';
import type { CXBusGlobal, PluginInterface } from '../src/core/types';

/** A bus whose script loader runs `scripts[url]` in place of fetching; unknown URLs fail. */
export function makeBus(pluginsPath = '/widgets/plugins/') {
  const scripts: Record<string, () => void> = {};
  const loadScript = vi.fn(async (url: string) => {
    const run = scripts[url];
    if (!run) throw new Error(`404 ${url}`);
    run();
  });
  const bus = createBus({ loadScript, pluginsPath });
  return { bus, scripts, loadScript };
}

/** Register `name` on `bus`, failing the test if the name is taken. */
export function plugin(bus: CXBusGlobal, name: string): PluginInterface {
  const registered = bus.registerPlugin(name);
  if (!registered) throw new Error(`could not register ${name}`);
  return registered;
}

/** Let queued microtasks and a timer tick run. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** The rejection reason of `promise`, failing the test if it resolves. */
export async function reasonOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (reason) {
    return reason;
  }
  throw new Error('expected a rejection');
}
