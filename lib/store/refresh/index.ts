export { Refresher, type RefreshHost } from './refresher.js';
