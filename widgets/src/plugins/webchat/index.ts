/** Entry of `plugins/webchat.min.js`: registers WebChat on the page's bus. */
import { registerWebChat } from './webchat';

if (window.CXBus) registerWebChat(window.CXBus, window);
