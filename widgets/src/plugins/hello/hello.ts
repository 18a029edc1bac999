import type { CXBusGlobal, PluginInterface } from '../../core/types';

/** Register the `Hello` placeholder plugin on `bus`; false if the name is taken. */
export function registerHello(bus: CXBusGlobal, root: HTMLElement): PluginInterface | false {
  const plugin = bus.registerPlugin('Hello');
  if (!plugin) return false;
  plugin.registerEvents(['ready']);
  plugin.registerCommand('greet', ({ data, deferred }) => {
    const name = data['name'];
    if (typeof name === 'string' && name.trim() !== '') {
      deferred.resolve({ greeting: `Hello, ${name}` });
    } else {
      deferred.reject('Hello.greet needs a non-empty "name" string.');
    }
  });
  root.dataset['frontdeskHello'] = 'loaded';
  plugin.republish('ready', {});
  plugin.ready();
  return plugin;
}
