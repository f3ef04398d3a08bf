/** `websocket/luatos`: seed 001's LuatOS-style module (`luatos.new(url, cert?)`, `luatos.exit(ws)`). */
export * from "websocket-client/device/luatos";
export { default } from "websocket-client/device/luatos";
