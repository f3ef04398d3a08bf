// `npm start`: the seed-000 demo on Moddable's XS engine (the host simulator) by default,
// or on Node with `npm start -- --node`.
const onNode = process.argv.includes("--node");
console.log(`running the seed-000 demo on ${onNode ? "Node" : "the XS engine (xsnap)"}${onNode ? "" : "; use `npm start -- --node` for Node"}`);
await import(onNode ? "./run.mjs" : "./xs.mjs");
