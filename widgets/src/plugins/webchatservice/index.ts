/** Entry of `plugins/webchatservice.min.js`: registers WebChatService on the page's bus. */
import { registerWebChatService } from './service';

if (window.CXBus) registerWebChatService(window.CXBus, window);
