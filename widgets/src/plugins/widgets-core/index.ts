/** Entry of `plugins/widgets-core.min.js`: starts App on the page's bus. */
import { startApp } from '../../core/app/app';

if (window.CXBus) startApp(window.CXBus, window);
