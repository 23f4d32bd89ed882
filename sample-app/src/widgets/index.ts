export * from './stats.controller.js';
export * from './widget-api.module.js';
export * from './widget-api.service.js';
export * from './widget.controller.js';
export * from './widget.interface.js';
export * from './widget.service.js';
export * from './widget.store.js';
