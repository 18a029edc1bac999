/** Entry of `plugins/knowledgecenterservice.min.js`: registers KnowledgeCenterService on the page's bus. */
import { registerKnowledgeCenterService } from './service';

if (window.CXBus) registerKnowledgeCenterService(window.CXBus, window);
