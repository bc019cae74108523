/** node:events in the page: a minimal EventEmitter for modules that subclass it at load time. */
export class EventEmitter {
  private readonly listeners = new Map<string | symbol, Array<(...args: unknown[]) => void>>();
  on(name: string | symbol, listener: (...args: unknown[]) => void): this {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), listener]);
    return this;
  }
  once(name: string | symbol, listener: (...args: unknown[]) => void): this {
    const wrapped = (...args: unknown[]): void => {
      this.off(name, wrapped);
      listener(...args);
    };
    return this.on(name, wrapped);
  }
  off(name: string | symbol, listener: (...args: unknown[]) => void): this {
    this.listeners.set(name, (this.listeners.get(name) ?? []).filter((l) => l !== listener));
    return this;
  }
  emit(name: string | symbol, ...args: unknown[]): boolean {
    const listeners = this.listeners.get(name) ?? [];
    for (const listener of listeners) listener(...args);
    return listeners.length > 0;
  }
}
export const once = (): never => {
  throw new Error("events.once is a Node-only call and is not available in the browser viewer.");
};
export default EventEmitter;
