/**
 * The simulator's `modules` (Moddable's look-up of modules by name at run
 * time): the simulator's build is one bundle with no modules to look up, so
 * nothing is there, as in a device build that does not include the module.
 */
export default class Modules {
  static has(_specifier: string): boolean {
    return false;
  }

  static importNow(specifier: string): unknown {
    throw new Error(`module "${specifier}" not found`);
  }
}
