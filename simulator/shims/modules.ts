/**
 * The simulator's `modules` (Moddable's look-up of modules by name at run
 * time). Which SDK modules are in the build is the parent's answer
 * (build-bridge.ts: from the manifests the test's app includes); those the
 * simulator can stand in for are here. importNow answers the module's default
 * export, as the SDK's does unless asked for the namespace.
 */
import Inflate from "./inflate";
import { request } from "./host";

const STAND_INS: Record<string, unknown> = { inflate: Inflate };

export default class Modules {
  static has(specifier: string): boolean {
    return request({ op: "build.modules.has", name: specifier }).header.value === true && specifier in STAND_INS;
  }

  static importNow(specifier: string): unknown {
    if (!Modules.has(specifier)) throw new Error(`module "${specifier}" not found`);
    return STAND_INS[specifier];
  }
}
