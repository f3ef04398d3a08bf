import type { Runtime } from "../modules/endpoint/runtime";
import { nodePlatform } from "./platform";
import { NodeTransport } from "./transport";

export const nodeRuntime: Runtime = {
  platform: nodePlatform,
  createTransport: () => new NodeTransport(),
};
