/** Entry of `plugins/clicktocallservice.min.js`: registers ClickToCallService on the page's bus. */
import { registerClickToCallService } from './service';

if (window.CXBus) registerClickToCallService(window.CXBus, window);
