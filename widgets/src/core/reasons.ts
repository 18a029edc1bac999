/**
 * Rejection reasons of the bus. Callers match on these strings, so they never change;
 * the first two are the wording Genesys Widgets used and sites already test for. The last
 * four are followed by `: <the command path or plugin name>`.
 */
export const CANCELLED = "Command was cancelled by a 'before' function.";
export const LOAD_FAILED =
  'Could not load plugin file in given location. Check your plugins path option.';
export const BAD_PATH = 'Invalid command path: expected "Plugin.command".';
export const BAD_OPTIONS = 'Invalid command options: expected an object.';
export const BAD_NAME = 'Invalid plugin name.';
export const BAD_URL = 'Invalid file URL.';
export const ALREADY_LOADED = 'Plugin is already loaded or registered';
export const NOT_REGISTERED = 'Plugin file loaded but did not register the plugin';
export const NO_SUCH_COMMAND = 'Command does not exist';
export const HANDLER_FAILED = 'Command handler threw an error';
