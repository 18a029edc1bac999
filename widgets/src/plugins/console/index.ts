/** Entry of `plugins/console.min.js`: registers the Console on the page's bus. */
import { registerConsole } from './console';

if (window.CXBus) registerConsole(window.CXBus, window);
