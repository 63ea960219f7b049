import { EventEmitter } from 'node:events';
import type { BusEvents } from '../model/events.js';

export class Bus extends EventEmitter<BusEvents> {
  constructor() {
    super();
    this.setMaxListeners(0);
  }
}
