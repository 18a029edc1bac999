/** Entry of `plugins/hello.min.js`: registers Hello on the page's bus. */
import { registerHello } from './hello';

if (window.CXBus) registerHello(window.CXBus, document.documentElement);
