/** Entry of `cxbus.min.js`, the loader: the bus alone; plugins come from `pluginsPath`. */
import './core/install';
