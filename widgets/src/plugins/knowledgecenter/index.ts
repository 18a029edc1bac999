/** Entry of `plugins/knowledgecenter.min.js`: registers KnowledgeCenter on the page's bus. */
import { registerKnowledgeCenter } from './knowledgecenter';

if (window.CXBus) registerKnowledgeCenter(window.CXBus, window);
