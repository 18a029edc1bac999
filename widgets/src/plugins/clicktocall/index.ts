/** Entry of `plugins/clicktocall.min.js`: registers ClickToCall on the page's bus. */
import { registerClickToCall } from './clicktocall';

if (window.CXBus) registerClickToCall(window.CXBus, window);
