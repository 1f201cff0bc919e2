import { Injectable } from '@nestjs/common';

type Port<T> = abstract new (...args: never[]) => T;

/**
 * Which provider implements each port. The implementing module binds it when it is created; the
 * port's delegate (see ports.module.ts) looks it up on every call, so the two modules need not
 * import each other.
 */
@Injectable()
export class PortBindings {
  private readonly bound = new Map<Port<unknown>, unknown>();

  bind<T>(port: Port<T>, implementation: T): void {
    if (this.bound.has(port)) throw new Error(`${port.name} is bound twice`);
    this.bound.set(port, implementation);
  }

  implementationOf<T>(port: Port<T>): T {
    if (!this.bound.has(port))
      throw new Error(`${port.name} has no implementation: its module is not in the application`);
    return this.bound.get(port) as T;
  }
}
